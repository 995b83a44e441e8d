package io.runnel.log.core.client;

import java.nio.ByteBuffer;

import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.PartitionLog;

/**
 * Appends a producer's batches to one partition log: finishes each with the producer id, epoch 0
 * and the partition's next sequence number, appends it with {@link PartitionLog#append}, and
 * completes the futures of its records with their offsets, or fails them all with the one cause.
 *
 * <p>Not thread-safe: used by the one thread draining its {@link PartitionBatcher}, which hands
 * it on under the batcher's lock.
 */
final class BatchAppender {
    private final TopicPartition tp;
    private final PartitionLog log;
    private final ProducerSettings settings;
    private int nextSequence;

    BatchAppender(TopicPartition tp, PartitionLog log, ProducerSettings settings) {
        this.tp = tp;
        this.log = log;
        this.settings = settings;
    }

    /** Appends one batch and completes its futures; never throws. */
    void append(ProducerBatch b) {
        Throwable failure = b.failure;
        long baseOffset = -1;
        if (failure == null) {
            try {
                ByteBuffer bytes;
                try {
                    bytes = b.finish(settings.producerId(), ProducerSettings.PRODUCER_EPOCH, nextSequence);
                } catch (UnsupportedOperationException e) {
                    throw new UnsupportedOperationException("cannot send a batch to " + tp + ": compression.type "
                            + settings.compression().configName() + " is not available yet (" + e.getMessage()
                            + "); use CompressionType.NONE", e);
                }
                // Consumed even if the append fails: a sequence is never given to two different batches.
                nextSequence = nextSequence(nextSequence, b.recordCount());
                baseOffset = log.append(bytes, false); // sealed by ProducerBatch.finish just now
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }
        if (failure == null) {
            b.complete(tp, baseOffset);
        } else {
            b.fail(failure);
        }
    }

    /** The sequence after {@code count} records from {@code sequence}, wrapping to 0 past the maximum as Kafka's. */
    static int nextSequence(int sequence, int count) {
        return (int) (((long) sequence + count) % (Integer.MAX_VALUE + 1L));
    }
}
