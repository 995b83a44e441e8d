package io.runnel.log;

import java.util.Objects;

/**
 * Where a sent record was appended: what a {@link Producer#send(ProducerRecord)} completes with.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param topicPartition the partition the record was appended to, never null
 * @param offset         the record's offset in that partition, at least 0
 * @param timestamp      the timestamp stored with the record, in milliseconds since the epoch
 */
public record RecordMetadata(TopicPartition topicPartition, long offset, long timestamp) {

    /**
     * Validates the metadata.
     *
     * @param topicPartition the partition the record was appended to, never null
     * @param offset         the record's offset in that partition, at least 0
     * @param timestamp      the timestamp stored with the record
     * @throws NullPointerException     if {@code topicPartition} is null
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public RecordMetadata {
        Objects.requireNonNull(topicPartition, "topicPartition");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /**
     * The topic the record was appended to.
     *
     * @return {@code topicPartition().topic()}
     */
    public String topic() {
        return topicPartition.topic();
    }

    /**
     * The partition the record was appended to.
     *
     * @return {@code topicPartition().partition()}
     */
    public int partition() {
        return topicPartition.partition();
    }
}
