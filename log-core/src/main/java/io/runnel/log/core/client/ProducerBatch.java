package io.runnel.log.core.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import io.runnel.log.CompressionType;
import io.runnel.log.Headers;
import io.runnel.log.RecordMetadata;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;

/**
 * One record batch of one partition while it fills: records are encoded as they arrive, by a
 * {@link RecordBatchWriter}, into a heap buffer that is reused for later batches, next to each
 * record's future and timestamp. The base offset is left at 0: the partition log stamps the real
 * one when it appends the batch.
 *
 * <p>Not thread-safe: its {@link PartitionBatcher}'s lock guards it while it fills, and the one
 * draining thread owns it from when it takes the batch until it hands it back.
 */
final class ProducerBatch {
    /**
     * The smallest record: length, attributes, timestamp delta, offset delta, key length, value
     * length and header count, one byte each. A batch with less room left is full.
     */
    static final int MIN_RECORD_SIZE = 7;

    private final ByteBuffer buffer;
    private final RecordBatchWriter writer = new RecordBatchWriter();
    private final ArrayList<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    private long[] timestamps = new long[16];
    /** Whether the batch has its batcher's standard capacity, and so goes back to the pool. */
    private final boolean pooled;

    /** Its place in the partition's order of batches, from 1. */
    long number;
    /** Append without waiting for more records or the linger: set by the linger timer, flush and close. */
    boolean sendNow;
    /** The linger timer of the batch, or null. */
    ScheduledFuture<?> lingerTimer;
    /** Set when encoding a record failed half-way: the batch cannot be finished and fails as a whole. */
    RuntimeException failure;

    ProducerBatch(int capacity, boolean pooled) {
        this.buffer = ByteBuffer.allocate(capacity);
        this.pooled = pooled;
    }

    /**
     * Starts an empty batch.
     *
     * @param batchNumber its place in the partition's order
     * @param compression the codec of the batch
     */
    void begin(long batchNumber, CompressionType compression) {
        buffer.clear();
        writer.begin(buffer, 0, buffer.capacity(), 0, RecordBatchDescriptor.NO_TIMESTAMP).compression(compression);
        number = batchNumber;
        sendNow = false;
        lingerTimer = null;
        failure = null;
    }

    /**
     * Encodes a record into the batch.
     *
     * @return false, with nothing written, when it does not fit
     */
    boolean tryAppend(long timestamp, byte[] key, byte[] value, Headers headers, CompletableFuture<RecordMetadata> future) {
        if (!writer.append(timestamp, key, value, headers)) {
            return false;
        }
        int n = futures.size();
        if (n == timestamps.length) {
            timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
        }
        timestamps[n] = timestamp;
        futures.add(future);
        return true;
    }

    int recordCount() {
        return futures.size();
    }

    /** Whether no record could fit any more. */
    boolean isFull() {
        return writer.remaining() < MIN_RECORD_SIZE;
    }

    /** Whether the batch goes back to the {@link BatchPool} (not one sized for a single large record). */
    boolean isPooled() {
        return pooled;
    }

    int capacity() {
        return buffer.capacity();
    }

    /**
     * Writes the header with the idempotence fields, and the CRC.
     *
     * @return the batch, from position 0 to its limit
     * @throws UnsupportedOperationException when the compression codec is not available
     */
    ByteBuffer finish(long producerId, short producerEpoch, int baseSequence) {
        writer.producerId(producerId).producerEpoch(producerEpoch).baseSequence(baseSequence);
        int size = writer.finish();
        if (size == io.runnel.log.core.record.RecordBatchWriter.DOES_NOT_FIT) {
            // The records did not compress into the buffer: send them uncompressed, which always fits.
            size = writer.compression(io.runnel.log.CompressionType.NONE).finish();
        }
        buffer.limit(size).position(0);
        return buffer;
    }

    /** Completes every record's future: the records have consecutive offsets from {@code baseOffset}. */
    void complete(TopicPartition tp, long baseOffset) {
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).complete(new RecordMetadata(tp, baseOffset + i, timestamps[i]));
        }
        futures.clear();
    }

    /** Fails every record's future with the same cause. */
    void fail(Throwable cause) {
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).completeExceptionally(cause);
        }
        futures.clear();
    }
}
