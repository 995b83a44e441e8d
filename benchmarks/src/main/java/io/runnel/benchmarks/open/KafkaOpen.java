package io.runnel.benchmarks.open;

import java.nio.file.Path;

import io.runnel.benchmarks.KafkaLog;
import io.runnel.benchmarks.TempDirs;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.storage.internals.log.UnifiedLog;

import org.openjdk.jmh.annotations.Fork;

/**
 * Kafka's own log: {@code UnifiedLog.create} of the partition directory ({@code segment.bytes}
 * 1 MiB), as a broker's log manager loads a log: after a clean close with
 * {@code lastShutdownClean} true and the recovery point at the log end; after a crash with
 * {@code lastShutdownClean} false and the recovery point the log had when the copy was taken
 * (the broker's checkpoint), so that recovery starts at the segment holding it.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn")
public class KafkaOpen extends OpenWorkload {
    private long crashRecoveryPoint;
    private long endOffset;

    @Override
    protected void makeStates(Path clean, Path crash) {
        try (KafkaLog kafka = KafkaLog.open(clean.resolve(TOPIC + "-0"), SEGMENT_BYTES, 0, false)) {
            UnifiedLog log = kafka.log();
            MemoryRecords records = KafkaLog.producerBatch(batch);
            while (log.numberOfSegments() < segments) {
                kafka.appendAsLeader(records);
            }
            log.flush(true);
            crashRecoveryPoint = log.recoveryPoint();
            for (int written = 0; written < TAIL_BYTES; written += batch.remaining()) {
                kafka.appendAsLeader(records);
            }
            if (log.numberOfSegments() != segments) {
                throw new IllegalStateException("the tail rolled a segment: " + log.numberOfSegments());
            }
            endOffset = log.logEndOffset();
            TempDirs.copyForOpen(clean, crash, Integer.MAX_VALUE);
        }
    }

    @Override
    protected AutoCloseable open(Path dir, boolean clean) {
        return KafkaLog.open(dir.resolve(TOPIC + "-0"), SEGMENT_BYTES, clean ? endOffset : crashRecoveryPoint, clean);
    }
}
