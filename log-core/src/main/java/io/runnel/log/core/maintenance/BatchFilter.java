package io.runnel.log.core.maintenance;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.runnel.log.CompressionType;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;

/**
 * Decides which records of a batch compaction keeps, and writes what is kept: the batch as it
 * is when every record stays (no copy of the records, no new CRC), a rebuilt batch holding the
 * kept records at their original offsets when some go, or nothing.
 *
 * <p>A record is kept when its offset is at or past the end of the key map's coverage; else
 * when it has a key, it is the latest record of its key the map knows (or the map does not know
 * the key), and it is not a tombstone past its batch's delete horizon. Control batches are kept
 * as they are. A kept tombstone in a batch without a delete horizon gets one: the batch is
 * rebuilt with {@code now + delete.retention.ms} in its base timestamp and attribute bit 6, as
 * Kafka's cleaner does (KIP-534), so the tombstone goes at the first cleaning after that time.
 *
 * <p>Not thread-safe: one per cleaning thread.
 */
final class BatchFilter {
    private final RecordCursor cursor = new RecordCursor();
    private final RecordBatchWriter writer = new RecordBatchWriter();
    private boolean[] keep = new boolean[64];
    private ByteBuffer scratch = ByteBuffer.allocate(64 << 10);

    /** What {@link #filter} decided. */
    enum Outcome {
        /** Every record stays and nothing changes: the batch's own bytes are kept. */
        AS_IS,
        /** Some records go, or a delete horizon is added: {@link #rebuilt()} holds the new batch. */
        REBUILT,
        /** No record stays. */
        EMPTY
    }

    /**
     * Decides the fate of {@code batch} and, for {@link Outcome#REBUILT}, builds the new batch.
     *
     * @param batch             a valid batch of the log
     * @param map               the latest offset of each key of the map's range
     * @param mapEnd            offsets from here on are past the map and kept
     * @param nowMs             the cleaner's clock
     * @param deleteRetentionMs how long a tombstone stays after it is first cleaned
     * @return the outcome
     */
    Outcome filter(RecordBatchView batch, OffsetMap map, long mapEnd, long nowMs, long deleteRetentionMs) {
        if (batch.isControl() || batch.baseOffset() >= mapEnd) {
            return Outcome.AS_IS;
        }
        boolean horizonPassed = batch.hasDeleteHorizon() && nowMs > batch.baseTimestamp();
        int count = batch.recordCount();
        if (keep.length < count) {
            keep = new boolean[Math.max(count, keep.length * 2)];
        }
        int kept = 0;
        boolean tombstoneKept = false;
        cursor.reset(batch);
        for (int i = 0; cursor.next(); i++) {
            boolean k = keeps(map, mapEnd, horizonPassed);
            keep[i] = k;
            if (k) {
                kept++;
                tombstoneKept |= cursor.valueLength() < 0;
            }
        }
        boolean stampHorizon = tombstoneKept && !batch.hasDeleteHorizon();
        if (kept == count && !stampHorizon) {
            return Outcome.AS_IS;
        }
        if (kept == 0) {
            return Outcome.EMPTY;
        }
        long horizon = batch.hasDeleteHorizon() ? batch.baseTimestamp() : nowMs + deleteRetentionMs;
        rebuild(batch, tombstoneKept ? horizon : -1);
        return Outcome.REBUILT;
    }

    private boolean keeps(OffsetMap map, long mapEnd, boolean horizonPassed) {
        long offset = cursor.offset();
        if (offset >= mapEnd) {
            return true;
        }
        int keyLength = cursor.keyLength();
        if (keyLength < 0) {
            return false; // a compacted topic holds keyed records only
        }
        long latest = map.get(cursor.buffer(), cursor.keyOffset(), keyLength);
        if (latest > offset) {
            return false;
        }
        return !(cursor.valueLength() < 0 && horizonPassed);
    }

    /** Writes the kept records into {@link #scratch}, growing it until the batch fits. */
    private void rebuild(RecordBatchView batch, long horizon) {
        for (;;) {
            scratch.clear();
            writer.begin(scratch, 0, scratch.capacity(), batch.baseOffset(), RecordBatchDescriptor.NO_TIMESTAMP)
                    .producerId(batch.producerId())
                    .producerEpoch(batch.producerEpoch())
                    .baseSequence(batch.baseSequence())
                    .partitionLeaderEpoch(batch.partitionLeaderEpoch())
                    .transactional(batch.isTransactional())
                    .lastOffsetDelta(batch.lastOffsetDelta());
            if (batch.isLogAppendTime()) {
                writer.logAppendTime(batch.maxTimestamp());
            }
            CompressionType compression = CompressionType.forId(batch.compressionCodec());
            if (compression != CompressionType.NONE) {
                writer.compression(compression);
            }
            if (horizon >= 0) {
                writer.deleteHorizon(horizon);
            }
            if (writeKept(batch)) {
                int size = writer.finish();
                if (size > 0) {
                    scratch.limit(size);
                    return;
                }
            }
            scratch = ByteBuffer.allocate(scratch.capacity() * 2);
        }
    }

    private boolean writeKept(RecordBatchView batch) {
        cursor.reset(batch);
        for (int i = 0; cursor.next(); i++) {
            if (!keep[i]) {
                continue;
            }
            ByteBuffer buf = cursor.buffer();
            ByteBuffer key = cursor.keyLength() < 0 ? null : buf.slice(cursor.keyOffset(), cursor.keyLength());
            ByteBuffer value = cursor.valueLength() < 0 ? null : buf.slice(cursor.valueOffset(), cursor.valueLength());
            writer.offsetDelta(cursor.offsetDelta());
            if (!writer.append(cursor.timestamp(), key, value, cursor.headerCount() == 0 ? null : cursor.headers())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The batch {@link #filter} rebuilt, from position 0 to its limit.
     *
     * @return the bytes
     */
    ByteBuffer rebuilt() {
        return scratch;
    }

    /** Drops a large scratch after a pass. */
    void trim() {
        if (scratch.capacity() > (1 << 20)) {
            scratch = ByteBuffer.allocate(64 << 10);
        }
        if (keep.length > 4096) {
            keep = Arrays.copyOf(keep, 64);
        }
    }
}
