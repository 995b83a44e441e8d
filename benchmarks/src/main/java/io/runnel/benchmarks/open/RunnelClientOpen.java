package io.runnel.benchmarks.open;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.runnel.benchmarks.TempDirs;
import io.runnel.log.CommitLog;
import io.runnel.log.FlushPolicy;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.Fork;

/**
 * Runnel through its public API: {@code CommitLog.open(dir)} of a log with one topic of one
 * partition ({@code segment.bytes} 1 MiB, {@code FlushPolicy.none()}). After a clean close it
 * finds the {@code .clean-shutdown} marker; after a crash it has none, and recovery starts at
 * the segment holding the checkpointed recovery point.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.io.runnel=warn")
public class RunnelClientOpen extends OpenWorkload {
    /** How long to wait for the log's background task to checkpoint the recovery point. */
    private static final long CHECKPOINT_WAIT_MS = 10_000;

    @Override
    protected void makeStates(Path clean, Path crash) {
        try (CommitLog log = CommitLog.builder(clean).flushPolicy(FlushPolicy.none()).open()) {
            log.createTopic(TOPIC, TopicConfig.builder().partitions(1).segmentBytes(SEGMENT_BYTES).build());
            PartitionLog partition = ((LogAccess) log).partitionLog(new TopicPartition(TOPIC, 0));
            while (partition.segmentCount() < segments) {
                partition.append(batch);
            }
            partition.flush();
            awaitCheckpoint(clean, partition.recoveryPoint());
            for (int written = 0; written < TAIL_BYTES; written += batch.remaining()) {
                partition.append(batch);
            }
            if (partition.segmentCount() != segments) {
                throw new IllegalStateException("the tail rolled a segment: " + partition.segmentCount());
            }
            TempDirs.copyForOpen(clean, crash, Integer.MAX_VALUE);
        }
    }

    /** Waits until the recovery-point checkpoint of the log holds {@code point} for the partition. */
    private static void awaitCheckpoint(Path dir, long point) {
        Path file = dir.resolve("recovery-point-offset-checkpoint");
        String line = TOPIC + " 0 " + point;
        long deadline = System.currentTimeMillis() + CHECKPOINT_WAIT_MS;
        try {
            while (!Files.exists(file) || !List.copyOf(Files.readAllLines(file)).contains(line)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(file + " never held \"" + line + "\"");
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected AutoCloseable open(Path dir, boolean clean) {
        return CommitLog.open(dir);
    }
}
