package io.runnel.benchmarks.open;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.runnel.benchmarks.Batches;
import io.runnel.benchmarks.TempDirs;

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

/**
 * Opening a log, the same for every contender (a subclass per contender): a partition of
 * {@code segments} segments of {@value #SEGMENT_BYTES} bytes (batches of {@value #BATCH} records
 * of 100 B), everything flushed but an unflushed tail of about {@value #TAIL_BYTES} bytes in the
 * last segment, opened after a {@code clean} close or after a {@code crash}.
 *
 * <p>How the two states are made, before the measurement: the log is filled, flushed (so the
 * recovery point is the end of the flushed part and is checkpointed), the tail is appended, and
 * the directory of the open log is copied as it is: that copy is the crash (what {@code kill -9}
 * leaves: no clean-shutdown marker, the recovery point of the last checkpoint, preallocated
 * space, untrimmed indexes). Then the log is closed cleanly: that is the clean state. Each
 * operation opens a fresh copy of one of them (rolled segments hard-linked, the rest copied,
 * outside the measurement) and the opened log is closed and deleted after it, outside the
 * measurement too. The score is the time of the open alone.
 *
 * <p>What it shows: after a clean close the time should not grow with the number of segments;
 * after a crash it should grow with the unflushed tail only (here the same for every size).
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class OpenWorkload {
    /** The segment size (Kafka's smallest {@code segment.bytes}). */
    public static final int SEGMENT_BYTES = 1 << 20;
    /** The unflushed bytes at the end of the last segment when the crash is taken. */
    public static final int TAIL_BYTES = SEGMENT_BYTES / 2;
    /** Records per batch. */
    public static final int BATCH = 100;
    /** The topic's name: partition directories are {@code bench-0}. */
    public static final String TOPIC = "bench";

    /** Segments in the partition. */
    @Param({"1", "10", "100"})
    public int segments;

    /** The state the log is opened from: {@code clean} or {@code crash}. */
    @Param({"clean", "crash"})
    public String shutdown;

    /** One batch of {@value #BATCH} records of 100 B: contenders must not modify it. */
    protected ByteBuffer batch;

    private Path root;
    private Path copy;
    private AutoCloseable opened;

    /** Writes the log and takes the two states of it. */
    @Setup(Level.Trial)
    public void makeStates() {
        batch = Batches.encode(BATCH, Batches.value(100), System.currentTimeMillis());
        root = TempDirs.create("open-bench-");
        makeStates(root.resolve("clean"), root.resolve("crash"));
    }

    /** Deletes both states. */
    @TearDown(Level.Trial)
    public void deleteStates() {
        TempDirs.delete(root);
    }

    /** Makes a fresh copy of the state to open. */
    @Setup(Level.Invocation)
    public void copyState() {
        copy = root.resolve("copy");
        TempDirs.copyForOpen(root.resolve(shutdown), copy, 2);
    }

    /**
     * Closes what was opened and deletes the copy.
     *
     * @throws Exception when the contender's close fails
     */
    @TearDown(Level.Invocation)
    public void closeCopy() throws Exception {
        opened.close();
        opened = null;
        TempDirs.delete(copy);
    }

    /**
     * One open.
     *
     * @return what was opened (closed after the measurement)
     */
    @Benchmark
    public Object open() {
        opened = open(copy, "clean".equals(shutdown));
        return opened;
    }

    /**
     * Writes the log of {@link #segments} segments and its unflushed tail into {@code clean},
     * copies the directory while the log is open into {@code crash}, then closes the log cleanly.
     *
     * @param clean the directory of the log, closed cleanly at the end
     * @param crash the copy taken while it was open
     */
    protected abstract void makeStates(Path clean, Path crash);

    /**
     * Opens the log in {@code dir}.
     *
     * @param dir   a copy of one of the states
     * @param clean whether it is the clean state
     * @return the open log
     */
    protected abstract AutoCloseable open(Path dir, boolean clean);
}
