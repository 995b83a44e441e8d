package io.runnel.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.RecordView;
import io.runnel.log.RecordViewHandler;
import io.runnel.log.ReplayHandler;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serdes;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Replays a whole topic through the public API, as an event-sourced service does on startup:
 * {@code CommitLog.replayViews} (zero-copy {@link RecordView}s, nothing allocated per record) and
 * {@code CommitLog.replay} ({@link ConsumerRecord}s with the key and value copied into byte arrays
 * by {@link Serdes#bytes()}). The topic has 4 partitions holding about 256 MiB in all, written
 * before the measurement in batches of {@code recordsPerBatch} records with a null key and a value
 * of {@code recordSize} bytes: batches of 1 are what the producer writes today (one batch per
 * send), batches of 100 what a batching producer writes.
 *
 * <p>An operation is one replay of the whole topic; the {@code records} and {@code payloadBytes}
 * counters give records and value bytes per second. Each handler reads the value's length and
 * its first byte. Every batch's CRC is checked, as every replay does. The log is hot: in the page
 * cache and mapped by the writer that filled it. The replay's own log line is silenced
 * ({@code Replayer} at WARN) so that it does not print once per operation.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.io.runnel.log.core.client.Replayer=warn")
public class ReplayBenchmark {

    /** The size of the topic written before the measurement, over all partitions. */
    static final long LOG_BYTES = 256L << 20;
    /** Partitions of the topic. */
    static final int PARTITIONS = 4;
    private static final String TOPIC = TempCommitLog.TOPIC;

    /** Value bytes of each record (the key is null). */
    @Param({"100"})
    public int recordSize;

    /** Records per batch in the log. */
    @Param({"1", "100"})
    public int recordsPerBatch;

    private TempCommitLog temp;
    private CommitLog log;
    private long expectedRecords;

    /** Set for each operation, read by the handlers. */
    private Blackhole blackhole;
    private final RecordViewHandler views = this::onView;
    private final ReplayHandler<byte[], byte[]> records = this::onRecord;

    /**
     * Opens a log in a new temporary directory, fills the topic, flushes it, and checks that a
     * replay sees every record.
     *
     * @param blackhole receives what the checking replay reads
     */
    @Setup(Level.Trial)
    public void fill(Blackhole blackhole) {
        this.blackhole = blackhole;
        temp = TempCommitLog.create(PARTITIONS);
        log = temp.log();
        ByteBuffer batch = Batches.encode(recordsPerBatch, Batches.value(recordSize), System.currentTimeMillis());
        long batchesPerPartition = LOG_BYTES / PARTITIONS / batch.remaining();
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionLog partition = temp.partitionLog(p);
            for (long i = 0; i < batchesPerPartition; i++) {
                partition.append(batch);
            }
            partition.flush();
        }
        expectedRecords = PARTITIONS * batchesPerPartition * recordsPerBatch;
        long seen = log.replayViews(TOPIC, views).records();
        if (seen != expectedRecords) {
            throw new IllegalStateException("a replay saw " + seen + " records, expected " + expectedRecords);
        }
    }

    /** Closes the log and deletes it. */
    @TearDown(Level.Trial)
    public void deleteLog() {
        temp.close();
    }

    /**
     * One replay of the topic with {@code replayViews}.
     *
     * @param counters  records and bytes replayed
     * @param blackhole receives what each record's handler reads
     * @return the replay's result
     */
    @Benchmark
    public ReplayResult replayViews(RecordCounters counters, Blackhole blackhole) {
        this.blackhole = blackhole;
        return count(log.replayViews(TOPIC, views), counters);
    }

    /**
     * One replay of the topic with {@code replay} and {@link Serdes#bytes()}.
     *
     * @param counters  records and bytes replayed
     * @param blackhole receives what each record's handler reads
     * @return the replay's result
     */
    @Benchmark
    public ReplayResult replayRecords(RecordCounters counters, Blackhole blackhole) {
        this.blackhole = blackhole;
        return count(log.replay(TOPIC, Serdes.bytes(), Serdes.bytes(), records), counters);
    }

    private ReplayResult count(ReplayResult result, RecordCounters counters) {
        counters.add(result.records(), recordSize);
        return result;
    }

    private void onView(RecordView record) {
        ByteBuffer value = record.value();
        blackhole.consume(value.remaining());
        blackhole.consume(value.get(value.position()));
    }

    private void onRecord(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        blackhole.consume(value.length);
        blackhole.consume(value[0]);
    }
}
