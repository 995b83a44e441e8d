package io.runnel.log.core.maintenance;

import java.util.Arrays;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.TopicConfig;
import io.runnel.log.core.storage.LogSegment;

/**
 * Which segments retention deletes, by Kafka's rules: oldest first and never the active one;
 * a segment goes when its largest record timestamp is more than {@code retention.ms} old, or
 * while the partition stays at or above {@code retention.bytes} without it. So a partition's
 * size stays below {@code retention.bytes} plus one segment, and no inactive segment is older
 * than {@code retention.ms} after a pass.
 *
 * <p>Thread-safe: stateless.
 */
final class Retention {
    private Retention() {
    }

    /**
     * The oldest segments past the topic's retention.
     *
     * @param segs   the partition's segments, oldest first, the active one last
     * @param config the topic's settings
     * @param nowMs  the clock
     * @return a prefix of {@code segs}, maybe empty
     */
    static LogSegment[] expired(LogSegment[] segs, TopicConfig config, long nowMs) {
        if (!config.cleanupPolicy().contains(CleanupPolicy.DELETE)) {
            return new LogSegment[0];
        }
        int inactive = segs.length - 1;
        int byTime = 0;
        if (config.retentionMs() != TopicConfig.UNLIMITED) {
            while (byTime < inactive && nowMs - segs[byTime].largestTimestamp() > config.retentionMs()) {
                byTime++;
            }
        }
        int bySize = 0;
        if (config.retentionBytes() != TopicConfig.UNLIMITED) {
            long total = 0;
            for (LogSegment s : segs) {
                total += s.size();
            }
            long excess = total - config.retentionBytes();
            while (bySize < inactive && excess - segs[bySize].size() >= 0) {
                excess -= segs[bySize].size();
                bySize++;
            }
        }
        return Arrays.copyOf(segs, Math.max(byTime, bySize));
    }
}
