package io.runnel.log.core.client;

import java.time.Duration;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.LogClosedException;
import io.runnel.log.RebalanceListener;
import io.runnel.log.Serde;
import io.runnel.log.TopicPartition;
import io.runnel.log.WakeupException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.TopicNames;
import io.runnel.log.core.group.GroupCoordinator;

/**
 * A consumer: of partitions it {@linkplain #assign assigned} itself, or of those its group gave
 * it for the topics it {@linkplain #subscribe subscribed} to. Reads go through a {@link Fetcher};
 * group membership, rebalances and commits through a {@link GroupSession} (consumers with a
 * group id); waiting through a {@link PollWaiter} chosen by {@link ConsumerConfig#waitStrategy()}.
 * A poll without data waits until an append to an assigned partition, a group change,
 * {@link #wakeup()} or {@link #close()} wakes it (no polling loop with the default strategy).
 *
 * <p>Not thread-safe: one thread at a time; each call claims the consumer with a CAS and a second
 * thread gets {@link ConcurrentModificationException} ({@link LogClosedException} once a close has
 * begun). {@link #wakeup()} may be called from any
 * thread, and so may {@link #close()}: while another thread is inside a call, close marks the
 * consumer closed, wakes it, and that thread leaves the group as its call ends.
 */
public final class RunnelConsumer<K, V> implements Consumer<K, V> {

    private enum Mode { NONE, ASSIGNED, SUBSCRIBED }

    private final LogAccess log;
    private final ConsumerConfig config;
    private final PollWaiter waiter;
    private final Fetcher<K, V> fetcher;
    private final GroupSession session;
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    /** Nested calls of the owner thread (a listener calling the consumer); owner thread only. */
    private int depth;
    private final AtomicBoolean wakeup = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final java.util.function.Consumer<Object> onClose;
    private volatile boolean closed;
    /** Set as {@link #close()} starts, before it claims the consumer: a call racing it is refused as closed. */
    private volatile boolean closing;
    private Mode mode = Mode.NONE;
    /** {@link #ready()}, made once: a method reference per wait would allocate on every empty poll. */
    private final java.util.function.BooleanSupplier readyCheck = this::ready;

    /**
     * Creates a consumer.
     *
     * @param log     the commit log
     * @param groups  the log's group coordinator
     * @param config  the settings
     * @param keys    the key serde
     * @param values  the value serde
     * @param onClose told when this consumer closes
     */
    public RunnelConsumer(LogAccess log, GroupCoordinator groups, ConsumerConfig config, Serde<K> keys,
                          Serde<V> values, java.util.function.Consumer<Object> onClose) {
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.log = Objects.requireNonNull(log, "log");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(keys, "key serde");
        Objects.requireNonNull(values, "value serde");
        this.waiter = PollWaiter.of(config.waitStrategy());
        GroupCoordinator g = Objects.requireNonNull(groups, "groups");
        String groupId = config.groupId();
        this.fetcher = new Fetcher<>(log, config, keys, values, waiter,
                tp -> groupId == null ? OptionalLong.empty() : g.committed(groupId, tp));
        this.session = config.hasGroupId() ? new GroupSession(g, config, fetcher, waiter::wake) : null;
    }

    // ------------------------------------------------------------------ ownership

    private void acquire() {
        if (closed) {
            throw new LogClosedException("consumer is closed");
        }
        Thread me = Thread.currentThread();
        if (owner.get() == me) {
            depth++;
            return;
        }
        if (!owner.compareAndSet(null, me)) {
            if (closing) {
                // The owner is the closing thread, or a call that close() has just woken.
                throw new LogClosedException("consumer is closed");
            }
            Thread other = owner.get();
            throw new ConcurrentModificationException("consumer is in use by thread "
                    + (other == null ? "(just released)" : other.getName())
                    + "; a consumer is used by one thread at a time");
        }
        depth = 1;
    }

    private void releaseOwner() {
        if (--depth > 0) {
            return;
        }
        owner.set(null);
        if (closed) {
            finishForeignClose();
        }
    }

