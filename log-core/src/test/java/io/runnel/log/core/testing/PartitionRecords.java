package io.runnel.log.core.testing;

import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.PartitionLog;

/**
 * Test helper: every record of a partition log from its start offset to its end offset, read with
 * {@link PartitionLog#read} (CRC checked), in offset order.
 *
 * <p>Thread-safety: stateless; each call uses its own view and cursor.
 */
public final class PartitionRecords {
    /** Receives one record. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One record.
         *
         * @param offset    its offset
         * @param timestamp its timestamp
         * @param key       its key, or null
         * @param value     its value, or null
         */
        void record(long offset, long timestamp, byte[] key, byte[] value);
    }

    private PartitionRecords() {
    }

    /**
     * Hands every record from the start offset to the end offset (taken at the call) to {@code visitor}.
     *
     * @param log     the partition
     * @param visitor receives the records
     */
    public static void forEach(PartitionLog log, Visitor visitor) {
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long next = log.startOffset();
        long end = log.endOffset();
        while (next < end) {
            long from = next;
            next = log.read(next, 1 << 20, true, view, b -> {
                cursor.reset(b);
                while (cursor.next()) {
                    if (cursor.offset() >= from) {
                        visitor.record(cursor.offset(), cursor.timestamp(), cursor.key(), cursor.value());
                    }
                }
                return true;
            });
        }
    }
}
