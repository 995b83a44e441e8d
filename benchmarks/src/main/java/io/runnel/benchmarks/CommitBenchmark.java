package io.runnel.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.FlushPolicy;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

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
 * Committed offsets, through the public API: one group member that owns the {@value #PARTITIONS}
 * partitions of a topic calls {@code commitSync(offsets)} with new offsets for 1 or for all
 * {@value #PARTITIONS} partitions. An operation is one commit: a record batch of 1 or 10 records
 * appended to {@code __consumer_offsets} after the group checked ownership, then the in-memory
 * table updated. With {@code flushPolicy=always} each commit also waits for its fsync.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommitBenchmark {

    /** Partitions of the topic, all owned by the committing member. */
    static final int PARTITIONS = 10;

    /** The log's flush policy: {@code none} (the default) or {@code always}. */
    @Param({"none", "always"})
    public String flushPolicy;

    private Path dir;
    private CommitLog log;
    private Consumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<TopicPartition, Long> one = new HashMap<>();
    private final Map<TopicPartition, Long> all = new HashMap<>();
    private long next;

    /** Opens a log in a new directory; the member joins and takes every partition. */
    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("runnel-commit-bench-");
        log = CommitLog.builder(dir)
                .flushPolicy("always".equals(flushPolicy) ? FlushPolicy.always() : FlushPolicy.none())
                .open();
        log.createTopic("bench", PARTITIONS);
        consumer = log.consumer(ConsumerConfig.builder().groupId("bench").enableAutoCommit(false).build(),
                Serdes.bytes(), Serdes.bytes());
        consumer.subscribe(List.of("bench"));
        while (consumer.assignment().size() < PARTITIONS) {
            consumer.poll(Duration.ofMillis(10));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition("bench", p));
        }
    }

    /** Closes the log and deletes its directory. */
    @TearDown(Level.Trial)
    public void close() {
        consumer.close();
        log.close();
        TempDirs.delete(dir);
    }

    /**
     * A commit of one partition.
     *
     * @return the offset committed
     */
    @Benchmark
    public long commit1() {
        long offset = ++next;
        one.put(partitions.get(0), offset);
        consumer.commitSync(one);
        return offset;
    }

    /**
     * A commit of all {@value #PARTITIONS} partitions, one batch.
     *
     * @return the offset committed
     */
    @Benchmark
    public long commit10() {
        long offset = ++next;
        for (TopicPartition tp : partitions) {
            all.put(tp, offset);
        }
        consumer.commitSync(all);
        return offset;
    }
}
