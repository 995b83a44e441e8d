package io.runnel.benchmarks;

import java.nio.file.Path;

import io.runnel.log.CommitLog;
import io.runnel.log.FlushPolicy;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

/**
 * A {@link CommitLog} (the public API) in a fresh temporary directory with
 * {@code FlushPolicy.none()} and one topic, {@value #TOPIC}; {@link #close()} deletes the
 * topic first (so that closing does not fsync gigabytes), closes the log and deletes the
 * directory.
 *
 * <p>Not thread-safe to create and close (one benchmark thread does both); the
 * {@link CommitLog} it hands out is thread-safe.
 */
public final class TempCommitLog implements AutoCloseable {
    /** The topic's name. */
    public static final String TOPIC = "bench";

    private final Path dir;
    private final CommitLog log;

    private TempCommitLog(Path dir, CommitLog log) {
        this.dir = dir;
        this.log = log;
    }

    /**
     * Opens a new log with the topic, default topic settings.
     *
     * @param partitions the topic's partition count
     * @return the open log
     */
    public static TempCommitLog create(int partitions) {
        return create(TopicConfig.builder().partitions(partitions).build());
    }

    /**
     * Opens a new log with the topic.
     *
     * @param topic the topic's settings
     * @return the open log
     */
    public static TempCommitLog create(TopicConfig topic) {
        Path dir = TempDirs.create("runnel-bench-log-");
        CommitLog log = CommitLog.builder(dir).flushPolicy(FlushPolicy.none()).open();
        log.createTopic(TOPIC, topic);
        return new TempCommitLog(dir, log);
    }

    /**
     * The log.
     *
     * @return the open log
     */
    public CommitLog log() {
        return log;
    }

    /**
     * A new producer of byte arrays with {@code linger.ms} 0 (the in-process default, stated).
     *
     * @return the producer; the caller closes it
     */
    public Producer<byte[], byte[]> producer() {
        return log.producer(ProducerConfig.builder().lingerMs(0).build(), Serdes.bytes(), Serdes.bytes());
    }

    /**
     * The directory of the log.
     *
     * @return its path
     */
    public Path dir() {
        return dir;
    }

    /**
     * The storage engine's log of one of the topic's partitions, for filling it fast.
     *
     * @param partition the partition
     * @return its log
     */
    public PartitionLog partitionLog(int partition) {
        return ((LogAccess) log).partitionLog(new TopicPartition(TOPIC, partition));
    }

    /** Deletes the topic, closes the log, deletes the directory. */
    @Override
    public void close() {
        if (!log.isClosed()) {
            log.deleteTopic(TOPIC);
            log.close();
        }
        TempDirs.delete(dir);
    }
}
