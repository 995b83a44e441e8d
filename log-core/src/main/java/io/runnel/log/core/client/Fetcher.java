package io.runnel.log.core.client;

import java.util.ArrayList;
import java.util.Collection;
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
import io.runnel.log.core.storage.ReadHint;

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
    /** Assigned partitions, in the order they were assigned, and what the fetcher keeps for each. */
    private final Map<TopicPartition, Assigned> positions = new LinkedHashMap<>();
    /** {@link #positions}' values as an array, for the loops that run on every poll (and every spin). */
    private Assigned[] states = new Assigned[0];
    /** The records of the partition being fetched, copied out when there are any. */
    private final List<ConsumerRecord<K, V>> scratch = new ArrayList<>();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    /** An immutable copy of the assigned partitions, readable from any thread. */
    private volatile Set<TopicPartition> assignment = Set.of();
    /** Whether partitions of a deleted topic are skipped (a group revokes them) rather than an error. */
    private boolean skipDeletedTopics;
    private int nextPartition;
    /** Set when a record failed to deserialize after others were already fetched in the same poll. */
    private boolean stopFetch;

    /** One assigned partition: its position (none yet until resolved), its log, and where the last read ended. */
    private static final class Assigned {
        final TopicPartition tp;
        /** Null for a partition of a deleted topic (skipped while its group revokes it). */
        final PartitionLog log;
        final ReadHint hint = new ReadHint();
        boolean hasPosition;
        long position;

        Assigned(TopicPartition tp, PartitionLog log) {
            this.tp = tp;
            this.log = log;
        }

        void position(long offset) {
            position = offset;
            hasPosition = true;
        }
    }

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
            PartitionLog plog = null;
            try {
                plog = log.partitionLog(tp);
            } catch (UnknownTopicException e) {
                if (!skipDeletedTopics) {
                    throw e;
                }
            }
            positions.put(tp, new Assigned(tp, plog));
            if (plog != null) {
                waiter.watch(plog);
            }
        }
        assignmentChanged();
    }

    private void assignmentChanged() {
        assignment = Set.copyOf(positions.keySet());
        states = positions.values().toArray(new Assigned[0]);
    }

    void remove(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Assigned a = positions.remove(tp);
            if (a != null && a.log != null) {
                waiter.unwatch(a.log);
            }
        }
        assignmentChanged();
    }

    void clear() {
        remove(List.copyOf(positions.keySet()));
    }

    private Assigned requireAssigned(TopicPartition tp) {
        Assigned a = positions.get(tp);
        if (a == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        return a;
    }

    private long resolvePosition(Assigned a) {
        if (a.hasPosition) {
            return a.position;
        }
        TopicPartition tp = a.tp;
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
        a.position(start);
        return start;
    }

    long position(TopicPartition tp) {
        return resolvePosition(requireAssigned(tp));
    }

    void seek(TopicPartition tp, long offset) {
        requireAssigned(tp).position(offset);
    }

    void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp);
        }
        for (TopicPartition tp : partitions) {
            positions.get(tp).position(log.partitionLog(tp).startOffset());
        }
    }

    void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp);
        }
        for (TopicPartition tp : partitions) {
            positions.get(tp).position(log.partitionLog(tp).endOffset());
        }
    }

    long lag(TopicPartition tp) {
        Assigned a = requireAssigned(tp);
        return Math.max(0, log.partitionLog(tp).endOffset() - resolvePosition(a));
    }

    /**
     * The positions known now, to commit.
     *
     * @return per assigned partition with a position, that position
     */
    Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Assigned a : states) {
            if (a.hasPosition) {
                out.put(a.tp, a.position);
            }
        }
        return out;
    }

    /** Whether a fetch could return something now: new data, or a position to set. */
    boolean ready() {
        for (Assigned a : states) {
            PartitionLog plog = a.log;
            if (!a.hasPosition || plog == null || plog.isClosed() || a.position != plog.endOffset()) {
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
        Assigned[] order = states;
        if (order.length == 0) {
            return Map.of();
        }
        // Nothing is allocated for partitions without new records: an empty poll allocates nothing.
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = null;
        int budget = config.maxPollRecords();
        stopFetch = false;
        for (int i = 0; i < order.length && budget > 0 && !stopFetch; i++) {
            Assigned a = order[(nextPartition + i) % order.length];
            List<ConsumerRecord<K, V>> records = scratch;
            records.clear();
            try {
                fetchPartition(a, records, budget, out == null);
            } catch (UnknownTopicException e) {
                if (!skipDeletedTopics) {
                    throw e;
                }
                continue; // deleted: the group revokes it at the next sync
            }
            if (!records.isEmpty()) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                }
                // Immutable: ConsumerRecords keeps it as it is instead of copying it again.
                out.put(a.tp, List.copyOf(records));
                budget -= records.size();
                records.clear();
            }
        }
        nextPartition = (nextPartition + 1) % order.length;
        return out == null ? Map.of() : out;
    }

    /**
     * Fetches records of one partition into {@code into}. A record that fails to deserialize
     * stops the fetch with the position on it: it is thrown at once when nothing was fetched
     * before it in this poll, else by the next poll, after the good records are returned.
     */
    private void fetchPartition(Assigned a, List<ConsumerRecord<K, V>> into, int budget, boolean firstInPoll) {
        TopicPartition tp = a.tp;
        PartitionLog plog = log.partitionLog(tp);
        long position = resolvePosition(a);
        if (position == plog.endOffset()) {
            return; // nothing new: no read, no allocation
        }
        if (position < plog.startOffset() || position > plog.endOffset()) {
            if (config.autoOffsetReset() == OffsetReset.NONE) {
                throw new OffsetOutOfRangeException(tp, position, plog.startOffset(), plog.endOffset());
            }
            position = resetPosition(plog);
            a.position(position);
        }
        long[] next = {position};
        try {
            readInto(a, plog, position, into, budget, firstInPoll, next);
        } catch (OffsetOutOfRangeException e) {
            // Retention deleted the segment between the range check and the read.
            if (config.autoOffsetReset() == OffsetReset.NONE || !into.isEmpty()) {
                throw e;
            }
            position = resetPosition(plog);
            next[0] = position;
            readInto(a, plog, position, into, budget, firstInPoll, next);
        }
        a.position(next[0]);
    }

    /** Where {@code auto.offset.reset} puts a position outside the log. */
    private long resetPosition(PartitionLog plog) {
        return config.autoOffsetReset() == OffsetReset.EARLIEST ? plog.startOffset() : plog.endOffset();
    }

    private void readInto(Assigned a, PartitionLog plog, long position, List<ConsumerRecord<K, V>> into,
                          int budget, boolean firstInPoll, long[] next) {
        TopicPartition tp = a.tp;
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
                    a.position(offset);
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
        }, a.hint);
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
