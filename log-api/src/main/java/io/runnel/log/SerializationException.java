package io.runnel.log;

import java.util.Objects;

/**
 * Thrown when a {@link Serde} cannot turn a value into bytes or bytes into a value. Where the
 * record is known, the message names its topic, partition and offset, which
 * {@link #topicPartition()} and {@link #offset()} also return; a consumer leaves its position at
 * the record that failed, so {@code seek(e.topicPartition(), e.offset() + 1)} skips it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class SerializationException extends LogException {
    private static final long serialVersionUID = 1L;

    /** The record's topic, or null when not known. */
    private final String topic;
    /** The record's partition, or -1 when not known. */
    private final int partition;
    /** The record's offset, or -1 when not known. */
    private final long offset;

    /**
     * Creates the exception for a value whose record is not known, as a {@link Serde} does.
     *
     * @param message what went wrong
     */
    public SerializationException(String message) {
        this(message, null);
    }

    /**
     * Creates the exception with its cause, for a value whose record is not known.
     *
     * @param message what went wrong
     * @param cause   the underlying failure, or null
     */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
        this.topic = null;
        this.partition = -1;
        this.offset = -1;
    }

    /**
     * Creates the exception for a record whose place is known.
     *
     * @param topicPartition the record's partition
     * @param offset         the record's offset, or -1 when it has none yet (a record being sent)
     * @param detail         what went wrong
     * @param cause          the underlying failure, or null
     * @throws NullPointerException if {@code topicPartition} is null
     */
    public SerializationException(TopicPartition topicPartition, long offset, String detail, Throwable cause) {
        super((offset >= 0 ? "record at offset " + offset + " of " : "record for ") + topicPartition + ": " + detail,
                cause);
        this.topic = Objects.requireNonNull(topicPartition, "topicPartition").topic();
        this.partition = topicPartition.partition();
        this.offset = offset;
    }

    /**
     * The partition of the record that failed.
     *
     * @return the partition, or null when not known
     */
    public TopicPartition topicPartition() {
        return topic == null ? null : new TopicPartition(topic, partition);
    }

    /**
     * The offset of the record that failed.
     *
     * @return the offset, or -1 when not known
     */
    public long offset() {
        return offset;
    }
}
