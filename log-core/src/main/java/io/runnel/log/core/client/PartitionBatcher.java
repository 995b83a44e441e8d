package io.runnel.log.core.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.runnel.log.Headers;
import io.runnel.log.RecordMetadata;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.PartitionLog;

/**
 * Gathers one producer's records for one partition into batches and appends them, by flat
 * combining: there is no sender thread in the path. A sending thread encodes its record into the
 * open batch under a short lock. If no thread is draining, it becomes the drainer: it takes the
 * batches that are due, appends them to the {@link PartitionLog} outside the lock and completes
 * their futures, then looks again. Threads that send meanwhile only add to the next batch, which
 * the drainer takes in its next round; so the more threads send at once, the larger the batches.
 *
 * <p>A batch is due when it is full (no room for another record), or at once with
 * {@code linger.ms = 0}, or when its linger expired (a timer on the {@link ProducerThread}), or
 * on flush and close. With a positive linger, a batch that is not full waits for its timer,
 * whose thread then drains. A sending thread drains for others at most
 * {@value #INLINE_EXTRA_ROUNDS} rounds after the one holding its own record; then it hands the
 * draining to the producer thread, so that no {@code send} is held up long by other threads'
 * records.
 *
 * <p>A sender that finds more than {@value #MAX_DUE_BATCHES} batches due while another thread
 * drains waits until half of them were taken: the back-pressure of Kafka's {@code buffer.memory},
 * so that many fast senders cannot pile up batches faster than one thread appends them. A thread
 * running a callback inside a drain never waits.
 *
 * <p>One thread drains at a time, and batches are taken in the order they were opened, so
 * records are appended in the order they entered the batcher: the order of each thread's sends.
 * Each batch carries the producer id, epoch 0 and the partition's next sequence number.
 *
 * <p>Thread-safe: one lock guards the open and due batches; the drainer owns the batches it took.
 */
final class PartitionBatcher {
    /** {@link #add} outcomes. */
    static final int QUEUED = 0;
    /** The record would start a new batch, and the caller asked to be told instead (sticky partitioning). */
    static final int NEW_BATCH = 1;
    /** The batcher was replaced (its partition log closed); the caller routes again. */
    static final int RETIRED = 2;
    /** The producer is closed. */
    static final int CLOSED = 3;

    /** Rounds a sending thread drains after the round that holds its own record. */
    static final int INLINE_EXTRA_ROUNDS = 16;
    /** Rounds the producer thread drains before it lets its other tasks run. */
    static final int THREAD_ROUNDS = 64;
    /**
     * Back-pressure (Kafka's {@code buffer.memory}, per partition): a sender that finds more due
     * batches than this, while another thread drains, waits until half of them are taken.
     */
    static final int MAX_DUE_BATCHES = 16;
    /** How many drains the current thread is inside of: such a thread never waits for a drain. */
    private static final ThreadLocal<int[]> DRAINS_ON_THREAD = ThreadLocal.withInitial(() -> new int[1]);

    private final TopicPartition tp;
    private final PartitionLog log;
    private final ProducerSettings settings;
    private final int batchCapacity;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private ProducerBatch open;
    private final ArrayDeque<ProducerBatch> due = new ArrayDeque<>();
    private boolean draining;
    /** The thread draining now, if any: a flush on it would wait for itself. */
    private volatile Thread drainer;
    private long lastNumber;
    private long completedNumber;
    /** Threads waiting on {@link #progress}: flushes, and senders held back by a backlog. */
    private int waiters;
    private int state = QUEUED;

    /** The drainer's: the batches of its current round, and what appends them. */
    private final ArrayList<ProducerBatch> taken = new ArrayList<>();
    private final BatchAppender appender;

    PartitionBatcher(TopicPartition tp, PartitionLog log, ProducerSettings settings) {
        this.tp = tp;
        this.log = log;
        this.settings = settings;
        // A batch never exceeds max.message.bytes: the log would refuse it whole.
        this.batchCapacity = Math.min(settings.batchSize(), log.config().maxMessageBytes());
        this.appender = new BatchAppender(tp, log, settings);
    }

    PartitionLog log() {
        return log;
    }

