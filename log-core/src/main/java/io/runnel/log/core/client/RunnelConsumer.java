package io.runnel.log.core.client;

import java.time.Duration;
import java.util.ArrayList;
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
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.NoOffsetForPartitionException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.OffsetReset;
import io.runnel.log.RebalanceListener;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.TopicPartition;
import io.runnel.log.WakeupException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.AppendWaiter;
import io.runnel.log.core.storage.PartitionLog;

/**
 * A consumer of manually assigned partitions: positions, seeks, resets and time lookups over the
 * partition logs, CRC-checked zero-copy reads decoded into {@link ConsumerRecord}s. Consumer
 * groups, subscriptions and committed offsets arrive with the client issue and throw
 * {@link UnsupportedOperationException} until then. A poll without data parks until an append
 * to an assigned partition wakes it (no polling loop).
 *
 * <p>Not thread-safe: one thread polls; {@link #wakeup()} may be called from any thread.
 */
public final class RunnelConsumer<K, V> implements Consumer<K, V> {
    private static final int MAX_BYTES_PER_READ = 1 << 20;

    private final LogAccess log;
    private final ConsumerConfig config;
    private final Serde<K> keys;
    private final Serde<V> values;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private final AtomicBoolean wakeup = new AtomicBoolean();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final java.util.function.Consumer<Object> onClose;
    private volatile boolean closed;
    private int nextPartition;
    /** Parks the polling thread until an append; registered with every assigned partition. */
    private volatile AppendWaiter waiter;
    private Thread waiterOwner;
    /** Set when a record failed to deserialize after others were already fetched in the same poll. */
    private boolean stopFetch;

    /**
     * Creates a consumer.
     *
     * @param log    the commit log
     * @param config the settings
     * @param keys   the key serde
     * @param values the value serde
     * @param onClose told when this consumer closes
     */
    public RunnelConsumer(LogAccess log, ConsumerConfig config, Serde<K> keys, Serde<V> values,
                          java.util.function.Consumer<Object> onClose) {
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.log = Objects.requireNonNull(log, "log");
        this.config = Objects.requireNonNull(config, "config");
        this.keys = Objects.requireNonNull(keys, "key serde");
        this.values = Objects.requireNonNull(values, "value serde");
    }

    private void acquire() {
        if (closed) {
            throw new LogClosedException("consumer is closed");
        }
        Thread me = Thread.currentThread();
        if (!owner.compareAndSet(null, me) && owner.get() != me) {
            throw new ConcurrentModificationException("consumer is in use by thread " + owner.get().getName()
                    + "; a consumer is used by one thread at a time");
        }
    }

    private void releaseOwner() {
        owner.set(null);
    }

    @Override
    public void subscribe(Collection<String> topics) {
        throw new UnsupportedOperationException("subscribe() needs consumer groups, which arrive with the client issue; use assign()");
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        subscribe(topics);
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        Objects.requireNonNull(partitions, "partitions");
        acquire();
        try {
            Set<TopicPartition> wanted = new LinkedHashSet<>();
            for (TopicPartition tp : partitions) {
                Objects.requireNonNull(tp, "partition");
                log.partitionLog(tp);
                wanted.add(tp);
            }
            unregisterWaiter();
            positions.keySet().retainAll(wanted);
            for (TopicPartition tp : wanted) {
                positions.putIfAbsent(tp, null);
            }
        } finally {
            releaseOwner();
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    private void requireAssigned(TopicPartition tp) {
        Objects.requireNonNull(tp, "partition");
        if (!positions.containsKey(tp)) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
    }

    private long resolvePosition(TopicPartition tp) {
        Long p = positions.get(tp);
        if (p != null) {
            return p;
        }
        PartitionLog plog = log.partitionLog(tp);
        long reset = switch (config.autoOffsetReset()) {
            case EARLIEST -> plog.startOffset();
            case LATEST -> plog.endOffset();
            case NONE -> throw new NoOffsetForPartitionException(tp);
        };
        positions.put(tp, reset);
        return reset;
    }

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        acquire();
        try {
            if (positions.isEmpty()) {
                throw new IllegalStateException("poll needs assigned partitions: call assign() first");
            }
            long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
            AppendWaiter w = waiterForThisThread();
            for (;;) {
                if (wakeup.getAndSet(false)) {
                    throw new WakeupException("consumer poll woken up");
                }
                Map<TopicPartition, List<ConsumerRecord<K, V>>> out = fetch();
                if (!out.isEmpty()) {
                    return new ConsumerRecords<>(out);
                }
                // No polling: appends to any assigned partition (and wakeup()) unpark this thread.
                if (!w.await(deadline, this::readyToFetch)) {
                    return ConsumerRecords.empty();
                }
            }
        } finally {
            releaseOwner();
        }
    }

    /** Whether a fetch could return something now: new data, a reset to do, or a wakeup. */
    private boolean readyToFetch() {
        if (wakeup.get() || closed) {
            return true;
        }
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            Long p = e.getValue();
            PartitionLog plog = log.partitionLog(e.getKey());
            if (p == null || p != plog.endOffset() || plog.isClosed()) {
                return true;
            }
        }
        return false;
    }

    private AppendWaiter waiterForThisThread() {
        Thread me = Thread.currentThread();
        if (waiter == null || waiterOwner != me) {
            unregisterWaiter();
            waiter = new AppendWaiter(me);
            waiterOwner = me;
            for (TopicPartition tp : positions.keySet()) {
                log.partitionLog(tp).addWaiter(waiter);
            }
        }
        return waiter;
    }

