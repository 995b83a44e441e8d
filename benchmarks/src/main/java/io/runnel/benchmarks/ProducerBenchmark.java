package io.runnel.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;

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
 * The producer's throughput through the public API: one {@code CommitLog} ({@code FlushPolicy.none()},
 * default topic settings) in a fresh temporary directory per iteration, one topic of one
 * partition, records with a null key and a value of {@code recordSize} random bytes, no headers;
 * one producer shared by the benchmark's 1 or 2 threads. The score is records per second, all
 * threads together.
 *
 * <ul>
 *   <li>{@code *SendBurstJoinLast}: {@value #BURST} sends, then a join of the last future
 *       (records of one thread to one partition complete in order), {@code linger.ms = 0}.</li>
 *   <li>{@code *SendBurstJoinLastLinger5}: the same with {@code linger.ms = 5} (Kafka's default):
 *       full batches go out at once, the burst's last batch waits for its linger.</li>
 * </ul>
 *
 * <p>{@code send(record).join()} per record, and bursts of 100, are measured side by side with
 * the other contenders by {@code append.RunnelClientAppend}.
 *
 * <p>Each iteration's log is deleted in {@code @TearDown} (the topic is deleted first, so that
 * closing does not fsync gigabytes).
 *
 * <p>Thread-safe as JMH uses it: the state is shared by the benchmark threads, and the producer
 * is thread-safe; setup and teardown run on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProducerBenchmark {
    /** Records sent before a burst waits for its last one. */
    static final int BURST = 1000;
    private static final String TOPIC = TempCommitLog.TOPIC;

    /** Value bytes of each record (the key is null). */
    @Param({"100", "1024"})
    public int recordSize;

    private byte[] value;
    private TempCommitLog temp;
    private Producer<byte[], byte[]> immediate;
    private Producer<byte[], byte[]> lingering;

    /** Opens an empty log with the topic and two producers: linger 0 and linger 5 ms. */
    @Setup(Level.Iteration)
    public void open() {
        value = Batches.value(recordSize);
        temp = TempCommitLog.create(1);
        CommitLog log = temp.log();
        immediate = log.producer(ProducerConfig.builder().lingerMs(0).build(), Serdes.bytes(), Serdes.bytes());
        lingering = log.producer(ProducerConfig.builder().lingerMs(5).build(), Serdes.bytes(), Serdes.bytes());
    }

    /** Closes the producers, deletes the topic and the log. */
    @TearDown(Level.Iteration)
    public void delete() {
        immediate.close();
        lingering.close();
        temp.close();
    }

    private RecordMetadata burst(Producer<byte[], byte[]> producer) {
        CompletableFuture<RecordMetadata> last = null;
        for (int i = 0; i < BURST; i++) {
            last = producer.send(ProducerRecord.of(TOPIC, value));
        }
        return last.join();
    }

    /**
     * One thread: {@value #BURST} sends, then wait for the last; linger 0.
     *
     * @return the last record's metadata
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BURST)
    public RecordMetadata oneThreadSendBurstJoinLast() {
        return burst(immediate);
    }

    /**
     * Two threads: {@value #BURST} sends each, then wait for the last; linger 0.
     *
     * @return the last record's metadata
     */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BURST)
    public RecordMetadata twoThreadsSendBurstJoinLast() {
        return burst(immediate);
    }

    /**
     * One thread: {@value #BURST} sends, then wait for the last; linger 5 ms.
     *
     * @return the last record's metadata
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BURST)
    public RecordMetadata oneThreadSendBurstJoinLastLinger5() {
        return burst(lingering);
    }

    /**
     * Two threads: {@value #BURST} sends each, then wait for the last; linger 5 ms.
     *
     * @return the last record's metadata
     */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BURST)
    public RecordMetadata twoThreadsSendBurstJoinLastLinger5() {
        return burst(lingering);
    }
}
