package io.runnel.log.core.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.Headers;
import io.runnel.log.NoOffsetForPartitionException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.PartitionLog;

/**
 * The partitions a consumer reads, its position in each, and the reads: CRC-checked, zero-copy
 * batch views decoded into {@link ConsumerRecord}s, partitions visited round-robin (the start
 * moves each fetch) up to {@code max.poll.records}. A partition without a position starts at
 * its group's committed offset, else where {@code auto.offset.reset} says; a position outside the
 * log is reset the same way.
 *
 * <p>Not thread-safe: used by the consumer's owner thread only.
 */
final class Fetcher<K, V> {
    /** A soft limit on the bytes one fetch reads per partition. */
    static final int MAX_BYTES_PER_READ = 1 << 20;

    private final LogAccess log;
    private final ConsumerConfig config;
    private final Serde<K> keys;
    private final Serde<V> values;
    private final PollWaiter waiter;
    private final Function<TopicPartition, OptionalLong> committed;
    /** Assigned partitions and positions; null while a partition has none yet. */
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final Map<TopicPartition, PartitionLog> watched = new HashMap<>();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    /** An immutable copy of the assigned partitions, readable from any thread. */
    private volatile Set<TopicPartition> assignment = Set.of();
    /** Whether partitions of a deleted topic are skipped (a group revokes them) rather than an error. */
    private boolean skipDeletedTopics;
    private int nextPartition;
    /** Set when a record failed to deserialize after others were already fetched in the same poll. */
    private boolean stopFetch;

    Fetcher(LogAccess log, ConsumerConfig config, Serde<K> keys, Serde<V> values, PollWaiter waiter,
            Function<TopicPartition, OptionalLong> committed) {
        this.log = log;
        this.config = config;
        this.keys = keys;
        this.values = values;
        this.waiter = waiter;
        this.committed = committed;
    }

    void skipDeletedTopics(boolean skip) {
        this.skipDeletedTopics = skip;
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    boolean isAssigned(TopicPartition tp) {
        return positions.containsKey(tp);
    }

    boolean isEmpty() {
        return positions.isEmpty();
    }

    /** Adds partitions without a position (a no-op for those already assigned). */
    void add(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (positions.containsKey(tp)) {
                continue;
            }
            positions.put(tp, null);
            try {
                PartitionLog plog = log.partitionLog(tp);
                watched.put(tp, plog);
                waiter.watch(plog);
            } catch (UnknownTopicException e) {
                if (!skipDeletedTopics) {
                    throw e;
                }
            }
        }
        assignment = Set.copyOf(positions.keySet());
    }

    void remove(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            positions.remove(tp);
            PartitionLog plog = watched.remove(tp);
            if (plog != null) {
                waiter.unwatch(plog);
            }
        }
        assignment = Set.copyOf(positions.keySet());
    }

    void clear() {
        remove(List.copyOf(positions.keySet()));
    }

    private void requireAssigned(TopicPartition tp) {
        if (!positions.containsKey(tp)) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
    }

    private long resolvePosition(TopicPartition tp) {
        Long p = positions.get(tp);
        if (p != null) {
            return p;
        }
        OptionalLong c = committed.apply(tp);
        long start;
        if (c.isPresent()) {
            start = c.getAsLong();
        } else {
            PartitionLog plog = log.partitionLog(tp);
            start = switch (config.autoOffsetReset()) {
                case EARLIEST -> plog.startOffset();
                case LATEST -> plog.endOffset();
                case NONE -> throw new NoOffsetForPartitionException(tp);
            };
        }
        positions.put(tp, start);
        return start;
    }

    long position(TopicPartition tp) {
        requireAssigned(tp);
        return resolvePosition(tp);
    }

    void seek(TopicPartition tp, long offset) {
        requireAssigned(tp);
        positions.put(tp, offset);
    }

    void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp);
        }
        for (TopicPartition tp : partitions) {
            positions.put(tp, log.partitionLog(tp).startOffset());
        }
    }

    void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp);
        }
        for (TopicPartition tp : partitions) {
            positions.put(tp, log.partitionLog(tp).endOffset());
        }
    }

    long lag(TopicPartition tp) {
        requireAssigned(tp);
        return Math.max(0, log.partitionLog(tp).endOffset() - resolvePosition(tp));
    }

    /**
     * The positions known now, to commit.
     *
     * @return per assigned partition with a position, that position
     */
    Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Whether a fetch could return something now: new data, or a position to set. */
    boolean ready() {
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            Long p = e.getValue();
            PartitionLog plog = watched.get(e.getKey());
            if (p == null || plog == null || plog.isClosed() || p != plog.endOffset()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads up to {@code max.poll.records} records after the positions and advances them.
     *
     * @return the records per partition; empty when there are none
     */
    Map<TopicPartition, List<ConsumerRecord<K, V>>> fetch() {
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
            try {
                fetchPartition(tp, records, budget, out.isEmpty());
            } catch (UnknownTopicException e) {
                if (!skipDeletedTopics) {
                    throw e;
                }
                continue; // deleted: the group revokes it at the next sync
            }
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
            position = resetPosition(plog);
            positions.put(tp, position);
        }
        long[] next = {position};
        try {
            readInto(tp, plog, position, into, budget, firstInPoll, next);
        } catch (OffsetOutOfRangeException e) {
            // Retention deleted the segment between the range check and the read.
            if (config.autoOffsetReset() == OffsetReset.NONE || !into.isEmpty()) {
                throw e;
            }
            position = resetPosition(plog);
            next[0] = position;
            readInto(tp, plog, position, into, budget, firstInPoll, next);
        }
        positions.put(tp, next[0]);
    }

    /** Where {@code auto.offset.reset} puts a position outside the log. */
    private long resetPosition(PartitionLog plog) {
        return config.autoOffsetReset() == OffsetReset.EARLIEST ? plog.startOffset() : plog.endOffset();
    }

    private void readInto(TopicPartition tp, PartitionLog plog, long position, List<ConsumerRecord<K, V>> into,
                          int budget, boolean firstInPoll, long[] next) {
        plog.read(position, MAX_BYTES_PER_READ, true, view, batch -> {
            cursor.reset(batch);
            while (cursor.next()) {
                long offset = cursor.offset();
                if (offset < next[0]) {
                    continue;
                }
                ConsumerRecord<K, V> record;
                try {
                    record = toRecord(tp);
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
    }

    private ConsumerRecord<K, V> toRecord(TopicPartition tp) {
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
}
