package io.runnel.log.core.client;

import io.runnel.log.CompressionType;
import io.runnel.log.ProducerConfig;

/**
 * What every {@link PartitionBatcher} of one producer shares: its id, its configuration, its
 * thread and its idle batches.
 *
 * <p>Immutable and thread-safe (the thread and the pool are themselves thread-safe).
 *
 * @param producerId  the producer id stamped in every batch, see {@link ProducerIds}
 * @param batchSize   {@code batch.size} in bytes
 * @param lingerMs    {@code linger.ms}
 * @param compression {@code compression.type}
 * @param thread      runs linger timers and takes over draining
 * @param pool        the idle batches, shared by the partitions
 */
record ProducerSettings(long producerId, int batchSize, long lingerMs, CompressionType compression,
                        ProducerThread thread, BatchPool pool) {
    /** The producer epoch stamped in every batch: a producer id is never reused, so it stays 0. */
    static final short PRODUCER_EPOCH = 0;

    static ProducerSettings of(long producerId, ProducerConfig config, ProducerThread thread) {
        return new ProducerSettings(producerId, config.batchSize(), config.lingerMs(), config.compressionType(), thread,
                new BatchPool());
    }
}
