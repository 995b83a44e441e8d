package io.runnel.log;

import java.util.Objects;

/**
 * A record read by a {@link Consumer}, with its place in the log.
 *
 * <p>Instances are immutable and thread-safe as long as the key, value and header values are not
 * changed.
 *
 * @param <K>       the key type
 * @param <V>       the value type
 * @param topic     the record's topic, never null
 * @param partition the record's partition, at least 0
 * @param offset    the record's offset in the partition, at least 0
 * @param timestamp the record's timestamp, in milliseconds since the epoch
 * @param key       the key, may be null
 * @param value     the value, may be null (a tombstone on a compacted topic)
 * @param headers   the headers; null means none and becomes {@link Headers#empty()}
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
                                   Headers headers) {

    /**
     * Validates the record.
     *
     * @param topic     the record's topic, never null
     * @param partition the record's partition, at least 0
     * @param offset    the record's offset in the partition, at least 0
     * @param timestamp the record's timestamp
     * @param key       the key, may be null
     * @param value     the value, may be null
     * @param headers   the headers; null means none
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if {@code partition} or {@code offset} is negative
     */
    public ConsumerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        if (headers == null) {
            headers = Headers.empty();
        }
    }

    /**
     * The record's topic and partition together.
     *
     * @return a new {@code TopicPartition(topic, partition)}
     */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
