package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.DELETE_HORIZON_FLAG_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_PRODUCER_EPOCH;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_PRODUCER_ID;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_SEQUENCE;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_TIMESTAMP;
import static io.runnel.log.core.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK;
import static io.runnel.log.core.record.RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK;

import io.runnel.log.CompressionType;
import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A reusable encoder of one record batch (layout in {@link RecordBatchDescriptor}) into a region
 * of a buffer, with absolute puts only: the target's position and limit are never changed.
 *
 * <pre>{@code
 * writer.begin(buffer, position, capacity, baseOffset, NO_TIMESTAMP);
 * while (more && writer.append(timestamp, key, value, headers)) { ... }
 * int size = writer.finish();   // header and CRC written; 0 if nothing was appended
 * }</pre>
 *
 * <p><b>Uncompressed</b> (the default), records are encoded straight into the target and nothing
 * is allocated. <b>Compressed</b> ({@link #compression}), records are encoded into a scratch array
 * owned by the writer, and {@link #finish()} compresses them as a whole into the target after the
 * 61-byte header, with the codec id in attribute bits 0-2 (framings in {@code docs/FORMAT.md}).
 * The scratch and the codec's output array grow to the largest batch written and are reused, so
 * a compressed batch allocates at most those (and whatever the codec library allocates), never
 * per record. While compressed, {@link #append} accepts records as long as the uncompressed batch
 * stays within {@link #maxUncompressedSize(int)} (by default the capacity, so that falling back to
 * no compression always fits), and never more than {@link #MAX_UNCOMPRESSED_RECORDS} bytes of
 * records, so that {@link RecordCursor} reads every batch written here. When the compressed batch
 * does not fit the capacity, {@link #finish()} returns {@link #DOES_NOT_FIT}, writes nothing and
 * keeps the batch open: call {@code compression(NONE)} and {@code finish()} again to write it
 * uncompressed, or begin again with a larger region or fewer records.
 *
 * <p>Records get consecutive offsets from the base offset. As in Kafka's producer, the batch's
 * base timestamp is the first record's timestamp and each record stores its timestamp as a delta
 * from it; the max timestamp is the largest record timestamp, or the log-append time. Given the
 * same records and fields, the bytes are identical to those of Kafka's {@code MemoryRecordsBuilder}.
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class RecordBatchWriter {
    /** What {@link #finish()} returns when the compressed batch does not fit the capacity. */
    public static final int DOES_NOT_FIT = -1;

    /**
     * The most bytes of records (uncompressed, after the header) a compressed batch may hold:
     * {@link RecordCursor#DECOMPRESSED_SIZE_FLOOR}, the size {@link RecordCursor} always accepts.
     */
    public static final int MAX_UNCOMPRESSED_RECORDS = RecordCursor.DECOMPRESSED_SIZE_FLOOR;

    private static final int INITIAL_SCRATCH = 16 * 1024;

    private final RecordBatchView view = new RecordBatchView();
    private final Predicate<String> classPresent;
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private ByteScratch scratch;
    private ByteScratch compressed;

    private ByteBuffer target;
    private int offset;
    private int end;
    /** Where records are encoded: the target, or the scratch's buffer while compressing. */
    private ByteBuffer records;
    private boolean inScratch;
    private int recordsStart;
    private int position;
    private int recordEnd;
    private int maxUncompressedSize;
    private int finishedSize;
    private boolean open;

    private long baseOffset;
    private long baseTimestamp;
    private long maxTimestamp;
    private int recordCount;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private int partitionLeaderEpoch;
    private boolean transactional;
    private boolean logAppendTime;
    private CompressionType compression = CompressionType.NONE;
    private long logAppendTimestamp;
    /** The offset delta of the next record, or -1 for the next after the last (the default). */
    private int nextOffsetDelta = -1;
    /** The offset delta of the last record written. */
    private int lastWrittenDelta = -1;
    /** A last offset delta past the last record's (compaction keeps a batch's offset range), or -1. */
    private int lastOffsetDeltaOverride = -1;
    /** Whether the base timestamp holds a delete horizon (attribute bit 6). */
    private boolean deleteHorizon;

    /**
     * Creates a writer; {@link #begin} starts a batch.
     */
    public RecordBatchWriter() {
        this(CompressionCodec::classPresent);
    }

    /**
     * Creates a writer that looks codec libraries up with {@code classPresent} (a test seam).
     *
     * @param classPresent whether a class can be loaded
     */
    RecordBatchWriter(Predicate<String> classPresent) {
        this.classPresent = classPresent;
    }

    /**
     * Starts a batch in {@code [offset, offset + capacity)} of {@code target}, with the default
     * header fields: no producer id, epoch or sequence, no leader epoch, not transactional,
     * create time. Any batch in progress is abandoned.
     *
     * @param target        a writable big-endian buffer
     * @param offset        the index of the batch's first byte
     * @param capacity      the most bytes the batch may take, header included
     * @param baseOffset    the offset of the first record
     * @param baseTimestamp the base timestamp of the batch while it has no record; as in Kafka,
     *                      the first appended record's timestamp replaces it, and a batch without
     *                      records is not written, so pass
     *                      {@link RecordBatchDescriptor#NO_TIMESTAMP}
     * @return this writer
     * @throws IllegalArgumentException if the region is not within the target's limit, or the
     *                                  target is read-only or little-endian
     */
    public RecordBatchWriter begin(ByteBuffer target, int offset, int capacity, long baseOffset, long baseTimestamp) {
        Objects.requireNonNull(target, "target");
        if (target.isReadOnly() || target.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("the target must be writable and big-endian");
        }
        if (offset < 0 || capacity < 0 || (long) offset + capacity > target.limit()) {
            throw new IllegalArgumentException("region [" + offset + ", " + ((long) offset + capacity)
                    + ") is not within the target's limit " + target.limit());
        }
        this.target = target;
        this.offset = offset;
        this.end = offset + capacity;
        this.records = target;
        this.inScratch = false;
        this.recordsStart = offset + HEADER_SIZE;
        this.position = recordsStart;
        this.maxUncompressedSize = capacity;
        this.finishedSize = 0;
        this.open = true;
        this.baseOffset = baseOffset;
        this.baseTimestamp = baseTimestamp;
        this.maxTimestamp = NO_TIMESTAMP;
        this.recordCount = 0;
        this.producerId = NO_PRODUCER_ID;
        this.producerEpoch = NO_PRODUCER_EPOCH;
        this.baseSequence = NO_SEQUENCE;
        this.partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
        this.transactional = false;
        this.logAppendTime = false;
        this.logAppendTimestamp = NO_TIMESTAMP;
        this.compression = CompressionType.NONE;
        this.nextOffsetDelta = -1;
        this.lastWrittenDelta = -1;
        this.lastOffsetDeltaOverride = -1;
        this.deleteHorizon = false;
        return this;
    }

    /**
     * Gives the next appended record the offset delta {@code delta} instead of the one after
     * the last record's: compaction rewrites a batch keeping each record's offset.
     *
     * @param delta the delta, above the last record's
     * @return this writer
     * @throws IllegalArgumentException if {@code delta} is not above the last record's
     */
    public RecordBatchWriter offsetDelta(int delta) {
        if (delta <= lastWrittenDelta) {
            throw new IllegalArgumentException("offset delta " + delta + " is not above the last one, " + lastWrittenDelta);
        }
        this.nextOffsetDelta = delta;
        return this;
    }

    /**
     * Stores {@code delta} as the batch's last offset delta, at or past the last record's:
     * compaction keeps the offset range of a batch whose last records it removed.
     *
     * @param delta the last offset delta
     * @return this writer
     */
    public RecordBatchWriter lastOffsetDelta(int delta) {
        this.lastOffsetDeltaOverride = delta;
        return this;
    }

    /**
     * Stores a delete horizon, as Kafka's compaction does: the base timestamp becomes
     * {@code horizonMs} and attribute bit 6 is set; records keep their timestamps as deltas from
     * it. Call before the first record.
     *
     * @param horizonMs when the batch's tombstones may be removed
     * @return this writer
     * @throws IllegalStateException if a record was appended already
     */
    public RecordBatchWriter deleteHorizon(long horizonMs) {
        if (recordCount > 0) {
            throw new IllegalStateException("the delete horizon must be set before the first record");
        }
        this.deleteHorizon = true;
        this.baseTimestamp = horizonMs;
        return this;
    }

    /**
     * Sets the producer id of an idempotent or transactional producer.
     *
     * @param producerId the id, or {@link RecordBatchDescriptor#NO_PRODUCER_ID}
     * @return this writer
     */
    public RecordBatchWriter producerId(long producerId) {
        this.producerId = producerId;
        return this;
    }

    /**
     * Sets the producer epoch.
     *
     * @param producerEpoch the epoch, or {@link RecordBatchDescriptor#NO_PRODUCER_EPOCH}
     * @return this writer
     */
    public RecordBatchWriter producerEpoch(short producerEpoch) {
        this.producerEpoch = producerEpoch;
        return this;
    }

    /**
     * Sets the sequence number of the first record.
     *
     * @param baseSequence the sequence, or {@link RecordBatchDescriptor#NO_SEQUENCE}
     * @return this writer
     */
    public RecordBatchWriter baseSequence(int baseSequence) {
        this.baseSequence = baseSequence;
        return this;
    }

    /**
     * Sets the leader epoch stamped in the batch.
     *
     * @param epoch the epoch, or {@link RecordBatchDescriptor#NO_PARTITION_LEADER_EPOCH}
     * @return this writer
     */
    public RecordBatchWriter partitionLeaderEpoch(int epoch) {
        this.partitionLeaderEpoch = epoch;
        return this;
    }

    /**
     * Marks the batch as part of a transaction, or not.
     *
     * @param transactional the flag
     * @return this writer
     */
    public RecordBatchWriter transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    /**
     * Makes the batch a log-append-time batch: readers see {@code appendTime} as every record's
     * timestamp (it is stored as the max timestamp); the records keep their own timestamps as
     * deltas, as in Kafka.
     *
     * @param appendTime the log-append time in milliseconds
     * @return this writer
     */
    public RecordBatchWriter logAppendTime(long appendTime) {
        this.logAppendTime = true;
        this.logAppendTimestamp = appendTime;
        return this;
    }

    /**
     * Sets the batch's compression codec (Kafka's codec id in the attributes); {@link #begin}
     * resets it to {@link CompressionType#NONE}. Best called right after {@code begin}; it may
     * also be called after records were appended (they are moved to the scratch), in particular
     * {@code compression(NONE)} after {@link #finish()} returned {@link #DOES_NOT_FIT}.
     *
     * @param type the codec
     * @return this writer
     * @throws CodecUnavailableException when the codec's library is not on the class path; the
     *                                   message names the Maven artifact to add
     * @throws IllegalStateException     when records appended uncompressed already exceed
     *                                   {@link #MAX_UNCOMPRESSED_RECORDS}
     */
    public RecordBatchWriter compression(CompressionType type) {
        Objects.requireNonNull(type, "compression");
        if (type != CompressionType.NONE) {
            codec(type);
        }
        this.compression = type;
        if (open) {
            if (type != CompressionType.NONE && !inScratch) {
                moveRecordsToScratch();
            } else if (type == CompressionType.NONE && inScratch && recordCount == 0) {
                records = target;
                inScratch = false;
                recordsStart = offset + HEADER_SIZE;
                position = recordsStart;
            }
        }
        return this;
    }

    /**
     * Sets the most bytes the batch may take uncompressed, header included, while it is
     * compressed: {@link #append} refuses a record beyond it. By default, and after each
     * {@link #begin}, the capacity: then the compressed batch fits the region unless the records
     * do not compress, and the uncompressed fallback always fits. A producer that expects its
     * records to compress may allow more, up to {@code 61 + MAX_UNCOMPRESSED_RECORDS}, and handle
     * {@link #DOES_NOT_FIT}. Ignored by an uncompressed batch, which the capacity bounds.
     *
     * @param bytes the bound, at least the batch's current uncompressed size
     * @return this writer
     * @throws IllegalArgumentException if the bound is below the current size or above the maximum
     */
    public RecordBatchWriter maxUncompressedSize(int bytes) {
        int current = HEADER_SIZE + position - recordsStart;
        if (bytes < current || bytes - HEADER_SIZE > MAX_UNCOMPRESSED_RECORDS) {
            throw new IllegalArgumentException("max uncompressed size " + bytes + " is below the batch's "
                    + current + " bytes or above " + (HEADER_SIZE + MAX_UNCOMPRESSED_RECORDS));
        }
        this.maxUncompressedSize = bytes;
        return this;
    }

    private CompressionCodec codec(CompressionType type) {
        CompressionCodec codec = codecs[type.id()];
        if (codec == null) {
            codec = CompressionCodec.create(type, classPresent);
            codecs[type.id()] = codec;
        }
        return codec;
    }

    /** Moves the records appended so far from the target to the scratch, and encodes there from now on. */
    private void moveRecordsToScratch() {
        int length = position - recordsStart;
        if (length > MAX_UNCOMPRESSED_RECORDS) {
            throw new IllegalStateException("the batch already holds " + length + " bytes of records, more than "
                    + MAX_UNCOMPRESSED_RECORDS + " a compressed batch may hold: choose compression before appending");
        }
        if (scratch == null) {
            scratch = new ByteScratch(Math.max(INITIAL_SCRATCH, length));
        }
        scratch.ensure(length, 0, ByteScratch.MAX_CAPACITY);
        target.get(recordsStart, scratch.array(), 0, length);
        records = scratch.buffer();
        inScratch = true;
        recordsStart = 0;
        position = length;
    }

    /** The index records may not pass. */
    private int recordsLimit() {
        if (!inScratch) {
            return end;
        }
        int allowed = Math.min(maxUncompressedSize - HEADER_SIZE, MAX_UNCOMPRESSED_RECORDS);
        return Math.max(allowed, 0);
    }

    /**
     * Appends a record whose key and value are the bytes from their position to their limit;
     * neither buffer is moved.
     *
     * @param timestamp the record's (create) timestamp, or {@link RecordBatchDescriptor#NO_TIMESTAMP}
     * @param key       the key, or null
     * @param value     the value, or null
     * @param headers   the headers, or null for none
     * @return true when appended; false, with nothing written, when the record does not fit
     * @throws IllegalArgumentException if the timestamp is negative but not {@code NO_TIMESTAMP}
     * @throws IllegalStateException    if no batch is in progress
     */
    public boolean append(long timestamp, ByteBuffer key, ByteBuffer value, Headers headers) {
        int keyLength = key == null ? -1 : key.remaining();
        int valueLength = value == null ? -1 : value.remaining();
        int p = startRecord(timestamp, keyLength, valueLength, headers);
        if (p < 0) {
            return false;
        }
        ByteBuffer out = records;
        if (keyLength > 0) {
            out.put(p, key, key.position(), keyLength);
            p += keyLength;
        }
        p = Varints.writeVarint(out, p, valueLength);
        if (valueLength > 0) {
            out.put(p, value, value.position(), valueLength);
            p += valueLength;
        }
        endRecord(p, timestamp, headers);
        return true;
    }

    /**
     * Appends a record.
     *
     * @param timestamp the record's (create) timestamp, or {@link RecordBatchDescriptor#NO_TIMESTAMP}
     * @param key       the key, or null
     * @param value     the value, or null
     * @param headers   the headers, or null for none
     * @return true when appended; false, with nothing written, when the record does not fit
     * @throws IllegalArgumentException if the timestamp is negative but not {@code NO_TIMESTAMP}
     * @throws IllegalStateException    if no batch is in progress
     */
    public boolean append(long timestamp, byte[] key, byte[] value, Headers headers) {
        return append(timestamp, key, 0, key == null ? 0 : key.length, value, 0, value == null ? 0 : value.length,
                headers);
    }

    /**
     * Appends a record whose key and value are ranges of arrays.
     *
     * @param timestamp the record's (create) timestamp, or {@link RecordBatchDescriptor#NO_TIMESTAMP}
     * @param key       the key array, or null for a null key
     * @param keyOff    the first key byte in {@code key}
     * @param keyLen    the key length
     * @param value     the value array, or null for a null value
     * @param valueOff  the first value byte in {@code value}
     * @param valueLen  the value length
     * @param headers   the headers, or null for none
     * @return true when appended; false, with nothing written, when the record does not fit
     * @throws IllegalArgumentException  if the timestamp is negative but not {@code NO_TIMESTAMP}
     * @throws IndexOutOfBoundsException if a range is not within its array
     * @throws IllegalStateException     if no batch is in progress
     */
    public boolean append(long timestamp, byte[] key, int keyOff, int keyLen, byte[] value, int valueOff,
            int valueLen, Headers headers) {
        int keyLength = -1;
        if (key != null) {
            Objects.checkFromIndexSize(keyOff, keyLen, key.length);
            keyLength = keyLen;
        }
        int valueLength = -1;
        if (value != null) {
            Objects.checkFromIndexSize(valueOff, valueLen, value.length);
            valueLength = valueLen;
        }
        int p = startRecord(timestamp, keyLength, valueLength, headers);
        if (p < 0) {
            return false;
        }
        ByteBuffer out = records;
        if (keyLength > 0) {
            out.put(p, key, keyOff, keyLength);
            p += keyLength;
        }
        p = Varints.writeVarint(out, p, valueLength);
        if (valueLength > 0) {
            out.put(p, value, valueOff, valueLength);
            p += valueLength;
        }
        endRecord(p, timestamp, headers);
        return true;
    }

    /**
     * Checks that the record fits and writes it up to the key length.
     *
     * @return where the key goes, or -1 when the record does not fit
     */
    private int startRecord(long timestamp, int keyLength, int valueLength, Headers headers) {
        if (!open) {
            throw new IllegalStateException("no batch in progress: call begin()");
        }
        if (timestamp < 0 && timestamp != NO_TIMESTAMP) {
            throw new IllegalArgumentException("invalid negative timestamp " + timestamp);
        }
        long base = recordCount == 0 && !deleteHorizon ? timestamp : baseTimestamp;
        long timestampDelta = timestamp - base;
        int offsetDelta = nextOffsetDelta >= 0 ? nextOffsetDelta : lastWrittenDelta + 1;
        long body = bodySize(timestampDelta, offsetDelta, keyLength, valueLength, headers);
        int limit = recordsLimit();
        if (body > limit - position) {
            return -1;
        }
        int size = Varints.sizeOfVarint((int) body) + (int) body;
        if (size > limit - position) {
            return -1;
        }
        if (inScratch && position + size > scratch.capacity()) {
            scratch.ensure(position + size, position, ByteScratch.MAX_CAPACITY);
            records = scratch.buffer();
        }
        baseTimestamp = base;
        recordEnd = position + size;
        ByteBuffer out = records;
        int p = Varints.writeVarint(out, position, (int) body);
        out.put(p++, (byte) 0);
        p = Varints.writeVarlong(out, p, timestampDelta);
        p = Varints.writeVarint(out, p, offsetDelta);
        return Varints.writeVarint(out, p, keyLength);
    }

    /** Writes the headers after the value and accounts for the record. */
    private void endRecord(int valueEnd, long timestamp, Headers headers) {
        int count = headers == null ? 0 : headers.size();
        ByteBuffer out = records;
        int p = Varints.writeVarint(out, valueEnd, count);
        for (int i = 0; i < count; i++) {
            Header header = headers.get(i);
            p = Varints.writeVarint(out, p, Utf8.encodedLength(header.key()));
            p = Utf8.encode(header.key(), out, p);
            byte[] value = header.value();
            if (value == null) {
                p = Varints.writeVarint(out, p, -1);
            } else {
                p = Varints.writeVarint(out, p, value.length);
                out.put(p, value);
                p += value.length;
            }
        }
        if (p != recordEnd) {
            // Only if an input changed between sizing and writing (another thread?).
            open = false;
            throw new IllegalStateException("record ended at " + p + ", expected " + recordEnd
                    + "; was a key, value or header modified concurrently?");
        }
        position = p;
        recordCount++;
        lastWrittenDelta = nextOffsetDelta >= 0 ? nextOffsetDelta : lastWrittenDelta + 1;
        nextOffsetDelta = -1;
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
    }

    /**
     * Completes the batch: compresses the records if a codec is set, then writes the header (base
     * offset, length, magic 2, attributes, last offset delta, timestamps, producer fields, record
     * count) and the CRC.
     *
     * @return the size of the batch in bytes; 0 (nothing written) when no record was appended; or
     *         {@link #DOES_NOT_FIT} when the compressed batch (or the uncompressed one, after a
     *         switch to {@code NONE}) exceeds the capacity, with nothing written and the batch
     *         still in progress
     * @throws IllegalStateException if no batch is in progress
     */
    public int finish() {
        if (!open) {
            throw new IllegalStateException("no batch in progress: call begin()");
        }
        if (recordCount == 0) {
            open = false;
            return 0;
        }
        int size;
        if (!inScratch) {
            size = position - offset;
        } else {
            byte[] bytes = scratch.array();
            int length = position;
            if (compression != CompressionType.NONE) {
                if (compressed == null) {
                    compressed = new ByteScratch(Math.max(INITIAL_SCRATCH, length / 2));
                }
                length = codec(compression).compress(bytes, length, compressed);
                bytes = compressed.array();
            }
            if (length > end - offset - HEADER_SIZE) {
                return DOES_NOT_FIT;
            }
            target.put(offset + HEADER_SIZE, bytes, 0, length);
            size = HEADER_SIZE + length;
        }
        open = false;
        finishedSize = size;
        int attributes = compression.id() | (logAppendTime ? TIMESTAMP_TYPE_MASK : 0)
                | (transactional ? TRANSACTIONAL_FLAG_MASK : 0) | (deleteHorizon ? DELETE_HORIZON_FLAG_MASK : 0);
        target.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
        target.putInt(offset + BATCH_LENGTH_OFFSET, size - LOG_OVERHEAD);
        target.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        target.put(offset + MAGIC_OFFSET, MAGIC_V2);
        target.putShort(offset + ATTRIBUTES_OFFSET, (short) attributes);
        target.putInt(offset + LAST_OFFSET_DELTA_OFFSET, Math.max(lastWrittenDelta, lastOffsetDeltaOverride));
        target.putLong(offset + BASE_TIMESTAMP_OFFSET, baseTimestamp);
        target.putLong(offset + MAX_TIMESTAMP_OFFSET, logAppendTime ? logAppendTimestamp : maxTimestamp);
        target.putLong(offset + PRODUCER_ID_OFFSET, producerId);
        target.putShort(offset + PRODUCER_EPOCH_OFFSET, producerEpoch);
        target.putInt(offset + BASE_SEQUENCE_OFFSET, baseSequence);
        target.putInt(offset + RECORDS_COUNT_OFFSET, recordCount);
        target.putInt(offset + CRC_OFFSET, (int) view.wrap(target, offset).computeChecksum());
        return size;
    }

    /**
     * The number of records appended to the current (or last finished) batch.
     *
     * @return the count
     */
    public int recordCount() {
        return recordCount;
    }

    /**
     * The size of the batch: while it is in progress, its size without compression (header and
     * records; what {@link #finish()} returns for an uncompressed batch); after {@link #finish()},
     * the size it returned. 0 while there are no records.
     *
     * @return the size in bytes
     */
    public int sizeInBytes() {
        if (recordCount == 0) {
            return 0;
        }
        return open || finishedSize == 0 ? HEADER_SIZE + position - recordsStart : finishedSize;
    }

    /**
     * The bytes still free for records: in the region, or, while compressing, within the
     * uncompressed bound ({@link #maxUncompressedSize(int)}).
     *
     * @return the remaining capacity
     */
    public int remaining() {
        return recordsLimit() - position;
    }

    /**
     * The size of a record as stored in a batch, its length prefix included.
     *
     * @param timestampDelta its timestamp minus the batch's base timestamp
     * @param offsetDelta    its offset minus the batch's base offset
     * @param keyLength      the key length, or -1 for a null key
     * @param valueLength    the value length, or -1 for a null value
     * @param headers        the headers, or null for none
     * @return the size in bytes
     * @throws IllegalArgumentException if a length is below -1 or the record exceeds 2 GiB
     */
    public static int sizeOfRecord(long timestampDelta, int offsetDelta, int keyLength, int valueLength,
            Headers headers) {
        long body = bodySize(timestampDelta, offsetDelta, keyLength, valueLength, headers);
        if (body > Integer.MAX_VALUE - Varints.MAX_VARINT_SIZE) {
            throw new IllegalArgumentException("a record of " + body + " bytes is too large");
        }
        return Varints.sizeOfVarint((int) body) + (int) body;
    }

    /**
     * The size of a batch holding one record with these lengths: the capacity that
     * {@link #begin} needs for {@link #append} of that record to succeed.
     *
     * @param keyLength   the key length, or -1 for a null key
     * @param valueLength the value length, or -1 for a null value
     * @param headers     the headers, or null for none
     * @return the size in bytes
     * @throws IllegalArgumentException if a length is below -1 or the batch exceeds 2 GiB
     */
    public static int maxBatchSizeFor(int keyLength, int valueLength, Headers headers) {
        // The first record of a batch has timestamp delta 0 and offset delta 0.
        int record = sizeOfRecord(0, 0, keyLength, valueLength, headers);
        if (record > Integer.MAX_VALUE - HEADER_SIZE) {
            throw new IllegalArgumentException("a batch of " + ((long) record + HEADER_SIZE) + " bytes is too large");
        }
        return HEADER_SIZE + record;
    }

    /**
     * Writes at {@code at} the header of {@code original} as a batch without records, as Kafka's
     * compaction keeps an emptied batch to preserve the offset range of a segment: same base and
     * last offset, producer fields, leader epoch and timestamp type; no compression; base and max
     * timestamp the original's max timestamp; a new CRC.
     *
     * @param target   a writable big-endian buffer with {@link RecordBatchDescriptor#HEADER_SIZE}
     *                 bytes free at {@code at}
     * @param at       where the batch goes
     * @param original the batch to empty
     * @return the size written, {@link RecordBatchDescriptor#HEADER_SIZE}
     */
    public static int writeEmptyBatch(ByteBuffer target, int at, RecordBatchView original) {
        target.put(at, original.buffer(), original.offset(), HEADER_SIZE);
        int attributes = original.attributes() & ~(COMPRESSION_CODEC_MASK_BITS | DELETE_HORIZON_FLAG_MASK);
        target.putInt(at + BATCH_LENGTH_OFFSET, HEADER_SIZE - LOG_OVERHEAD);
        target.putShort(at + ATTRIBUTES_OFFSET, (short) attributes);
        target.putLong(at + BASE_TIMESTAMP_OFFSET, original.maxTimestamp());
        target.putLong(at + MAX_TIMESTAMP_OFFSET, original.maxTimestamp());
        target.putInt(at + RECORDS_COUNT_OFFSET, 0);
        RecordBatchView v = new RecordBatchView().wrap(target, at);
        target.putInt(at + CRC_OFFSET, (int) v.computeChecksum());
        return HEADER_SIZE;
    }

    /** The compression bits of the attributes. */
    private static final int COMPRESSION_CODEC_MASK_BITS = RecordBatchDescriptor.COMPRESSION_CODEC_MASK;

    /**
     * Encodes a batch of one record into a new heap buffer. Allocates; for tests and cold paths.
     *
     * @param baseOffset the record's offset
     * @param timestamp  the record's timestamp
     * @param key        the key, or null
     * @param value      the value, or null
     * @param headers    the headers, or null for none
     * @return a buffer holding exactly the batch, from position 0 to its limit
     */
    public static ByteBuffer encode(long baseOffset, long timestamp, byte[] key, byte[] value, Headers headers) {
        int size = maxBatchSizeFor(key == null ? -1 : key.length, value == null ? -1 : value.length, headers);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 0, size, baseOffset, timestamp);
        if (!writer.append(timestamp, key, value, headers)) {
            throw new IllegalStateException("a record did not fit in the size computed for it");
        }
        buffer.limit(writer.finish());
        return buffer;
    }

    private static long bodySize(long timestampDelta, int offsetDelta, int keyLength, int valueLength,
            Headers headers) {
        if (keyLength < -1 || valueLength < -1) {
            throw new IllegalArgumentException("key length " + keyLength + " or value length " + valueLength
                    + " is below -1 (null)");
        }
        long size = 1L // attributes
                + Varints.sizeOfVarlong(timestampDelta)
                + Varints.sizeOfVarint(offsetDelta)
                + Varints.sizeOfVarint(keyLength) + (long) Math.max(0, keyLength)
                + Varints.sizeOfVarint(valueLength) + (long) Math.max(0, valueLength);
        int count = headers == null ? 0 : headers.size();
        size += Varints.sizeOfVarint(count);
        for (int i = 0; i < count; i++) {
            Header header = headers.get(i);
            int keyBytes = Utf8.encodedLength(header.key());
            byte[] value = header.value();
            size += Varints.sizeOfVarint(keyBytes) + (long) keyBytes
                    + (value == null ? 1L : Varints.sizeOfVarint(value.length) + (long) value.length);
        }
        return size;
    }
}
