package io.runnel.log;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a replay ({@link CommitLog#replay(String, Serde, Serde, ReplayHandler)},
 * {@link CommitLog#replayViews(String, RecordViewHandler)}) did: how many records it handed over,
 * how many bytes it read, how long it took, and the end offset of each partition that it replayed
 * up to. To go on reading where the replay stopped, without missing or repeating a record,
 * {@link Consumer#seek(TopicPartition, long) seek} a consumer to {@link #endOffsets()}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param topic      the topic replayed, never null
 * @param records    the number of records handed to the handler, at least 0
 * @param bytes      the size of the record batches read, as stored in the log (batch headers
 *                   included), at least 0
 * @param duration   how long the replay took, never null or negative
 * @param endOffsets every partition of the topic with the end offset captured when the replay
 *                   started: the replay handed over the records below it, and none at or above it;
 *                   an immutable copy, never null
 */
public record ReplayResult(String topic, long records, long bytes, Duration duration,
                           Map<TopicPartition, Long> endOffsets) {

    /**
     * Validates the result.
     *
     * @param topic      the topic replayed
     * @param records    the number of records handed over
     * @param bytes      the size of the batches read
     * @param duration   how long the replay took
     * @param endOffsets the end offset of each partition; copied
     * @throws NullPointerException     if {@code topic}, {@code duration}, {@code endOffsets} or one
     *                                  of its keys or values is null
     * @throws IllegalArgumentException if {@code records}, {@code bytes} or {@code duration} is
     *                                  negative
     */
    public ReplayResult {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(duration, "duration");
        if (records < 0) {
            throw new IllegalArgumentException("records must be >= 0, was " + records);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        endOffsets = Map.copyOf(endOffsets);
    }

    /**
     * Records handed over per second.
     *
     * @return {@code records / duration} in seconds, or 0 when the duration is 0
     */
    public double recordsPerSecond() {
        long nanos = duration.toNanos();
        return nanos == 0 ? 0 : records * 1e9 / nanos;
    }
}
