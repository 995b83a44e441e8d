package io.runnel.log;

import java.util.OptionalLong;

/**
 * One partition of a {@link Topic}: an ordered log of records, each at an offset one more than
 * the last.
 *
 * <p>Implementations are thread-safe. A partition is a live view: each call returns the value at
 * that moment, which moves as records are appended (the end offset grows) and retention deletes
 * old segments (the start offset grows). Once its topic is deleted every method except
 * {@link #id()} throws {@link UnknownTopicException}; once the log is closed, they throw
 * {@link LogClosedException}.
 */
public interface Partition {

    /**
     * Which partition this is.
     *
     * @return the topic name and partition number
     */
    TopicPartition id();

    /**
     * The offset of the oldest record still in the log (Kafka's log start offset); equal to
     * {@link #endOffset()} when the partition is empty.
     *
     * @return the start offset, at least 0
     */
    long startOffset();

    /**
     * The offset the next appended record will get (Kafka's log end offset).
     *
     * @return the end offset, at least {@link #startOffset()}
     */
    long endOffset();

    /**
     * The bytes the partition's segments hold: the sum of their {@code .log} files' valid sizes,
     * without indexes.
     *
     * @return bytes, at least 0
     */
    long sizeInBytes();

    /**
     * The earliest offset whose record has a timestamp at or after the given one, found through
     * the time index as Kafka's {@code offsetsForTimes}.
     *
     * @param timestamp milliseconds since the epoch, at least 0
     * @return the offset, or empty when no record still in the log is that recent
     * @throws IllegalArgumentException if {@code timestamp} is negative
     * @throws StorageException         if a segment or its index cannot be read
     */
    OptionalLong offsetForTimestamp(long timestamp);
}
