package io.runnel.log.core.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.runnel.log.ConsumerRecord;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.RecordViewHandler;
import io.runnel.log.ReplayHandler;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.BatchHandler;
import io.runnel.log.core.storage.PartitionLog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay of a topic (see {@code CommitLog.replay}): captures every partition's end offset,
 * checks the start offsets, then reads the partitions one after another, in ascending order, with
 * CRC-checked zero-copy reads ({@link PartitionLog#read}), and hands each record from its start
 * offset to below the captured end offset to a {@link Sink}: a {@link CursorRecordView} for
 * {@code replayViews}, or a deserialised {@link ConsumerRecord} for {@code replay}. The read
 * loop allocates nothing per record or per batch; {@link ReplayProgress} logs.
 *
 * <p>Not thread-safe: an instance serves one call on one thread. The static entry points are
 * thread-safe: each makes its own instance.
 */
public final class Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    /** The soft byte limit of each read: large, since the reader only moves on. */
    static final int FETCH_BYTES = 4 << 20;

    /** Receives the record a cursor is on. */
    private interface Sink {
        /**
         * Moves on to a partition.
         *
         * @param partition the partition
         */
        void partition(int partition);

        /**
         * Hands over the cursor's current record.
         *
         * @param cursor the cursor
         */
        void accept(RecordCursor cursor);

        /** Ends the replay (successfully or not). */
        void finish();
    }

    private final LogAccess log;
    private final String topic;
    private final PartitionLog[] partitions;
    private final long[] from;
    private final long[] end;
    private final Sink sink;
    private final ReplayProgress progress;
    private final Consumer<String> out;
    private final RecordBatchView batchView = new RecordBatchView();
    private final RecordCursor cursor;
    private final BatchHandler onBatch = this::onBatch;

    /** The partition being read, its first offset and its end offset. */
    private int partition;
    private long partitionFrom;
    private long partitionEnd;
    /** True while the sink (the user's handler) runs: its exceptions pass through untouched. */
    private boolean inHandler;

    private Replayer(LogAccess log, String topic, PartitionLog[] partitions, long[] from, long[] end,
                     RecordCursor cursor, Sink sink, long intervalNanos, LongSupplier clock, Consumer<String> out) {
        this.log = log;
        this.topic = topic;
        this.partitions = partitions;
        this.from = from;
        this.end = end;
        this.cursor = cursor;
        this.sink = sink;
        this.out = out;
        this.progress = new ReplayProgress(topic, from, end, intervalNanos, clock, out);
    }

    /**
     * Replays a topic into a handler of deserialised records.
     *
     * @param <K>         the key type
     * @param <V>         the value type
     * @param log         the commit log
     * @param topic       the topic
     * @param fromOffsets where to start in some partitions; the others start at their start offset
     * @param keys        deserialises keys
     * @param values      deserialises values
     * @param handler     receives the records
     * @return what was replayed
     */
    public static <K, V> ReplayResult replay(LogAccess log, String topic, Map<TopicPartition, Long> fromOffsets,
                                             Serde<K> keys, Serde<V> values, ReplayHandler<K, V> handler) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(handler, "handler");
        return run(log, topic, fromOffsets, cursor -> new DeserializingSink<>(topic, keys, values, handler),
                ReplayProgress.DEFAULT_INTERVAL_NANOS, System::nanoTime, LOG::info);
    }

    /**
     * Replays a topic into a handler of record views, allocating nothing per record.
     *
     * @param log         the commit log
     * @param topic       the topic
     * @param fromOffsets where to start in some partitions; the others start at their start offset
     * @param handler     receives the views
     * @return what was replayed
     */
    public static ReplayResult replayViews(LogAccess log, String topic, Map<TopicPartition, Long> fromOffsets,
                                           RecordViewHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return run(log, topic, fromOffsets, cursor -> new ViewSink(new CursorRecordView(topic, cursor), handler),
                ReplayProgress.DEFAULT_INTERVAL_NANOS, System::nanoTime, LOG::info);
    }

    /**
     * Replays views with a given progress interval, clock and log output (tests).
     *
     * @param log           the commit log
     * @param topic         the topic
     * @param fromOffsets   where to start
     * @param handler       receives the views
     * @param intervalNanos how often progress is reported
     * @param clock         the clock
     * @param out           receives the progress lines and the summary
     * @return what was replayed
     */
    static ReplayResult replayViews(LogAccess log, String topic, Map<TopicPartition, Long> fromOffsets,
                                    RecordViewHandler handler, long intervalNanos, LongSupplier clock,
                                    Consumer<String> out) {
        Objects.requireNonNull(handler, "handler");
        return run(log, topic, fromOffsets, cursor -> new ViewSink(new CursorRecordView(topic, cursor), handler),
                intervalNanos, clock, out);
    }

    private static ReplayResult run(LogAccess log, String topic, Map<TopicPartition, Long> fromOffsets,
                                    Function<RecordCursor, Sink> sinks, long intervalNanos,
                                    LongSupplier clock, Consumer<String> out) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(fromOffsets, "fromOffsets");
        log.ensureOpenForClients();
        int count = log.partitionCount(topic);
        PartitionLog[] partitions = new PartitionLog[count];
        long[] from = new long[count];
        long[] end = new long[count];
        // The end offsets first: whatever is appended from here on is not replayed.
        for (int p = 0; p < count; p++) {
            partitions[p] = log.partitionLog(new TopicPartition(topic, p));
            end[p] = partitions[p].endOffset();
            from[p] = partitions[p].startOffset();
        }
        for (Map.Entry<TopicPartition, Long> e : fromOffsets.entrySet()) {
            TopicPartition tp = Objects.requireNonNull(e.getKey(), "partition in fromOffsets");
            Long offset = Objects.requireNonNull(e.getValue(), () -> "offset of " + tp + " in fromOffsets");
            if (!tp.topic().equals(topic)) {
                throw new IllegalArgumentException("fromOffsets names " + tp + ", a partition of another topic;"
                        + " expected partitions of " + topic);
            }
            if (tp.partition() >= count) {
                log.partitionLog(tp); // throws UnknownTopicException, naming the valid range
                throw new UnknownTopicException("topic " + topic + " has no partition " + tp.partition());
            }
            long start = partitions[tp.partition()].startOffset();
            if (offset < start || offset > end[tp.partition()]) {
                throw new OffsetOutOfRangeException(tp, offset, start, end[tp.partition()]);
            }
            from[tp.partition()] = offset;
        }
        RecordCursor cursor = new RecordCursor();
        Replayer replayer = new Replayer(log, topic, partitions, from, end, cursor, sinks.apply(cursor),
                intervalNanos, clock, out);
        return replayer.run();
    }

    private ReplayResult run() {
        if (LOG.isDebugEnabled()) {
            LOG.debug("replaying {} from offsets {} to end offsets {}", topic, Arrays.toString(from),
                    Arrays.toString(end));
        }
        try {
            for (int p = 0; p < partitions.length; p++) {
                replayPartition(p);
            }
        } finally {
            sink.finish();
        }
        long nanos = progress.elapsedNanos();
        out.accept(progress.summaryLine(nanos));
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        for (int p = 0; p < end.length; p++) {
            ends.put(new TopicPartition(topic, p), end[p]);
        }
        return new ReplayResult(topic, progress.records(), progress.bytes(), Duration.ofNanos(Math.max(0, nanos)), ends);
    }

    private void replayPartition(int p) {
        partition = p;
        partitionFrom = from[p];
        partitionEnd = end[p];
        progress.onPartition(p);
        sink.partition(p);
        PartitionLog plog = partitions[p];
        long next = partitionFrom;
        while (next < partitionEnd) {
            long after;
            try {
                after = plog.read(next, FETCH_BYTES, true, batchView, onBatch);
            } catch (LogClosedException e) {
                throw inHandler ? e : whyClosed(e);
            }
            if (after <= next) {
                throw new IllegalStateException("the replay of " + plog.id() + " made no progress at offset " + next
                        + " below the end offset " + partitionEnd);
            }
            next = after;
        }
    }

    /** A partition closed under the replay: the log closed, or else the topic was deleted. */
    private RuntimeException whyClosed(LogClosedException e) {
        try {
            log.ensureOpenForClients();
        } catch (LogClosedException closed) {
            return e;
        }
        return new UnknownTopicException("topic " + topic + " was deleted during its replay", e);
    }

    /** One batch from the read: hands its records in [from, end) over. */
    private boolean onBatch(RecordBatchView batch) {
        if (batch.baseOffset() >= partitionEnd) {
            return false;
        }
        RecordCursor c = cursor.reset(batch);
        long lo = partitionFrom;
        long hi = partitionEnd;
        long handed = 0;
        boolean more = true;
        while (c.next()) {
            long offset = c.offset();
            if (offset < lo) {
                continue;
            }
            if (offset >= hi) {
                more = false;
                break;
            }
            inHandler = true;
            sink.accept(c);
            inHandler = false;
            handed++;
        }
        progress.onBatch(partition, Math.min(batch.lastOffset() + 1, hi), handed, batch.sizeInBytes());
        return more;
    }

    /** Hands views over, reused from record to record. */
    private static final class ViewSink implements Sink {
        private final CursorRecordView view;
        private final RecordViewHandler handler;

        ViewSink(CursorRecordView view, RecordViewHandler handler) {
            this.view = view;
            this.handler = handler;
        }

        @Override
        public void partition(int partition) {
            view.partition(partition);
        }

        @Override
        public void accept(RecordCursor cursor) {
            try {
                handler.onRecord(view);
            } finally {
                view.invalidate();
            }
        }

        @Override
        public void finish() {
            view.release();
        }
    }

    /** Deserialises each record into a new {@link ConsumerRecord}. */
    private static final class DeserializingSink<K, V> implements Sink {
        private final String topic;
        private final Serde<K> keys;
        private final Serde<V> values;
        private final ReplayHandler<K, V> handler;
        private int partition;

        DeserializingSink(String topic, Serde<K> keys, Serde<V> values, ReplayHandler<K, V> handler) {
            this.topic = topic;
            this.keys = keys;
            this.values = values;
            this.handler = handler;
        }

        @Override
        public void partition(int partition) {
            this.partition = partition;
        }

        @Override
        public void accept(RecordCursor cursor) {
            long offset = cursor.offset();
            K key;
            V value;
            try {
                key = keys.deserialize(cursor.key());
                value = values.deserialize(cursor.value());
            } catch (RuntimeException e) {
                throw new SerializationException(new TopicPartition(topic, partition), offset,
                        "cannot deserialize the record: " + e, e);
            }
            Headers headers = cursor.headerCount() == 0 ? Headers.empty() : cursor.headers();
            handler.onRecord(new ConsumerRecord<>(topic, partition, offset, cursor.timestamp(), key, value, headers));
        }

        @Override
        public void finish() {
            // nothing kept
        }
    }
}
