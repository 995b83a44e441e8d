package io.runnel.benchmarks.latency;

import java.util.concurrent.TimeUnit;

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
 * Producer-to-consumer latency in one JVM, the same for every contender (a subclass per
 * contender): the benchmark thread appends one record with a 100-byte value and spins until a
 * consumer polling on its own thread has received it. JMH's SampleTime mode gives the
 * percentiles. The consumer waits for data by busy-spinning ({@code BUSY_SPIN}) or by the
 * contender's way of waiting without burning a core ({@code BLOCKING}).
 *
 * <p>On 2 cores the two threads take both.
 *
 * <p>Not thread-safe: JMH's benchmark thread plus the one consumer thread of the state, which
 * publishes what it received through a volatile field.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class LatencyWorkload {
    /** The value of each record. */
    protected final byte[] value = new byte[100];

    /** How the consumer waits for data: {@code BUSY_SPIN} or {@code BLOCKING}. */
    @Param({"BUSY_SPIN", "BLOCKING"})
    public String waitStrategy;

    private Thread consumerThread;
    private volatile boolean running;
    private volatile long received = Long.MIN_VALUE;

    /** Opens the log, starts the consumer thread. */
    @Setup(Level.Trial)
    public void start() {
        open();
        running = true;
        consumerThread = new Thread(this::consume, "latency-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /**
     * Stops the consumer, closes and deletes the log.
     *
     * @throws InterruptedException when interrupted while waiting for the consumer to stop
     */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        running = false;
        consumerThread.join(10_000);
        close();
    }

    /**
     * Whether the consumer should go on; read by {@link #consume()}.
     *
     * @return false once the trial ends
     */
    protected final boolean running() {
        return running;
    }

    /**
     * Publishes a record the consumer received; called by {@link #consume()}.
     *
     * @param id its offset or index, as {@link #send()} returned it
     */
    protected final void received(long id) {
        received = id;
    }

    /** Opens an empty log in a new directory. */
    protected abstract void open();

    /** Closes the log and deletes its files. */
    protected abstract void close();

    /**
     * Appends one record and waits until it is appended (on the benchmark thread).
     *
     * @return its offset or index, growing from record to record
     */
    protected abstract long send();

    /** The consumer thread: reads records until {@link #running()} is false, reporting each with {@link #received(long)}. */
    protected abstract void consume();

    /**
     * One record from send to the consumer's receipt.
     *
     * @return the record's offset or index
     */
    @Benchmark
    public long sendToReceive() {
        long id = send();
        while (received < id) {
            Thread.onSpinWait();
        }
        return id;
    }
}
