package io.runnel.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.runnel.log.Headers;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends to one partition from one thread, with the default settings (1 GiB segments, 4 KiB
 * index interval) and {@code FlushPolicy.none()}: every operation is one record, so the score
 * is records per second; bytes per second is the score times {@code recordSize}.
 *
 * <ul>
 *   <li>{@code appendRecord}: {@link PartitionLog#appendRecord}, one record (null key, a value of
 *       {@code recordSize} bytes, no headers) encoded in place into the mapped segment as a
 *       batch of its own: the producer's path for an unbatched send.</li>
 *   <li>{@code appendBatchOf1}, {@code appendBatchOf100}: {@link PartitionLog#append(ByteBuffer)}
 *       of one pre-encoded batch of 1 or 100 such records (checked, CRC included, copied into the
 *       mapping, offsets and leader epoch stamped). The buffer is reused; the log does not modify it.</li>
 * </ul>
 *
 * <p>Each iteration starts on a fresh, empty directory, deleted after it, so that a run never
 * fills the disk; an iteration that passes 1 GiB rolls a segment, whose flush then runs on the
 * background thread as in a {@code CommitLog}.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {

    /** Value bytes of each record (the key is null). */
    @Param({"100", "1024"})
    public int recordSize;

    private long timestamp;
    private byte[] value;
    private ByteBuffer batchOf1;
    private ByteBuffer batchOf100;

    private TempPartitionLog temp;
    private PartitionLog log;

    /** Makes the value and encodes the batches, once. */
    @Setup(Level.Trial)
    public void encode() {
        timestamp = System.currentTimeMillis();
        value = Batches.value(recordSize);
        batchOf1 = Batches.encode(1, value, timestamp);
        batchOf100 = Batches.encode(100, value, timestamp);
    }

    /** Opens an empty log in a new directory. */
    @Setup(Level.Iteration)
    public void openEmptyLog() {
        temp = TempPartitionLog.create();
        log = temp.log();
    }

    /** Deletes the iteration's log. */
    @TearDown(Level.Iteration)
    public void deleteLog() {
        temp.close();
        temp = null;
        log = null;
    }

    /**
     * One record, one batch, encoded into the mapping.
     *
     * @return the record's offset
     */
    @Benchmark
    public long appendRecord() {
        return log.appendRecord(timestamp, null, value, Headers.empty());
    }

    /**
     * One pre-encoded batch of one record.
     *
     * @return the batch's base offset
     */
    @Benchmark
    public long appendBatchOf1() {
        return log.append(batchOf1);
    }

    /**
     * One pre-encoded batch of 100 records; scored per record.
     *
     * @return the batch's base offset
     */
    @Benchmark
    @OperationsPerInvocation(100)
    public long appendBatchOf100() {
        return log.append(batchOf100);
    }
}
