package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.CONTROL_FLAG_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.DELETE_HORIZON_FLAG_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;
import static io.runnel.log.core.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A reusable flyweight over one record batch (layout in {@link RecordBatchDescriptor}) in a
 * heap, direct or memory-mapped {@link ByteBuffer}. It reads with absolute gets only and never
 * changes the wrapped buffer's position or limit; wrapping and reading allocate nothing, so one
 * view can walk a whole segment.
 *
 * <p>The getters read the header as it is and assume it lies below the buffer's limit (they
 * throw {@link IndexOutOfBoundsException} otherwise): call {@link #isValid()} or
 * {@link #ensureValid()} first on bytes that were not just written by this process.
 *
 * <p>The CRC is computed with one {@link CRC32C} and one private {@link ByteBuffer#duplicate()}
 * of the wrapped buffer per view; the duplicate is made only when a different buffer is wrapped.
 * For read-only heap buffers the JDK's CRC32C copies through a temporary array; mapped and
 * writable buffers are read in place. Call {@link #clear()} before a wrapped mapping is unmapped
 * if the view outlives it.
 *
 * <p>Not thread-safe: one view per thread. Several views may read the same buffer concurrently.
 */
public final class RecordBatchView {
    /** Result of {@link #check()}: what, if anything, is wrong with the batch. */
    private static final int VALID = 0;
    private static final int HEADER_TRUNCATED = 1;
    private static final int BAD_MAGIC = 2;
    private static final int BAD_LENGTH = 3;
    private static final int BATCH_TRUNCATED = 4;
    private static final int BAD_CRC = 5;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private ByteBuffer crcBuffer;
    private int offset;

    /**
     * Creates a view that wraps nothing yet.
     */
    public RecordBatchView() {
    }

    /**
     * Points this view at the batch starting at {@code offset} in {@code buffer}. Nothing is
     * checked but the arguments; see {@link #isValid()}.
     *
     * @param buffer a big-endian buffer holding the batch
     * @param offset the index of the batch's first byte
     * @return this view
     * @throws IllegalArgumentException if the buffer is little-endian or the offset negative
     */
    public RecordBatchView wrap(ByteBuffer buffer, int offset) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("record batches are big-endian; the buffer is " + buffer.order());
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (buffer != this.buffer) {
            this.buffer = buffer;
            this.crcBuffer = buffer.duplicate();
        }
        this.offset = offset;
        return this;
    }

    /**
     * Drops the references to the wrapped buffer and its duplicate, so that a mapping can be
     * released; the view can be wrapped again afterwards.
     */
    public void clear() {
        buffer = null;
        crcBuffer = null;
        offset = 0;
    }

    /**
     * The wrapped buffer.
     *
     * @return the buffer, or null when nothing is wrapped
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The index of the batch's first byte in {@link #buffer()}.
     *
     * @return the offset
     */
    public int offset() {
        return offset;
    }

    /**
     * The offset of the first record.
     *
     * @return {@code baseOffset}
     */
    public long baseOffset() {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    /**
     * The bytes of the batch after the length field.
     *
     * @return {@code batchLength}
     */
    public int batchLength() {
        return buffer.getInt(offset + BATCH_LENGTH_OFFSET);
    }

    /**
     * The size of the whole batch, as stored; see {@link #isValid()} before trusting it.
     *
     * @return {@code batchLength + LOG_OVERHEAD}
     */
    public int sizeInBytes() {
        return batchLength() + LOG_OVERHEAD;
    }

    /**
     * The index just past the batch: where the next batch of a segment starts.
     *
     * @return {@code offset() + sizeInBytes()}
     */
    public int end() {
        return offset + sizeInBytes();
    }

    /**
     * The leader epoch stamped in the batch.
     *
     * @return {@code partitionLeaderEpoch}, or {@link RecordBatchDescriptor#NO_PARTITION_LEADER_EPOCH}
     */
    public int partitionLeaderEpoch() {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    /**
     * The format version.
     *
     * @return {@code magic}, 2 for a valid batch
     */
    public byte magic() {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /**
     * The stored CRC-32C.
     *
     * @return {@code crc} as an unsigned value
     */
    public long checksum() {
        return Integer.toUnsignedLong(buffer.getInt(offset + CRC_OFFSET));
    }

    /**
     * The attribute bits; see {@link RecordBatchDescriptor}.
     *
     * @return {@code attributes}
     */
    public short attributes() {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    /**
     * The compression codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
     *
     * @return attribute bits 0-2
     */
    public int compressionCodec() {
        return attributes() & COMPRESSION_CODEC_MASK;
    }

    /**
     * Whether record timestamps are the log-append time ({@link #maxTimestamp()}) rather than
     * their create times.
     *
     * @return attribute bit 3
     */
    public boolean isLogAppendTime() {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    /**
     * Whether the batch belongs to a transaction.
     *
     * @return attribute bit 4
     */
    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    /**
     * Whether the batch holds control records.
     *
     * @return attribute bit 5
     */
    public boolean isControl() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    /**
     * Whether compaction stored a delete horizon in {@link #baseTimestamp()}.
     *
     * @return attribute bit 6
     */
    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /**
     * The offset of the last record, minus the base offset.
     *
     * @return {@code lastOffsetDelta}
     */
    public int lastOffsetDelta() {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    /**
     * The offset of the last record (which compaction may have removed).
     *
     * @return {@code baseOffset + lastOffsetDelta}
     */
    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /**
     * The offset after the batch.
     *
     * @return {@code lastOffset() + 1}
     */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    /**
     * The first record's timestamp, against which record timestamp deltas are taken.
     *
     * @return {@code baseTimestamp}
     */
    public long baseTimestamp() {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    /**
     * The largest record timestamp, or the log-append time.
     *
     * @return {@code maxTimestamp}
     */
    public long maxTimestamp() {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    /**
     * The producer id.
     *
     * @return {@code producerId}, or {@link RecordBatchDescriptor#NO_PRODUCER_ID}
     */
    public long producerId() {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    /**
     * The producer epoch.
     *
     * @return {@code producerEpoch}, or {@link RecordBatchDescriptor#NO_PRODUCER_EPOCH}
     */
    public short producerEpoch() {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    /**
     * The producer sequence number of the first record.
     *
     * @return {@code baseSequence}, or {@link RecordBatchDescriptor#NO_SEQUENCE}
     */
    public int baseSequence() {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /**
     * The number of records, as stored.
     *
     * @return {@code recordsCount}
     */
    public int recordCount() {
        return buffer.getInt(offset + RECORDS_COUNT_OFFSET);
    }

    /**
     * Stamps the base offset, for example when a producer's batch is assigned its offsets.
     * The field is outside the CRC, which stays valid.
     *
     * @param baseOffset the new base offset
     */
    public void setBaseOffset(long baseOffset) {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
    }

    /**
     * Stamps the leader epoch. The field is outside the CRC, which stays valid.
     *
     * @param epoch the new leader epoch
     */
    public void setPartitionLeaderEpoch(int epoch) {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Computes the CRC-32C of the bytes from {@code attributes} to the end of the batch, without
     * allocating.
     *
     * @return the CRC as an unsigned value
     * @throws InvalidBatchException if the header or the batch does not lie below the limit or
     *                               the length is impossible, so that there is nothing to checksum
     */
    public long computeChecksum() {
        int problem = checkStructure();
        if (problem != VALID) {
            throw failure(problem);
        }
        return crcOf(offset + ATTRIBUTES_OFFSET, offset + sizeInBytes());
    }

    /**
     * Whether the bytes hold a valid batch: a whole header below the buffer's limit, magic 2, a
     * length of at least {@link RecordBatchDescriptor#MIN_BATCH_LENGTH}, the whole batch below the
     * limit, and the stored CRC equal to the computed one. Records are not parsed (see
     * {@link RecordCursor}). Allocates nothing.
     *
     * @return true when valid
     */
    public boolean isValid() {
        return check() == VALID;
    }

    /**
     * Checks what {@link #isValid()} checks and says what failed.
     *
     * @throws InvalidBatchException naming the failed check and the byte index
     */
    public void ensureValid() {
        int problem = check();
        if (problem != VALID) {
            throw failure(problem);
        }
    }

    private int check() {
        int problem = checkStructure();
        if (problem != VALID) {
            return problem;
        }
        return crcOf(offset + ATTRIBUTES_OFFSET, offset + sizeInBytes()) == checksum() ? VALID : BAD_CRC;
    }

    private int checkStructure() {
        if (buffer == null) {
            throw new IllegalStateException("no buffer wrapped");
        }
        if ((long) offset + HEADER_SIZE > buffer.limit()) {
            return HEADER_TRUNCATED;
        }
        if (magic() != MAGIC_V2) {
            return BAD_MAGIC;
        }
        if (batchLength() < MIN_BATCH_LENGTH) {
            return BAD_LENGTH;
        }
        if ((long) offset + LOG_OVERHEAD + batchLength() > buffer.limit()) {
            return BATCH_TRUNCATED;
        }
        return VALID;
    }

    private long crcOf(int from, int to) {
        ByteBuffer bytes = crcBuffer;
        bytes.limit(to);
        bytes.position(from);
        crc.reset();
        crc.update(bytes);
        return crc.getValue();
    }

    private InvalidBatchException failure(int problem) {
        switch (problem) {
            case HEADER_TRUNCATED:
                return new InvalidBatchException("batch header truncated: it needs " + HEADER_SIZE
                        + " bytes but only " + Math.max(0, buffer.limit() - offset)
                        + " remain before the limit " + buffer.limit(), offset);
            case BAD_MAGIC:
                return new InvalidBatchException("batch magic is " + magic() + ", expected " + MAGIC_V2,
                        offset + MAGIC_OFFSET);
            case BAD_LENGTH:
                return new InvalidBatchException("batch length " + batchLength()
                        + " is less than the minimum " + MIN_BATCH_LENGTH, offset + BATCH_LENGTH_OFFSET);
            case BATCH_TRUNCATED:
                return new InvalidBatchException("batch truncated: its length " + batchLength()
                        + " says it ends at " + ((long) offset + LOG_OVERHEAD + batchLength())
                        + " but the limit is " + buffer.limit(), offset + BATCH_LENGTH_OFFSET);
            case BAD_CRC:
                return new InvalidBatchException("batch CRC-32C mismatch: stored 0x"
                        + Long.toHexString(checksum()) + ", computed 0x"
                        + Long.toHexString(crcOf(offset + ATTRIBUTES_OFFSET, offset + sizeInBytes()))
                        + " over bytes [" + (offset + ATTRIBUTES_OFFSET) + ", " + end() + ")",
                        offset + CRC_OFFSET);
            default:
                throw new IllegalStateException("unknown problem " + problem);
        }
    }
}
