package io.runnel.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.Headers;
import io.runnel.log.MaintenanceResult;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Compaction (issue 4): how fast a compacted partition is cleaned, and what cleaning costs the
 * appends of another partition meanwhile.
 *
 * <ul>
 *   <li>{@code cleanPartition} ({@code Mode.SingleShotTime}): one {@link io.runnel.log.CommitLog#runMaintenance()}
 *       over a partition of {@code sizeMb} MiB of records with 100-byte values over 10,000 keys
 *       (about 95 % of it superseded), written and rolled before the measurement. MB cleaned per
 *       second is {@code sizeMb} over the time.</li>
 *   <li>{@code appendAlone} and the group {@code appendWhileCompacting}: one thread appends
 *       100-byte records to a topic with no compaction ({@link PartitionLog#appendRecord}); in the
 *       group a second thread meanwhile writes 20,000 updates to a compacted topic and cleans it,
 *       again and again. The ratio of the two append scores is what compaction costs the writer
 *       on this machine.</li>
 * </ul>
 *
 * <p>Each log lives in a temporary directory deleted after the invocation or iteration.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompactionBenchmark {
    static final TopicPartition KV = new TopicPartition("kv", 0);
    static final TopicConfig COMPACTED = TopicConfig.builder().segmentBytes(8 << 20)
            .cleanupPolicy(CleanupPolicy.COMPACT).minCleanableDirtyRatio(0.01).build();

    static long writeUpdates(PartitionLog kv, SplittableRandom random, long count, byte[] value) {
        for (long i = 0; i < count; i++) {
            byte[] key = ("key-" + random.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
            kv.appendRecord(System.currentTimeMillis(), key, value, Headers.empty());
        }
        return count;
    }

    /** A filled compacted partition per invocation. */
    @State(Scope.Thread)
    public static class Filled {
        @Param({"64"})
        public int sizeMb;
        TempCommitLog temp;

        @Setup(Level.Invocation)
        public void fill() {
            temp = TempCommitLog.create(COMPACTED);
            PartitionLog kv = temp.partitionLog(0);
            byte[] value = new byte[100];
            SplittableRandom random = new SplittableRandom(42);
            while (kv.sizeInBytes() < (long) sizeMb << 20) {
                writeUpdates(kv, random, 10_000, value);
            }
            kv.roll(0);
        }

        @TearDown(Level.Invocation)
        public void delete() {
            temp.close();
        }
    }

    /**
     * Cleans the whole partition once.
     *
     * @param filled the partition
     * @return what was done
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, batchSize = 1)
    @Measurement(iterations = 5, batchSize = 1)
    public MaintenanceResult cleanPartition(Filled filled) {
        MaintenanceResult r = filled.temp.log().runMaintenance();
        if (r.partitionsCleaned() != 1) {
            throw new IllegalStateException("nothing cleaned: " + r);
        }
        return r;
    }

    /** Two topics, one compacted, per iteration. */
    @State(Scope.Group)
    public static class Shared {
        TempCommitLog temp;
        PartitionLog events;
        PartitionLog kv;
        final byte[] value = new byte[100];

        @Setup(Level.Iteration)
        public void open() {
            temp = TempCommitLog.create(TopicConfig.builder().build());
            temp.log().createTopic(KV.topic(), COMPACTED);
            events = temp.partitionLog(0);
            kv = ((LogAccess) temp.log()).partitionLog(KV);
        }

        long appendEvent() {
            return events.appendRecord(System.currentTimeMillis(), null, value, Headers.empty());
        }

        @TearDown(Level.Iteration)
        public void delete() {
            temp.close();
        }
    }

    /** The compacting thread's random keys. */
    @State(Scope.Thread)
    public static class Keys {
        final SplittableRandom random = new SplittableRandom(7);
    }

    /**
     * Appends one record with nothing else running.
     *
     * @param s the log
     * @return the offset
     */
    @Benchmark
    @Group("appendAlone")
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long append(Shared s) {
        return s.appendEvent();
    }

    /**
     * Appends one record while the other thread compacts.
     *
     * @param s the log
     * @return the offset
     */
    @Benchmark
    @Group("appendWhileCompacting")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long appendDuringCompaction(Shared s) {
        return s.appendEvent();
    }

    /**
     * Writes 20,000 updates to the compacted topic, then cleans it.
     *
     * @param s    the log
     * @param keys the random keys
     * @return what the cleaning did
     */
    @Benchmark
    @Group("appendWhileCompacting")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public MaintenanceResult compactor(Shared s, Keys keys) {
        writeUpdates(s.kv, keys.random, 20_000, s.value);
        s.kv.roll(0);
        return s.temp.log().runMaintenance();
    }
}
