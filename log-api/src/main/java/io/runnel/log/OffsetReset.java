package io.runnel.log;

/**
 * Where a consumer starts reading a partition that has no committed offset for its group, or
 * whose position is no longer in the log because retention deleted it (Kafka's
 * {@code auto.offset.reset}).
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum OffsetReset {
    /** Start at the partition's start offset, the oldest record still kept. */
    EARLIEST,
    /** Start at the partition's end offset: only records appended from now on. */
    LATEST,
    /**
     * Do not choose: {@link Consumer#poll(java.time.Duration)} throws
     * {@link NoOffsetForPartitionException} for a partition without a committed offset, and
     * {@link OffsetOutOfRangeException} for a position outside the log, until the application
     * {@link Consumer#seek(TopicPartition, long) seeks}.
     */
    NONE
}