    private GroupSession requireGroup(String what) {
        if (session == null) {
            throw new InvalidConfigException(what + " needs a consumer group: set groupId (group.id) in the ConsumerConfig");
        }
        return session;
    }

    // ------------------------------------------------------------------ assignment

    @Override
    public void subscribe(Collection<String> topics) {
        subscribe(topics, null, false);
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        subscribe(topics, listener, true);
    }

    private void subscribe(Collection<String> topics, RebalanceListener listener, boolean listenerGiven) {
        Objects.requireNonNull(topics, "topics");
        if (listenerGiven) {
            Objects.requireNonNull(listener, "listener");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String t : topics) {
            names.add(Objects.requireNonNull(t, "topic name"));
        }
        for (String t : names) {
            TopicNames.validate(t);
        }
        GroupSession s = requireGroup("subscribe()");
        acquire();
        try {
            if (mode == Mode.ASSIGNED) {
                throw new IllegalStateException("subscribe() after assign(): a consumer either assigns partitions itself "
                        + "or subscribes to topics; use assign(List.of()) first");
            }
            if (s.inCallback()) {
                throw new IllegalStateException("subscribe() cannot be called from a RebalanceListener");
            }
            s.subscribe(names, listener != null ? listener : noListener());
            mode = names.isEmpty() ? Mode.NONE : Mode.SUBSCRIBED;
        } finally {
            releaseOwner();
        }
    }

