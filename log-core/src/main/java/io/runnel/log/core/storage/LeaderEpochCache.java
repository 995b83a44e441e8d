package io.runnel.log.core.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.CorruptLogException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition's leader epochs and the offset each began at, persisted in Kafka's
 * {@code leader-epoch-checkpoint} format (lines {@code epoch startOffset}). Replication uses it
 * to find where a follower diverged; until then every batch carries epoch 0.
 *
 * <p>Thread-safety: guarded by the partition's append lock; readers use {@link #latestEpoch()}.
 */
public final class LeaderEpochCache {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCache.class);

    private final Path file;
    private final List<long[]> entries = new ArrayList<>();
    private volatile int latestEpoch = -1;

    /**
     * Loads the cache; a missing or unreadable file starts empty (it is rebuilt as batches are
     * appended).
     *
     * @param partitionDir the partition directory
     */
    public LeaderEpochCache(Path partitionDir) {
        this.file = partitionDir.resolve(SegmentFiles.LEADER_EPOCH_CHECKPOINT);
        try {
            List<String[]> lines = CheckpointFile.read(file, 2);
            if (lines != null) {
                int i = 0;
                for (String[] l : lines) {
                    long epoch = CheckpointFile.parseOffset(file, 2 + i, l[0]);
                    long start = CheckpointFile.parseOffset(file, 2 + i, l[1]);
                    entries.add(new long[] {epoch, start});
                    i++;
                }
            }
        } catch (CorruptLogException e) {
            LOG.warn("ignoring {}: {}", file, e.getMessage());
            entries.clear();
        }
        latestEpoch = entries.isEmpty() ? -1 : (int) entries.get(entries.size() - 1)[0];
    }

    /**
     * The newest epoch, or -1 when none.
     *
     * @return the epoch
     */
    public int latestEpoch() {
        return latestEpoch;
    }

    /**
     * Records that {@code epoch} begins at {@code startOffset}, when it is newer than the latest.
     *
     * @param epoch       the leader epoch
     * @param startOffset its first offset
     */
    public void assign(int epoch, long startOffset) {
        if (epoch <= latestEpoch) {
            return;
        }
        entries.add(new long[] {epoch, startOffset});
        latestEpoch = epoch;
        persist();
    }

    /**
     * Drops the epochs that begin at or after {@code endOffset} (after a truncation).
     *
     * @param endOffset the new end offset
     */
    public void truncateFromEnd(long endOffset) {
        boolean changed = entries.removeIf(e -> e[1] >= endOffset);
        if (changed) {
            latestEpoch = entries.isEmpty() ? -1 : (int) entries.get(entries.size() - 1)[0];
            persist();
        }
    }

    /**
     * The entries, oldest first, as {@code {epoch, startOffset}} pairs.
     *
     * @return a copy
     */
    public List<long[]> entries() {
        List<long[]> copy = new ArrayList<>();
        for (long[] e : entries) {
            copy.add(e.clone());
        }
        return copy;
    }

    private void persist() {
        List<String[]> lines = new ArrayList<>();
        for (long[] e : entries) {
            lines.add(new String[] {Long.toString(e[0]), Long.toString(e[1])});
        }
        // Not fsynced: every batch carries its epoch, so a lost update is rebuilt from the log;
        // an fsync per partition's first append made opening many partitions disk-bound.
        CheckpointFile.write(file, lines, false);
    }
}
