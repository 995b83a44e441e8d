package io.runnel.log;

import java.util.Objects;

/**
 * A partition of a topic: the unit of ordering, storage and assignment.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param topic     the topic name, never null
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) {

    /**
     * Validates the components.
     *
     * @param topic     the topic name, never null
     * @param partition the partition number, from 0
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if {@code partition} is negative
     */
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
    }

    /**
     * Kafka's notation, {@code topic-partition}, which is also the partition's directory name.
     *
     * @return {@code topic + "-" + partition}
     */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