    private static RebalanceListener noListener() {
        return new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        Objects.requireNonNull(partitions, "partitions");
        acquire();
        try {
            if (mode == Mode.SUBSCRIBED) {
                throw new IllegalStateException("assign() while subscribed: a consumer either subscribes to topics or "
                        + "assigns partitions itself; use subscribe(List.of()) first");
            }
            Set<TopicPartition> wanted = new LinkedHashSet<>();
            for (TopicPartition tp : partitions) {
                Objects.requireNonNull(tp, "partition");
                log.partitionLog(tp);
                wanted.add(tp);
            }
            Set<TopicPartition> gone = new LinkedHashSet<>(fetcher.assignment());
            gone.removeAll(wanted);
            fetcher.remove(gone);
            fetcher.add(wanted);
            mode = wanted.isEmpty() ? Mode.NONE : Mode.ASSIGNED;
        } finally {
            releaseOwner();
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        ensureNotClosed();
        return fetcher.assignment();
    }

    /** For the calls that need no ownership: the consumer and its log must be open. */
    private void ensureNotClosed() {
        if (closed) {
            throw new LogClosedException("consumer is closed");
        }
        log.ensureOpenForClients();
    }

    // ------------------------------------------------------------------ poll

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        acquire();
        try {
            if (session != null && session.inCallback()) {
                throw new IllegalStateException("poll() cannot be called from a RebalanceListener");
            }
            if (mode == Mode.NONE) {
                throw new IllegalStateException("poll needs partitions: call subscribe() or assign() first");
            }
            long deadline = System.nanoTime() + Math.min(saturatedNanos(timeout), Long.MAX_VALUE / 4);
            try {
                for (;;) {
                    if (wakeup.getAndSet(false)) {
                        throw new WakeupException("consumer poll woken up");
                    }
                    if (closed) {
                        throw new LogClosedException("consumer is closed");
                    }
                    log.ensureOpenForClients();
                    if (mode == Mode.SUBSCRIBED) {
                        session.step();
                    }
                    if (session != null) {
                        session.maybeAutoCommit();
                    }
                    Map<TopicPartition, List<ConsumerRecord<K, V>>> out = fetcher.fetch();
                    if (!out.isEmpty()) {
                        return new ConsumerRecords<>(out);
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        return ConsumerRecords.empty();
                    }
                    long until = mode == Mode.SUBSCRIBED ? session.waitDeadline(deadline) : deadline;
                    waiter.await(until, readyCheck);
                }
            } finally {
                if (mode == Mode.SUBSCRIBED) {
                    session.pollEnded();
                }
            }
        } finally {
            releaseOwner();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether the poll has something to do: wakeup, close, group work, or data. */
    private boolean ready() {
        return wakeup.get() || closed || (session != null && session.signalled()) || fetcher.ready();
    }

    // ------------------------------------------------------------------ positions

    @Override
    public void seek(TopicPartition partition, long offset) {
        Objects.requireNonNull(partition, "partition");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        acquire();
        try {
            fetcher.seek(partition, offset);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = nonNullList(partitions);
        acquire();
        try {
            fetcher.seekToBeginning(list);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = nonNullList(partitions);
        acquire();
        try {
            fetcher.seekToEnd(list);
        } finally {
            releaseOwner();
        }
    }

    private static List<TopicPartition> nonNullList(Collection<TopicPartition> partitions) {
        Objects.requireNonNull(partitions, "partitions");
        for (TopicPartition tp : partitions) {
            Objects.requireNonNull(tp, "partition");
        }
        return List.copyOf(partitions);
    }

    @Override
    public long position(TopicPartition partition) {
        Objects.requireNonNull(partition, "partition");
        acquire();
        try {
            return fetcher.position(partition);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public long lag(TopicPartition partition) {
        Objects.requireNonNull(partition, "partition");
        acquire();
        try {
            return fetcher.lag(partition);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public Map<TopicPartition, OptionalLong> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        Objects.requireNonNull(timestamps, "timestamps");
        ensureNotClosed();
        Map<TopicPartition, OptionalLong> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : timestamps.entrySet()) {
            TopicPartition tp = Objects.requireNonNull(e.getKey(), "partition");
            Long ts = Objects.requireNonNull(e.getValue(), () -> "timestamp of " + tp);
            if (ts < 0) {
                throw new IllegalArgumentException("timestamp for " + tp + " must be >= 0, was " + ts);
            }
            out.put(tp, log.partitionLog(tp).offsetForTimestamp(ts));
        }
        return out;
    }

    // ------------------------------------------------------------------ commits

    @Override
    public void commitSync() {
        GroupSession s = requireGroup("commitSync()");
        acquire();
        try {
            s.commitPositions();
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void commitSync(Map<TopicPartition, Long> nextOffsets) {
        Objects.requireNonNull(nextOffsets, "nextOffsets");
        GroupSession s = requireGroup("commitSync(offsets)");
        acquire();
        try {
            s.commit(nextOffsets);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public OptionalLong committed(TopicPartition partition) {
        Objects.requireNonNull(partition, "partition");
        GroupSession s = requireGroup("committed()");
        acquire();
        try {
            return s.committed(partition);
        } finally {
            releaseOwner();
        }
    }

    // ------------------------------------------------------------------ wakeup and close

    @Override
    public void wakeup() {
        if (closed) {
            return;
        }
        wakeup.set(true);
        waiter.wake();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        Thread me = Thread.currentThread();
        if (owner.get() != me && !owner.compareAndSet(null, me)) {
            // Another thread is inside a call: it leaves the group as that call ends.
            closed = true;
            waiter.wake();
            onClose.accept(this);
            finishForeignClose();
            return;
        }
        depth++;
        RuntimeException error = null;
        try {
            if (session != null) {
                error = session.close();
            }
        } finally {
            closed = true;
            finished.set(true);
            fetcher.clear();
            onClose.accept(this);
            releaseOwner();
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * Completes a close made while another thread was inside a call: whichever of the closing
     * thread and the owner thread gets the consumer first leaves the group, without commit or
     * listener (the owner's thread is not the caller's, so callbacks would run on the wrong one).
     */
    private void finishForeignClose() {
        if (finished.get() || !owner.compareAndSet(null, Thread.currentThread())) {
            return;
        }
        try {
            if (finished.compareAndSet(false, true)) {
                if (session != null) {
                    session.abandon();
                }
                fetcher.clear();
            }
        } finally {
            owner.set(null);
        }
    }
}
