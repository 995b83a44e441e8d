package io.runnel.log;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A consumer group's progress in one partition, as {@link CommitLog#describeGroups()} reports it.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param partition       the partition
 * @param committedOffset the offset the group committed (the next to read), or empty when it has
 *                        committed none
 * @param endOffset       the partition's end offset when the description was taken
 * @param lag             {@code endOffset - committedOffset}, at least 0, or empty when nothing
 *                        was committed (Kafka shows "-" then)
 */
public record GroupPartitionOffsets(TopicPartition partition, OptionalLong committedOffset, long endOffset,
                                    OptionalLong lag) {

    /**
     * Validates the components.
     *
     * @param partition       the partition
     * @param committedOffset the committed offset, or empty
     * @param endOffset       the partition's end offset
     * @param lag             the lag, or empty
     * @throws NullPointerException if an argument is null
     */
    public GroupPartitionOffsets {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(committedOffset, "committedOffset");
        Objects.requireNonNull(lag, "lag");
    }
}