    /**
     * Encodes a record into the open batch (a new one when it does not fit) and, when a batch is
     * due and nobody drains, drains.
     *
     * @param batchBound      the size of a batch holding only this record
     * @param abortOnNewBatch return {@link #NEW_BATCH}, adding nothing, rather than open a batch
     * @return {@link #QUEUED}, {@link #NEW_BATCH}, {@link #RETIRED} or {@link #CLOSED}
     */
    int add(long timestamp, byte[] key, byte[] value, Headers headers, int batchBound, boolean abortOnNewBatch,
            CompletableFuture<RecordMetadata> future) {
        boolean drain;
        int outcome = QUEUED;
        RuntimeException failure = null;
        lock.lock();
        try {
            if (state != QUEUED) {
                return state;
            }
            ProducerBatch b = open;
            try {
                if (b == null || !b.tryAppend(timestamp, key, value, headers, future)) {
                    if (b != null) {
                        // Full for this record: it goes out now, whatever comes next.
                        makeDue(b);
                    }
                    if (abortOnNewBatch) {
                        outcome = NEW_BATCH;
                        b = null;
                    } else {
                        b = openBatch(timestamp, key, value, headers, batchBound, future);
                    }
                }
                if (b != null && b.isFull()) {
                    makeDue(b);
                }
            } catch (RuntimeException e) {
                // Encoding stopped half-way (a header changed while it was encoded?) in the open
                // batch (openBatch makes the new one open first): it cannot be finished, so it
                // fails as a whole, at once.
                failure = e;
                if (open != null) {
                    open.failure = e;
                    makeDue(open);
                }
            }
            drain = becomeDrainer();
            if (!drain && due.size() > MAX_DUE_BATCHES) {
                awaitBacklog();
            }
        } finally {
            lock.unlock();
        }
        if (drain) {
            drain(0, INLINE_EXTRA_ROUNDS);
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    /**
     * Under the lock: waits until the drainer took the due batches down to half the limit. Not
     * on a thread inside a drain (a callback): it might wait for itself, or for a drainer that
     * waits for it.
     */
    private void awaitBacklog() {
        if (DRAINS_ON_THREAD.get()[0] > 0) {
            return;
        }
        waiters++;
        try {
            while (draining && due.size() > MAX_DUE_BATCHES / 2) {
                progress.awaitUninterruptibly();
            }
        } finally {
            waiters--;
        }
    }

    /** Opens a batch for a record that did not fit the open one (or there was none). Under the lock. */
    private ProducerBatch openBatch(long timestamp, byte[] key, byte[] value, Headers headers, int batchBound,
                                    CompletableFuture<RecordMetadata> future) {
        ProducerBatch b = newBatch(batchBound);
        open = b;
        if (!b.tryAppend(timestamp, key, value, headers, future)) {
            throw new IllegalStateException("a record does not fit a batch sized for it: " + batchBound + " bytes");
        }
        if (settings.lingerMs() > 0 && !b.isFull()) {
            startLinger(b);
        }
        return b;
    }

    private ProducerBatch newBatch(int batchBound) {
        ProducerBatch b;
        if (batchBound <= batchCapacity) {
            b = settings.pool().take(batchCapacity);
        } else {
            // Larger than batch.size: a batch of its own, exactly its size, full at once.
            b = new ProducerBatch(batchBound, false);
        }
        b.begin(++lastNumber, settings.compression());
        return b;
    }

    private void startLinger(ProducerBatch b) {
        long number = b.number;
        try {
            b.lingerTimer = settings.thread().schedule(() -> lingerExpired(number), settings.lingerMs());
        } catch (RejectedExecutionException e) {
            b.sendNow = true;
        }
    }

    private void lingerExpired(long number) {
        boolean drain = false;
        lock.lock();
        try {
            if (open != null && open.number == number) {
                open.sendNow = true;
                drain = becomeDrainer();
            }
        } finally {
            lock.unlock();
        }
        if (drain) {
            drain(0, THREAD_ROUNDS);
        }
    }

    /** Moves the open batch {@code b} to the due ones. Under the lock. */
    private void makeDue(ProducerBatch b) {
        if (open == b) {
            open = null;
        }
        if (b.lingerTimer != null) {
            b.lingerTimer.cancel(false);
            b.lingerTimer = null;
        }
        due.addLast(b);
    }

    /** Under the lock: whether the open batch goes out without waiting for more records. */
    private boolean openIsDue() {
        return open != null && (open.sendNow || settings.lingerMs() == 0 || state != QUEUED);
    }

    private boolean hasWork() {
        return !due.isEmpty() || openIsDue();
    }

    /** Under the lock: whether the caller is to drain now. */
    private boolean becomeDrainer() {
        if (draining || !hasWork()) {
            return false;
        }
        draining = true;
        return true;
    }

    /**
     * Appends due batches until there are none, or until batch {@code mustComplete} was
     * completed and {@code extraRounds} more rounds ran; then hands over to the producer thread.
     * Only the thread that set {@link #draining} calls this.
     */
    private void drain(long mustComplete, int extraRounds) {
        int[] drains = DRAINS_ON_THREAD.get();
        drains[0]++;
        try {
            drainRounds(mustComplete, extraRounds);
        } finally {
            drains[0]--;
        }
    }

    private void drainRounds(long mustComplete, int extraRounds) {
        Thread me = Thread.currentThread();
        int extra = 0;
        while (true) {
            lock.lock();
            try {
                finishRound();
                if (!hasWork()) {
                    draining = false;
                    drainer = null;
                    return;
                }
                if (completedNumber >= mustComplete && extra++ >= extraRounds && handOver()) {
                    drainer = null;
                    return;
                }
                drainer = me;
                if (openIsDue()) {
                    makeDue(open);
                }
                // One by one: addAll would copy the deque into a new array on every round.
                for (ProducerBatch b = due.pollFirst(); b != null; b = due.pollFirst()) {
                    taken.add(b);
                }
                if (waiters > 0) {
                    // Senders held back by the backlog may go on.
                    progress.signalAll();
                }
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < taken.size(); i++) {
                appender.append(taken.get(i));
            }
        }
    }

    private boolean handOver() {
        return settings.thread().execute(() -> drain(0, THREAD_ROUNDS));
    }

    /** Under the lock: recycles the batches of the round just appended and wakes flushes. */
    private void finishRound() {
        if (taken.isEmpty()) {
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            ProducerBatch b = taken.get(i);
            completedNumber = b.number;
            if (b.isPooled()) {
                settings.pool().give(b);
            }
        }
        taken.clear();
        if (waiters > 0) {
            progress.signalAll();
        }
    }

    /**
     * Makes every batch opened so far due, drains if nobody does, and returns the number of the
     * last of them, for {@link #awaitCompleted}.
     *
     * @param close also refuse further records
     */
    long flushStart(boolean close) {
        boolean drain;
        long target;
        lock.lock();
        try {
            if (close && state == QUEUED) {
                state = CLOSED;
            }
            if (open != null) {
                open.sendNow = true;
            }
            target = lastNumber;
            drain = becomeDrainer();
        } finally {
            lock.unlock();
        }
        if (drain) {
            drain(target, 0);
        }
        return target;
    }

    /** Waits until batch {@code target} and every batch before it completed. */
    void awaitCompleted(long target) {
        lock.lock();
        try {
            waiters++;
            while (completedNumber < target) {
                progress.awaitUninterruptibly();
            }
            waiters--;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking records (senders route again) and sends what it holds; does not wait. */
    void retire() {
        boolean drain;
        lock.lock();
        try {
            if (state == QUEUED) {
                state = RETIRED;
            }
            if (open != null) {
                open.sendNow = true;
            }
            drain = becomeDrainer();
        } finally {
            lock.unlock();
        }
        if (drain) {
            drain(0, INLINE_EXTRA_ROUNDS);
        }
    }

    /**
     * Whether the calling thread is draining this batcher now: then it is running a callback of
     * one of the futures, and must not wait for the batcher.
     */
    boolean isDrainingThread() {
        return drainer == Thread.currentThread();
    }

    @Override
    public String toString() {
        return "PartitionBatcher[" + tp + "]";
    }
}
