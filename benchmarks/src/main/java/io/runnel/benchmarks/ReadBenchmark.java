package io.runnel.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.BatchHandler;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.AuxCounters;
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
 * Reads a whole partition of about 256 MiB (batches of 100 records, null keys, values of
 * {@code recordSize} bytes), written and flushed before the measurement, from its start to its
 * end: {@link PartitionLog#read} in fetches of 1 MiB (Kafka's default
 * {@code max.partition.fetch.bytes}) with zero-copy batch views, and a {@link RecordCursor}
 * visiting every record, whose key and value lengths go to the {@link Blackhole} (the value
 * bytes themselves are read only by the CRC check, when {@code verifyCrc} is on).
 *
 * <p>An operation is one scan of the whole partition; the {@code records} and {@code payloadBytes}
 * counters give records and value bytes per second. The log stays in the page cache, mapped by
 * the writer that filled it: this is a replay of a hot log, not a cold read from the device.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadBenchmark {

    /** The size of the partition written before the measurement. */
    static final long LOG_BYTES = 256L << 20;
    /** Records per appended batch. */
    static final int RECORDS_PER_BATCH = 100;
    /** The soft byte limit of each read call. */
    static final int FETCH_BYTES = 1 << 20;

    /** Value bytes of each record (the key is null). */
    @Param({"100", "1024"})
    public int recordSize;

    /** Whether every batch's CRC-32C is checked as it is read. */
    @Param({"true", "false"})
    public boolean verifyCrc;

    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final BatchHandler visitor = this::visit;

    private TempPartitionLog temp;
    private PartitionLog log;
    private long expectedRecords;

    /** Per scan, written by {@link #visit}. */
    private Blackhole blackhole;
    private long recordsSeen;
    private long payloadSeen;

    /**
     * Records and value bytes read, reported by JMH as rates.
     *
     * <p>Not thread-safe: JMH state of one benchmark thread.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Records visited. */
        public long records;
        /** Value bytes of the records visited. */
        public long payloadBytes;

        /** JMH does not reset auxiliary counters itself. */
        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
            payloadBytes = 0;
        }
    }

    /**
     * Writes the partition in batches of {@link #RECORDS_PER_BATCH} records, flushes it, and
     * checks that a scan sees every record.
     *
     * @param blackhole receives the lengths of the checking scan
     */
    @Setup(Level.Trial)
    public void fill(Blackhole blackhole) {
        this.blackhole = blackhole;
        temp = TempPartitionLog.create();
        log = temp.log();
        ByteBuffer batch = Batches.encode(RECORDS_PER_BATCH, Batches.value(recordSize), System.currentTimeMillis());
        long batches = LOG_BYTES / batch.remaining();
        for (long i = 0; i < batches; i++) {
            log.append(batch);
        }
        log.flush();
        expectedRecords = batches * RECORDS_PER_BATCH;
        if (log.endOffset() != expectedRecords || scan() != expectedRecords) {
            throw new IllegalStateException("the filled log holds " + log.endOffset() + " records, a scan saw "
                    + recordsSeen + ", expected " + expectedRecords);
        }
    }

    /** Deletes the partition. */
    @TearDown(Level.Trial)
    public void deleteLog() {
        temp.close();
        temp = null;
        log = null;
    }

    /**
     * One scan of the whole partition.
     *
     * @param counters  records and bytes read
     * @param blackhole receives every record's key and value length
     * @return the offset after the last record read
     */
    @Benchmark
    public long readAll(Counters counters, Blackhole blackhole) {
        this.blackhole = blackhole;
        long end = scan();
        counters.records += recordsSeen;
        counters.payloadBytes += payloadSeen;
        return end;
    }

    private long scan() {
        recordsSeen = 0;
        payloadSeen = 0;
        PartitionLog l = log;
        long next = l.startOffset();
        long end = l.endOffset();
        while (next < end) {
            next = l.read(next, FETCH_BYTES, verifyCrc, view, visitor);
        }
        return next;
    }

    private boolean visit(RecordBatchView batch) {
        RecordCursor c = cursor.reset(batch);
        Blackhole bh = blackhole;
        long records = 0;
        long payload = 0;
        while (c.next()) {
            int keyLength = c.keyLength();
            int valueLength = c.valueLength();
            bh.consume(keyLength);
            bh.consume(valueLength);
            records++;
            payload += Math.max(valueLength, 0);
        }
        recordsSeen += records;
        payloadSeen += payload;
        return true;
    }
}
