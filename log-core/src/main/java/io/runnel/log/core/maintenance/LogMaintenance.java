package io.runnel.log.core.maintenance;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CorruptLogException;
import io.runnel.log.MaintenanceResult;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.CheckpointFile;
import io.runnel.log.core.storage.LogSegment;
import io.runnel.log.core.storage.PartitionLog;

import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention and compaction for every partition of one commit log: an Agrona {@link Agent}
 * whose duty cycle runs on one thread for the whole log (never a thread per partition), and
 * the same passes on demand ({@link #runNow()}). One lock serialises the passes, so the
 * background thread and a caller never work on the log at the same time.
 *
 * <p>It keeps two checkpoints in the log directory, in Kafka's text format
 * ({@link CheckpointFile}): {@value #LOG_START_OFFSET_CHECKPOINT} (each partition's start
 * offset, written after retention moved one and on close) and
 * {@value #CLEANER_OFFSET_CHECKPOINT} (where the next compaction pass of each compacted
 * partition starts).
 *
 * <p>Thread-safe: the duty cycle runs on the agent's thread; {@link #runNow()}, {@link #forget}
 * and the checkpoint methods may be called from any thread.
 */
public final class LogMaintenance implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);

    /** Kafka's file of log start offsets, in the log directory. */
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    /** Kafka's file of the cleaner's first dirty offsets, in the log directory. */
    public static final String CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint";

    /** A partition to maintain. */
    public record Target(TopicPartition id, PartitionLog log, TopicConfig config) {
    }

    private final Path dir;
    private final Supplier<Collection<Target>> targets;
    private final long retentionIntervalMs;
    private final long cleanerBackoffMs;
    private final LogCleaner cleaner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<TopicPartition, Long> firstDirty = new ConcurrentHashMap<>();
    /** The earliest delete horizon in each compacted partition's cleaned part; absent when not known yet. */
    private final Map<TopicPartition, Long> earliestHorizon = new ConcurrentHashMap<>();
    private volatile LongSupplier clock = System::currentTimeMillis;
    private volatile boolean stopping;
    private long nextRetentionMs;
    private long nextCleaningMs;

    /**
     * Maintenance for the log in {@code dir}.
     *
     * @param dir                 the log directory (checkpoints)
     * @param targets             the partitions, asked anew at each pass
     * @param retentionIntervalMs how often retention runs in the background
     * @param cleanerBackoffMs    how often compaction is considered in the background
     * @param mapMemory           the most heap of the compaction key map
     */
    public LogMaintenance(Path dir, Supplier<Collection<Target>> targets, long retentionIntervalMs,
                          long cleanerBackoffMs, long mapMemory) {
        this.dir = dir;
        this.targets = targets;
        this.retentionIntervalMs = retentionIntervalMs;
        this.cleanerBackoffMs = cleanerBackoffMs;
        this.cleaner = new LogCleaner(mapMemory);
        long now = clock.getAsLong();
        this.nextRetentionMs = now + retentionIntervalMs;
        this.nextCleaningMs = now + cleanerBackoffMs;
        firstDirty.putAll(readCheckpoint(dir.resolve(CLEANER_OFFSET_CHECKPOINT)));
    }

    /**
     * The log start offsets checkpointed in {@code dir}; empty when there is no file or it is
     * damaged (it is rebuilt: every start offset is then its first segment's base offset).
     *
     * @param dir the log directory
     * @return per partition, its checkpointed start offset
     */
    public static Map<TopicPartition, Long> readStartOffsets(Path dir) {
        return readCheckpoint(dir.resolve(LOG_START_OFFSET_CHECKPOINT));
    }

    private static Map<TopicPartition, Long> readCheckpoint(Path file) {
        try {
            return CheckpointFile.readPartitionOffsets(file);
        } catch (CorruptLogException e) {
            LOG.warn("ignoring damaged {} ({}); it is rebuilt", file, e.getMessage());
            return new HashMap<>();
        }
    }

    /**
     * Replaces the clock (tests).
     *
     * @param clock milliseconds since the epoch
     */
    public void setClock(LongSupplier clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ Agent

    @Override
    public int doWork() {
        long now = clock.getAsLong();
        int work = 0;
        if (now >= nextRetentionMs || now >= nextCleaningMs) {
            boolean retention = now >= nextRetentionMs;
            boolean cleaning = now >= nextCleaningMs;
            lock.lock();
            try {
                if (retention && !stopping) {
                    nextRetentionMs = now + retentionIntervalMs;
                    work += retention(now).segmentsDeleted();
                }
                if (cleaning && !stopping) {
                    nextCleaningMs = now + cleanerBackoffMs;
                    work += compaction(now).partitionsCleaned();
                }
            } catch (RuntimeException e) {
                LOG.warn("maintenance of {} failed; it is tried again at the next interval", dir, e);
            } finally {
                lock.unlock();
            }
        }
        return work;
    }

    @Override
    public String roleName() {
        return "runnel-log-maintenance-" + dir.getFileName();
    }

    /** Makes a running pass give up at its next step; the log is closing. */
    public void stop() {
        stopping = true;
    }

    /**
     * Waits for a pass in progress (after {@link #stop()}, it gives up soon).
     */
    public void awaitIdle() {
        lock.lock();
        lock.unlock();
    }

    // ------------------------------------------------------------------ passes

    /**
     * Runs retention, then compaction, on every partition now.
     *
     * @return what was done
     */
    public MaintenanceResult runNow() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            return retention(now).plus(compaction(now));
        } finally {
            lock.unlock();
        }
    }

    private MaintenanceResult retention(long now) {
        int segments = 0;
        long bytes = 0;
        for (Target t : targets.get()) {
            if (stopping) {
                break;
            }
            PartitionLog log = t.log();
            if (log.isClosed()) {
                continue;
            }
            LogSegment[] expired = Retention.expired(log.segments(), t.config(), now);
            if (expired.length == 0) {
                continue;
            }
            long deleted = log.deleteOldestSegments(expired);
            if (deleted > 0) {
                segments += expired.length;
                bytes += deleted;
                LOG.info("retention deleted {} segment(s), {} bytes, of {}; it now starts at offset {}",
                        expired.length, deleted, t.id(), log.startOffset());
            }
        }
        if (segments > 0) {
            writeStartOffsets();
        }
        return new MaintenanceResult(segments, bytes, 0, 0, 0);
    }

    private MaintenanceResult compaction(long now) {
        int partitions = 0;
        long read = 0;
        long written = 0;
        for (Target t : targets.get()) {
            if (stopping) {
                break;
            }
            PartitionLog log = t.log();
            if (log.isClosed() || !t.config().cleanupPolicy().contains(CleanupPolicy.COMPACT)) {
                continue;
            }
            TopicPartition id = t.id();
            long dirty = firstDirty.getOrDefault(id, 0L);
            if (dirty > log.endOffset()) {
                dirty = 0; // a topic of the same name before this one
            }
            Long horizon = earliestHorizon.get(id);
            if (horizon == null) {
                horizon = cleaner.earliestHorizon(log.segments(), Math.max(dirty, log.startOffset()));
                earliestHorizon.put(id, horizon);
            }
            LogCleaner.Pass pass;
            try {
                pass = cleaner.clean(log, t.config(), dirty, now, now > horizon, () -> stopping || log.isClosed());
            } catch (RuntimeException e) {
                if (log.isClosed()) {
                    continue; // deleted or closed under the pass
                }
                throw e;
            }
            if (!pass.cleaned()) {
                continue;
            }
            if (pass.earliestHorizon() < 0) {
                earliestHorizon.remove(id);
            } else {
                earliestHorizon.put(id, pass.earliestHorizon());
            }
            firstDirty.put(id, pass.firstDirty());
            partitions++;
            read += pass.bytesRead();
            written += pass.bytesWritten();
            LOG.info("compacted {}: {} bytes rewritten into {}; the next pass starts at offset {}", id,
                    pass.bytesRead(), pass.bytesWritten(), pass.firstDirty());
        }
        if (partitions > 0) {
            writeCleanerOffsets();
        }
        return new MaintenanceResult(0, 0, partitions, read, written);
    }

    /**
     * Forgets what is known of a topic's partitions (the topic was deleted).
     *
     * @param topic the topic
     */
    public void forget(String topic) {
        firstDirty.keySet().removeIf(tp -> tp.topic().equals(topic));
        earliestHorizon.keySet().removeIf(tp -> tp.topic().equals(topic));
    }

    // ------------------------------------------------------------------ checkpoints

    /** Writes every partition's start offset (those above 0). */
    public void writeStartOffsets() {
        Map<TopicPartition, Long> starts = new java.util.LinkedHashMap<>();
        for (Target t : targets.get()) {
            if (t.log().startOffset() > 0) {
                starts.put(t.id(), t.log().startOffset());
            }
        }
        CheckpointFile.writePartitionOffsets(dir.resolve(LOG_START_OFFSET_CHECKPOINT), starts);
    }

    /** Writes the first dirty offset of every compacted partition known. */
    public void writeCleanerOffsets() {
        Map<TopicPartition, Long> offsets = new java.util.LinkedHashMap<>();
        for (Target t : targets.get()) {
            Long offset = firstDirty.get(t.id());
            if (offset != null) {
                offsets.put(t.id(), offset);
            }
        }
        CheckpointFile.writePartitionOffsets(dir.resolve(CLEANER_OFFSET_CHECKPOINT), offsets);
    }
}
