package io.runnel.log;

import java.util.Objects;

/**
 * A record to send: the topic, optionally the partition and timestamp, a key, a value and headers.
 *
 * <p>When {@code partition} is null the producer chooses it as Kafka does: from the serialised
 * key with murmur2, so a key lands in the same partition as it would in Kafka, or, for a null
 * key, the partition of the batch being filled. When {@code timestamp} is null the producer uses
 * the current time.
 *
 * <p>Instances are immutable and thread-safe as long as the key, value and header values are not
 * changed after the record is created.
 *
 * @param <K>       the key type
 * @param <V>       the value type
 * @param topic     the topic to send to, never null
 * @param partition the partition, or null to let the producer choose
 * @param timestamp the record's timestamp in milliseconds since the epoch, or null for now
 * @param key       the key, may be null
 * @param value     the value, may be null (a tombstone on a compacted topic)
 * @param headers   the headers; null means none and becomes {@link Headers#empty()}
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestamp, K key, V value, Headers headers) {

    /**
     * Validates the record.
     *
     * @param topic     the topic to send to, never null
     * @param partition the partition, or null to let the producer choose
     * @param timestamp the record's timestamp in milliseconds since the epoch, or null for now
     * @param key       the key, may be null
     * @param value     the value, may be null
     * @param headers   the headers; null means none
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if {@code partition} or {@code timestamp} is negative
     */
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be null or >= 0, was " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be null or >= 0, was " + timestamp);
        }
        if (headers == null) {
            headers = Headers.empty();
        }
    }

    /**
     * A record with a key and a value, whose partition is chosen from the key.
     *
     * @param <K>   the key type
     * @param <V>   the value type
     * @param topic the topic to send to
     * @param key   the key, may be null
     * @param value the value, may be null
     * @return the record, without headers, stamped with the time of sending
     * @throws NullPointerException if {@code topic} is null
     */
    public static <K, V> ProducerRecord<K, V> of(String topic, K key, V value) {
        return new ProducerRecord<>(topic, null, null, key, value, null);
    }

    /**
     * A record with a value and a null key.
     *
     * @param <K>   the key type
     * @param <V>   the value type
     * @param topic the topic to send to
     * @param value the value, may be null
     * @return the record, without key or headers, stamped with the time of sending
     * @throws NullPointerException if {@code topic} is null
     */
    public static <K, V> ProducerRecord<K, V> of(String topic, V value) {
        return new ProducerRecord<>(topic, null, null, null, value, null);
    }
}