    private void unregisterWaiter() {
        AppendWaiter w = waiter;
        if (w == null) {
            return;
        }
        for (TopicPartition tp : positions.keySet()) {
            try {
                log.partitionLog(tp).removeWaiter(w);
            } catch (RuntimeException e) {
                // the topic is gone or the log closed: nothing left to unregister from
            }
        }
        waiter = null;
        waiterOwner = null;
    }

    private Map<TopicPartition, List<ConsumerRecord<K, V>>> fetch() {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        List<TopicPartition> order = new ArrayList<>(positions.keySet());
        if (order.isEmpty()) {
            return out;
        }
        int budget = config.maxPollRecords();
        stopFetch = false;
        for (int i = 0; i < order.size() && budget > 0 && !stopFetch; i++) {
            TopicPartition tp = order.get((nextPartition + i) % order.size());
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            fetchPartition(tp, records, budget, out.isEmpty());
            if (!records.isEmpty()) {
                out.put(tp, records);
                budget -= records.size();
            }
        }
        nextPartition = (nextPartition + 1) % order.size();
        return out;
    }

    /**
     * Fetches records of one partition into {@code into}. A record that fails to deserialize
     * stops the fetch with the position on it: it is thrown at once when nothing was fetched
     * before it in this poll, else by the next poll, after the good records are returned.
     */
    private void fetchPartition(TopicPartition tp, List<ConsumerRecord<K, V>> into, int budget, boolean firstInPoll) {
        PartitionLog plog = log.partitionLog(tp);
        long position = resolvePosition(tp);
        if (position < plog.startOffset() || position > plog.endOffset()) {
            if (config.autoOffsetReset() == OffsetReset.NONE) {
                throw new OffsetOutOfRangeException(tp, position, plog.startOffset(), plog.endOffset());
            }
            positions.put(tp, null);
            position = resolvePosition(tp);
        }
        long[] next = {position};
        plog.read(position, MAX_BYTES_PER_READ, true, view, batch -> {
            cursor.reset(batch);
            while (cursor.next()) {
                long offset = cursor.offset();
                if (offset < next[0]) {
                    continue;
                }
                ConsumerRecord<K, V> record;
                try {
                    record = toRecord(tp, batch);
                } catch (SerializationException e) {
                    positions.put(tp, offset);
                    if (firstInPoll && into.isEmpty()) {
                        throw e;
                    }
                    stopFetch = true;
                    next[0] = offset;
                    return false;
                }
                into.add(record);
                next[0] = offset + 1;
                if (into.size() >= budget) {
                    return false;
                }
            }
            next[0] = Math.max(next[0], batch.lastOffset() + 1);
            return true;
        });
        positions.put(tp, next[0]);
    }

    private ConsumerRecord<K, V> toRecord(TopicPartition tp, RecordBatchView batch) {
        long offset = cursor.offset();
        K key;
        V value;
        try {
            key = keys.deserialize(cursor.key());
            value = values.deserialize(cursor.value());
        } catch (RuntimeException e) {
            throw new SerializationException(tp, offset, "cannot deserialize the record: " + e, e);
        }
        Headers headers = cursor.headerCount() == 0 ? Headers.empty() : cursor.headers();
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, cursor.timestamp(), key, value, headers);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        acquire();
        try {
            requireAssigned(partition);
            positions.put(partition, offset);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        acquire();
        try {
            for (TopicPartition tp : partitions) {
                requireAssigned(tp);
                positions.put(tp, log.partitionLog(tp).startOffset());
            }
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        acquire();
        try {
            for (TopicPartition tp : partitions) {
                requireAssigned(tp);
                positions.put(tp, log.partitionLog(tp).endOffset());
            }
        } finally {
            releaseOwner();
        }
    }

    @Override
    public long position(TopicPartition partition) {
        acquire();
        try {
            requireAssigned(partition);
            return resolvePosition(partition);
        } finally {
            releaseOwner();
        }
    }

    @Override
    public void commitSync() {
        throw new UnsupportedOperationException("committed offsets need consumer groups, which arrive with the client issue");
    }

    @Override
    public void commitSync(Map<TopicPartition, Long> nextOffsets) {
        commitSync();
    }

    @Override
    public OptionalLong committed(TopicPartition partition) {
        throw new UnsupportedOperationException("committed offsets need consumer groups, which arrive with the client issue");
    }

    @Override
    public long lag(TopicPartition partition) {
        acquire();
        try {
            requireAssigned(partition);
            return Math.max(0, log.partitionLog(partition).endOffset() - resolvePosition(partition));
        } finally {
            releaseOwner();
        }
    }

    @Override
    public Map<TopicPartition, OptionalLong> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        Map<TopicPartition, OptionalLong> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : timestamps.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("timestamp for " + e.getKey() + " must be >= 0, was " + e.getValue());
            }
            out.put(e.getKey(), log.partitionLog(e.getKey()).offsetForTimestamp(e.getValue()));
        }
        return out;
    }

    @Override
    public void wakeup() {
        wakeup.set(true);
        AppendWaiter w = waiter;
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public void close() {
        closed = true;
        AppendWaiter w = waiter;
        if (w != null) {
            w.wake();
        }
        if (owner.compareAndSet(null, Thread.currentThread())) {
            try {
                unregisterWaiter();
            } finally {
                owner.set(null);
            }
        }
        onClose.accept(this);
    }
}
