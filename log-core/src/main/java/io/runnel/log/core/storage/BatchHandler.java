package io.runnel.log.core.storage;

import io.runnel.log.core.record.RecordBatchView;

/**
 * Receives the batches of a {@link PartitionLog#read read}, zero-copy: the view points into the
 * segment's mapping and is valid only during the call. Never keep it, or a buffer from it.
 *
 * <p>Thread-safety: called on the reading thread only.
 */
@FunctionalInterface
public interface BatchHandler {
    /**
     * One batch, CRC-checked when the read asked for it.
     *
     * @param batch the batch, valid during this call only
     * @return true to go on with the next batch, false to stop
     */
    boolean onBatch(RecordBatchView batch);
}
