package io.runnel.log;

import java.util.Objects;

/**
 * Thrown by {@link Consumer#poll(java.time.Duration)} when a partition has no committed offset for
 * the consumer's group, no position was set with {@code seek}, and the consumer's
 * {@link ConsumerConfig#autoOffsetReset()} is {@link OffsetReset#NONE}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class NoOffsetForPartitionException extends LogException {
    private static final long serialVersionUID = 1L;

    /** The partition's topic. */
    private final String topic;
    /** The partition number. */
    private final int partition;

    /**
     * Creates the exception.
     *
     * @param topicPartition the partition without an offset
     * @throws NullPointerException if {@code topicPartition} is null
     */
    public NoOffsetForPartitionException(TopicPartition topicPartition) {
        super("no committed offset and no position for " + topicPartition
                + ", and autoOffsetReset is NONE: seek to an offset first");
        this.topic = Objects.requireNonNull(topicPartition, "topicPartition").topic();
        this.partition = topicPartition.partition();
    }

    /**
     * The partition without an offset.
     *
     * @return the partition
     */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
