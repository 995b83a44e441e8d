package io.runnel.log.core.storage;

import io.runnel.log.TopicConfig;

/**
 * The storage settings of one partition log, taken from its topic's {@link TopicConfig}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param segmentBytes       roll the active segment before it would exceed this size
 * @param segmentMs          roll a non-empty active segment this long after its first append
 * @param segmentIndexBytes  preallocated size of each index file of the active segment
 * @param maxMessageBytes    the largest batch accepted, in bytes (its full size on disk)
 * @param indexIntervalBytes bytes between index entries (Kafka's {@code index.interval.bytes})
 * @param compacted          whether compaction may leave gaps between offsets; when false,
 *                           recovery requires offsets to be dense (a base offset is not covered
 *                           by the batch CRC, so density is what catches a damaged one)
 */
public record LogConfig(int segmentBytes, long segmentMs, int segmentIndexBytes, int maxMessageBytes,
                        int indexIntervalBytes, boolean compacted) {

    /**
     * Settings of a log without compaction.
     *
     * @param segmentBytes       see the record
     * @param segmentMs          see the record
     * @param segmentIndexBytes  see the record
     * @param maxMessageBytes    see the record
     * @param indexIntervalBytes see the record
     */
    public LogConfig(int segmentBytes, long segmentMs, int segmentIndexBytes, int maxMessageBytes,
                     int indexIntervalBytes) {
        this(segmentBytes, segmentMs, segmentIndexBytes, maxMessageBytes, indexIntervalBytes, false);
    }

    /**
     * The storage settings of a topic.
     *
     * @param config the topic's configuration
     * @return the partition settings
     */
    public static LogConfig of(TopicConfig config) {
        return new LogConfig(config.segmentBytes(), config.segmentMs(), config.segmentIndexBytes(),
                config.maxMessageBytes(), config.indexIntervalBytes(),
                config.cleanupPolicy().contains(io.runnel.log.CleanupPolicy.COMPACT));
    }

    /**
     * Defaults, for tests and tools.
     *
     * @return the defaults of {@link TopicConfig#defaults()}
     */
    public static LogConfig defaults() {
        return of(TopicConfig.defaults());
    }
}
