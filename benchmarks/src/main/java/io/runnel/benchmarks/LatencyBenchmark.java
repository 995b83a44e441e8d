package io.runnel.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.WaitStrategy;

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
 * Producer-to-consumer latency in one JVM, through the public API: the benchmark thread sends one
 * 100-byte record and waits until a consumer polling on its own thread has received it. JMH's
 * SampleTime mode gives the percentiles. The consumer waits by busy-spinning or by parking
 * until the append wakes it ({@link WaitStrategy}).
 *
 * <p>Not thread-safe: JMH's benchmark thread plus the one consumer thread of the state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LatencyBenchmark {

    /** How the consumer waits for data. */
    @Param({"BUSY_SPIN", "BLOCKING"})
    public WaitStrategy waitStrategy;

    private Path root;
    private CommitLog log;
    private Producer<byte[], byte[]> producer;
    private Thread consumerThread;
    private volatile boolean running;
    /** The offset after the last record the consumer received. */
    private volatile long received;
    private final byte[] value = new byte[100];

    /** Opens the log, starts the consumer thread. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("runnel-latency-");
        log = CommitLog.open(root.resolve("log"));
        log.createTopic("latency", 1);
        producer = log.producer(Serdes.bytes(), Serdes.bytes());
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST)
                .waitStrategy(waitStrategy).build();
        running = true;
        consumerThread = new Thread(() -> {
            try (Consumer<byte[], byte[]> consumer = log.consumer(config, Serdes.bytes(), Serdes.bytes())) {
                consumer.assign(List.of(new TopicPartition("latency", 0)));
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        received = r.offset() + 1;
                    }
                }
            }
        }, "latency-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** Stops the consumer, closes and deletes the log. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        consumerThread.join(10_000);
        producer.close();
        log.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One record from send to the consumer's poll result.
     *
     * @return the record's offset
     */
    @Benchmark
    public long sendToReceive() {
        long offset = producer.send(new ProducerRecord<>("latency", 0, null, null, value, null)).join().offset();
        while (received <= offset) {
            Thread.onSpinWait();
        }
        return offset;
    }
}
