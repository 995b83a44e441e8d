package io.runnel.benchmarks.append;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.runnel.benchmarks.Batches;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The append workload, the same for every contender (a subclass per contender): records with a
 * null key, a value of {@code recordSize} random bytes and no headers, appended to one
 * partition (one queue, one file) that is empty at the start of each iteration and deleted
 * after it, so that every byte goes into a part of the file never written before.
 *
 * <ul>
 *   <li>{@code oneRecord}: one record per call, the producer's path for an unbatched send.</li>
 *   <li>{@code batchOf100}: {@value #BATCH} records per call, scored per record: one Kafka v2
 *       batch of {@value #BATCH} records where the contender has batches, {@value #BATCH}
 *       single appends where it does not (Chronicle Queue).</li>
 *   <li>{@code *TwoThreads}: the same from two threads appending to the same partition.</li>
 * </ul>
 *
 * <p>The score is records per second (all threads together); bytes per second is the score
 * times {@code recordSize}. The Kafka batches ({@link #batchOf1}, {@link #batchOfMany}) are
 * encoded before the measurement; what a contender writes per record differs with its format
 * (Kafka's v2 format: 170 B on disk for a 100 B value alone, about 109 B in batches of 100;
 * Chronicle Queue: a 4-byte header and the value, plus its index).
 *
 * <p>Thread-safe as JMH uses it: the state is shared by the benchmark threads and each
 * contender's {@link #appendOne()} and {@link #appendBatch()} are thread-safe; setup and
 * teardown run on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class AppendWorkload {
    /** Records per call of the batched benchmarks. */
    public static final int BATCH = 100;

    /** Value bytes of each record (the key is null). */
    @Param({"100", "1024"})
    public int recordSize;

    /** Every record's value. */
    protected byte[] value;
    /** Every record's timestamp. */
    protected long timestamp;
    /** One Kafka v2 batch of one record, from position 0 to its limit: contenders must not modify it. */
    protected ByteBuffer batchOf1;
    /** One Kafka v2 batch of {@link #BATCH} records, from position 0 to its limit: contenders must not modify it. */
    protected ByteBuffer batchOfMany;

    /** Makes the value and encodes the batches, once. */
    @Setup(Level.Trial)
    public void encode() {
        timestamp = System.currentTimeMillis();
        value = Batches.value(recordSize);
        batchOf1 = Batches.encode(1, value, timestamp);
        batchOfMany = Batches.encode(BATCH, value, timestamp);
    }

    /** Opens an empty partition in a new directory. */
    @Setup(Level.Iteration)
    public void openEmpty() {
        open();
    }

    /** Closes the partition and deletes its files. */
    @TearDown(Level.Iteration)
    public void deleteAll() {
        delete();
    }

    /** Opens an empty partition in a new directory. */
    protected abstract void open();

    /** Closes the partition and deletes its files. */
    protected abstract void delete();

    /**
     * Appends one record; thread-safe.
     *
     * @return something that depends on the append (an offset or index), for the blackhole
     */
    protected abstract long appendOne();

    /**
     * Appends {@link #BATCH} records; thread-safe.
     *
     * @return something that depends on the append, for the blackhole
     */
    protected abstract long appendBatch();

    /**
     * One record, one thread.
     *
     * @return what the append returned
     */
    @Benchmark
    @Threads(1)
    public long oneRecord() {
        return appendOne();
    }

    /**
     * One record per call, two threads.
     *
     * @return what the append returned
     */
    @Benchmark
    @Threads(2)
    public long oneRecordTwoThreads() {
        return appendOne();
    }

    /**
     * {@value #BATCH} records per call, one thread; scored per record.
     *
     * @return what the append returned
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long batchOf100() {
        return appendBatch();
    }

    /**
     * {@value #BATCH} records per call, two threads; scored per record.
     *
     * @return what the append returned
     */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public long batchOf100TwoThreads() {
        return appendBatch();
    }
}
