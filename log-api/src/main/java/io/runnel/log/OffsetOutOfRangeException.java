package io.runnel.log;

import java.util.Objects;

/**
 * Thrown when an offset lies outside a partition's log: below its start offset or above its
 * end offset.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class OffsetOutOfRangeException extends LogException {
    private static final long serialVersionUID = 1L;

    /** The partition's topic, kept apart so that the exception stays serialisable. */
    private final String topic;
    /** The partition number. */
    private final int partition;
    /** The offset asked for. */
    private final long offset;

    /**
     * Creates the exception.
     *
     * @param partition   the partition that was read
     * @param offset      the offset asked for
     * @param startOffset the partition's log start offset at the time
     * @param endOffset   the partition's log end offset at the time
     */
    public OffsetOutOfRangeException(TopicPartition partition, long offset, long startOffset, long endOffset) {
        super("offset " + offset + " is out of range for " + partition
                + ": expected " + startOffset + " <= offset <= " + endOffset);
        this.topic = Objects.requireNonNull(partition, "partition").topic();
        this.partition = partition.partition();
        this.offset = offset;
    }

    /**
     * The partition that was read.
     *
     * @return the partition
     */
    public TopicPartition partition() {
        return new TopicPartition(topic, partition);
    }

    /**
     * The offset that was asked for.
     *
     * @return the offset
     */
    public long offset() {
        return offset;
    }
}
