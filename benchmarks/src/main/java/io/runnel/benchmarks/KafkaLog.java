package io.runnel.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.LogOffsetsListener;
import org.apache.kafka.storage.internals.log.ProducerStateManagerConfig;
import org.apache.kafka.storage.internals.log.UnifiedLog;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;

/**
 * Kafka's own partition log, {@link UnifiedLog} from kafka-storage, in process and without a
 * broker: the log of partition 0 of a topic in a directory named {@code <topic>-0}, with a
 * scheduler of one thread for the flushes Kafka runs when a segment rolls (as a broker's log
 * manager gives it). Settings are Kafka's defaults (1 GiB segments, 10 MiB indexes, an index
 * entry every 4 KiB, no flush by count or time) unless a segment size is given.
 *
 * <p>Kafka reports every segment it loads or rolls at INFO: its benchmark classes set
 * {@code org.apache.kafka} to WARN in their forks.
 *
 * <p>Not thread-safe to open and close (one benchmark thread does both); the {@link UnifiedLog}
 * it hands out is thread-safe, as in a broker.
 */
public final class KafkaLog implements AutoCloseable {
    private final KafkaScheduler scheduler;
    private final BrokerTopicStats stats;
    private final UnifiedLog log;

    private KafkaLog(KafkaScheduler scheduler, BrokerTopicStats stats, UnifiedLog log) {
        this.scheduler = scheduler;
        this.stats = stats;
        this.log = log;
    }

    /**
     * Opens (creating when empty) the log in {@code partitionDir}.
     *
     * @param partitionDir  a directory named {@code <topic>-<partition>}
     * @param segmentBytes  Kafka's {@code segment.bytes}, or 0 for its default (1 GiB)
     * @param recoveryPoint offsets below it are known to be on disk: recovery starts at the segment holding it
     * @param cleanShutdown whether the last close was clean (then nothing is recovered)
     * @return the open log
     */
    public static KafkaLog open(Path partitionDir, int segmentBytes, long recoveryPoint, boolean cleanShutdown) {
        Map<String, Object> settings = segmentBytes > 0 ? Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, segmentBytes) : Map.of();
        KafkaScheduler scheduler = new KafkaScheduler(1, true, "kafka-bench-");
        scheduler.startup();
        BrokerTopicStats stats = new BrokerTopicStats(false);
        try {
            UnifiedLog log = UnifiedLog.create(partitionDir.toFile(), new LogConfig(settings),
                    0L,                                     // log start offset
                    recoveryPoint,
                    scheduler, stats, Time.SYSTEM,
                    900_000,                                // max transaction timeout (ms)
                    new ProducerStateManagerConfig(86_400_000, false),
                    600_000,                                // producer id expiration check interval (ms)
                    new LogDirFailureChannel(1),
                    cleanShutdown,
                    Optional.empty(),                       // topic id
                    new ConcurrentHashMap<>(),              // remaining segments to recover, per dir
                    false,                                  // remote storage
                    LogOffsetsListener.NO_OP_OFFSETS_LISTENER);
            return new KafkaLog(scheduler, stats, log);
        } catch (IOException e) {
            shutdown(scheduler, stats);
            throw new UncheckedIOException("Kafka cannot open " + partitionDir, e);
        }
    }

    /**
     * The log.
     *
     * @return Kafka's log
     */
    public UnifiedLog log() {
        return log;
    }

    /**
     * A batch as a producer sends it, for {@link #appendAsLeader}: a private copy, since Kafka
     * stamps offsets into the batch it appends.
     *
     * @param batch one or more Kafka v2 batches, from position to limit (not modified)
     * @return the copy
     */
    public static MemoryRecords producerBatch(ByteBuffer batch) {
        ByteBuffer copy = ByteBuffer.allocate(batch.remaining());
        copy.put(batch.duplicate()).flip();
        return MemoryRecords.readableRecords(copy);
    }

    /**
     * Appends a batch as the partition's leader, as a broker does for a produce request.
     *
     * @param records a batch of {@link #producerBatch}, which may be appended again and again
     * @return the offset of its last record
     */
    public long appendAsLeader(MemoryRecords records) {
        // Kafka stamped the offsets of the last append into the batch: a producer's batch has base offset 0.
        records.buffer().putLong(0, 0L);
        try {
            return log.appendAsLeader(records, 0).lastOffset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the log as a broker does on a clean shutdown (segments trimmed), and its scheduler. */
    @Override
    public void close() {
        try {
            log.close();
            log.removeLogMetrics();
        } finally {
            shutdown(scheduler, stats);
        }
    }

    /** Deletes the log's directory and everything in it (no flush), closes its scheduler. */
    public void delete() {
        try {
            log.delete();
            log.removeLogMetrics();
        } finally {
            shutdown(scheduler, stats);
        }
    }

    private static void shutdown(KafkaScheduler scheduler, BrokerTopicStats stats) {
        try {
            scheduler.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stats.close();
        }
    }
}
