package io.runnel.benchmarks.read;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.runnel.benchmarks.Batches;
import io.runnel.benchmarks.RecordCounters;

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
 * The sequential read workload, the same for every contender (a subclass per contender): a
 * topic of one partition holding {@code topicMiB} MiB of record values ({@code recordSize}
 * random bytes each, null keys, no headers), written before the measurement in batches of
 * {@value #BATCH} records where the contender has batches, is read from its start to its end.
 * For each record the reader takes the value's length and its first byte (to the
 * {@link Blackhole}); the raw baselines read every byte of the file instead.
 *
 * <p>An operation is one read of the whole topic; the {@code records} and {@code payloadBytes}
 * counters give records and value bytes per second, comparable across contenders since all hold
 * the same records. The topic stays in the page cache (written just before): a replay of a hot
 * log, not a cold read from the device. Before the measurement a read checks that every record
 * is seen.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class ReadWorkload {
    /** Records per batch written. */
    public static final int BATCH = 100;
    /** The soft byte limit of each fetch, Kafka's default {@code max.partition.fetch.bytes}. */
    public static final int FETCH_BYTES = 1 << 20;

    /** Value bytes in the topic, in MiB (the quick profile sets 256). */
    @Param({"1024"})
    public int topicMiB;

    /** Value bytes of each record (the key is null). */
    @Param({"100", "1024"})
    public int recordSize;

    /** Every record's value. */
    protected byte[] value;
    /** One Kafka v2 batch of {@link #BATCH} records: contenders must not modify it. */
    protected ByteBuffer batch;
    /** How many batches the topic holds. */
    protected long batches;
    /** Receives what each read takes of a record. */
    protected Blackhole blackhole;

    /**
     * Writes the topic, then checks that a read sees every record.
     *
     * @param blackhole receives what the checking read takes
     */
    @Setup(Level.Trial)
    public void fillTopic(Blackhole blackhole) {
        this.blackhole = blackhole;
        value = Batches.value(recordSize);
        batch = Batches.encode(BATCH, value, System.currentTimeMillis());
        batches = Math.max(1, ((long) topicMiB << 20) / recordSize / BATCH);
        fill();
        long seen = scan();
        if (seen != records()) {
            throw new IllegalStateException(getClass().getSimpleName() + " read " + seen + " records, expected "
                    + records());
        }
    }

    /** Deletes the topic. */
    @TearDown(Level.Trial)
    public void deleteTopic() {
        delete();
    }

    /**
     * The records in the topic.
     *
     * @return batches times records per batch
     */
    protected final long records() {
        return batches * BATCH;
    }

    /** Writes {@link #records()} records, {@link #batches} times {@link #batch} where there are batches. */
    protected abstract void fill();

    /**
     * Reads the whole topic, handing each record's value length and first byte to {@link #blackhole}.
     *
     * @return the records read
     */
    protected abstract long scan();

    /** Closes and deletes the topic. */
    protected abstract void delete();

    /**
     * One read of the whole topic.
     *
     * @param counters  records and bytes read
     * @param blackhole receives what the read takes of each record
     * @return the records read
     */
    @Benchmark
    public long readAll(RecordCounters counters, Blackhole blackhole) {
        this.blackhole = blackhole;
        long records = scan();
        counters.add(records, recordSize);
        return records;
    }
}
