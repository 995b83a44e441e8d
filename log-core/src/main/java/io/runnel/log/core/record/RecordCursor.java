package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_RECORD_BODY_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_COMPRESSION;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_OFFSET;

import io.runnel.log.CompressionType;
import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A reusable, allocation-free iterator over the records of one batch. {@link #reset} it on a
 * {@link RecordBatchView}, then call {@link #next()} until it returns false; after each
 * {@code true} the getters describe the current record. Keys, values and header fields are
 * exposed as index and length into {@link #buffer()} so that they can be read in place; the
 * copying conveniences {@link #key()}, {@link #value()} and {@link #headers()} allocate.
 *
 * <p>The structure is validated as it is read: the batch header and the whole batch below the
 * buffer's limit, each record's length equal to the bytes of its fields, offset deltas strictly
 * increasing and at most the batch's {@code lastOffsetDelta}, the record count matched, and no
 * byte left over at the end. Anything else is an {@link InvalidBatchException}; the cursor never
 * lets an {@link IndexOutOfBoundsException} out. The CRC is not checked here: that is
 * {@link RecordBatchView#isValid()}.
 *
 * <p><b>Compressed batches</b> (codecs 1 gzip, 2 snappy, 3 lz4, 4 zstd; see
 * {@link CompressionCodec}) are decompressed once, by {@link #reset}, into a scratch array owned
 * by the cursor, and {@link #buffer()} is then that array: every index the getters return refers
 * to it. The scratch grows to the largest batch read and is reused, so a compressed batch
 * allocates at most that (plus a copy of the compressed bytes when they are not in a heap array,
 * and whatever the codec library allocates), never per record; an uncompressed batch allocates
 * nothing. Decompression is bounded by {@link #maxDecompressedSize(int)}: a batch that claims or
 * produces more is an {@link InvalidBatchException} (a zip-bomb guard), and so is a payload the
 * codec finds malformed. An error in the decompressed records is reported at the index of the
 * compressed payload in the batch's buffer, with the index within the records in the message. A
 * codec whose library is missing throws {@link CodecUnavailableException}.
 *
 * <p>Not thread-safe: one cursor per thread.
 */
public final class RecordCursor {
    /**
     * Decompressed records up to this size (64 MiB) are always accepted, whatever the
     * compression ratio; {@link RecordBatchWriter} never writes more into a compressed batch.
     */
    public static final int DECOMPRESSED_SIZE_FLOOR = 64 << 20;
    /** Above {@link #DECOMPRESSED_SIZE_FLOOR}, records may be at most this many times their compressed size. */
    public static final int MAX_COMPRESSION_RATIO = 256;

    /** Ints per header in {@link #headerFields}: key index, key length, value index, value length. */
    private static final int HEADER_FIELDS = 4;
    private static final int INITIAL_SCRATCH = 16 * 1024;

    private final VarintReader reader = new VarintReader();
    private int[] headerFields = new int[HEADER_FIELDS * 8];

    private final Predicate<String> classPresent;
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private ByteScratch decompressed;
    private ByteScratch input;
    /** Where the compressed payload starts in the batch's buffer; -1 for an uncompressed batch. */
    private int payloadIndex = -1;
    private int decompressedSizeFloor = DECOMPRESSED_SIZE_FLOOR;

    private long baseOffset;
    private long baseTimestamp;
    private long maxTimestamp;
    private boolean logAppendTime;
    private int lastOffsetDelta;
    private int recordCount;
    private int recordsEnd;
    private int recordsRead;
    private boolean done = true;

    private int previousOffsetDelta;
    private int offsetDelta;
    private long timestampDelta;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int headerCount;

    /**
     * Creates a cursor positioned on no batch.
     */
    public RecordCursor() {
        this(CompressionCodec::classPresent);
    }

    /**
     * Creates a cursor that looks codec libraries up with {@code classPresent} (a test seam).
     *
     * @param classPresent whether a class can be loaded
     */
    RecordCursor(Predicate<String> classPresent) {
        this.classPresent = classPresent;
    }

    /**
     * The most bytes the records of a compressed batch may decompress to:
     * {@code max(DECOMPRESSED_SIZE_FLOOR, MAX_COMPRESSION_RATIO * compressedSize)}, capped at the
     * largest array.
     *
     * @param compressedSize the compressed payload's size in bytes
     * @return the limit in bytes
     */
    public static int maxDecompressedSize(int compressedSize) {
        return maxDecompressedSize(DECOMPRESSED_SIZE_FLOOR, compressedSize);
    }

    private static int maxDecompressedSize(int floor, int compressedSize) {
        return (int) Math.min(ByteScratch.MAX_CAPACITY, Math.max(floor, (long) MAX_COMPRESSION_RATIO * compressedSize));
    }

    /**
     * Lowers {@link #DECOMPRESSED_SIZE_FLOOR} for this cursor (a test seam: zip bombs of a few MiB).
     *
     * @param floor the decompressed size always accepted
     */
    void decompressedSizeFloor(int floor) {
        this.decompressedSizeFloor = floor;
    }

    /**
     * Positions this cursor before the first record of {@code batch}, checking the header's
     * structure (not the CRC).
     *
     * @param batch a view wrapping the batch; it is read now and not kept
     * @return this cursor
     * @throws InvalidBatchException     if the header is truncated, the magic is not 2, the length
     *                                   or record count is impossible, the batch runs past the
     *                                   buffer's limit, or the batch is compressed with an unknown
     *                                   codec, malformed, or beyond {@link #maxDecompressedSize}
     * @throws CodecUnavailableException if the batch's codec library is not on the class path
     */
    public RecordCursor reset(RecordBatchView batch) {
        done = true;
        ByteBuffer buffer = batch.buffer();
        if (buffer == null) {
            throw new IllegalStateException("the view wraps no buffer");
        }
        int offset = batch.offset();
        if ((long) offset + HEADER_SIZE > buffer.limit()) {
            throw new InvalidBatchException("batch header truncated: it needs " + HEADER_SIZE
                    + " bytes before the limit " + buffer.limit(), offset);
        }
        if (batch.magic() != MAGIC_V2) {
            throw new InvalidBatchException("batch magic is " + batch.magic() + ", expected " + MAGIC_V2,
                    offset + MAGIC_OFFSET);
        }
        int batchLength = batch.batchLength();
        if (batchLength < MIN_BATCH_LENGTH || (long) offset + LOG_OVERHEAD + batchLength > buffer.limit()) {
            throw new InvalidBatchException("batch length " + batchLength + " is below " + MIN_BATCH_LENGTH
                    + " or runs past the limit " + buffer.limit(), offset + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        }
        int count = batch.recordCount();
        // Compressed records are checked against their decompressed size in openRecords.
        int bound = batch.compressionCodec() == NO_COMPRESSION
                ? (batchLength - MIN_BATCH_LENGTH) / (MIN_RECORD_BODY_SIZE + 1) : Integer.MAX_VALUE;
        if (count < 0 || count > bound) {
            throw new InvalidBatchException("record count " + count + " is impossible in a batch of length "
                    + batchLength, offset + RECORDS_COUNT_OFFSET);
        }
        baseOffset = batch.baseOffset();
        baseTimestamp = batch.baseTimestamp();
        maxTimestamp = batch.maxTimestamp();
        logAppendTime = batch.isLogAppendTime();
        lastOffsetDelta = batch.lastOffsetDelta();
        recordCount = count;
        openRecords(batch, offset + RECORDS_OFFSET, offset + LOG_OVERHEAD + batchLength);
        recordsRead = 0;
        previousOffsetDelta = -1;
        done = false;
        return this;
    }

    /**
     * Points the reader at the records of the batch: in place for an uncompressed batch, or in
     * the scratch after decompressing a compressed one.
     */
    private void openRecords(RecordBatchView batch, int recordsStart, int batchEnd) {
        int codec = batch.compressionCodec();
        if (codec == NO_COMPRESSION) {
            payloadIndex = -1;
            reader.wrap(batch.buffer(), recordsStart, batchEnd);
            recordsEnd = batchEnd;
            return;
        }
        if (codec >= codecs.length) {
            throw new InvalidBatchException("unknown compression codec " + codec,
                    batch.offset() + RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        }
        if (decompressed == null) {
            decompressed = new ByteScratch(INITIAL_SCRATCH);
        }
        int length = batchEnd - recordsStart;
        int size = 0;
        if (length > 0) {
            ByteBuffer source = batch.buffer();
            byte[] src;
            int from;
            if (source.hasArray() && !source.isReadOnly()) {
                src = source.array();
                from = source.arrayOffset() + recordsStart;
            } else {
                if (input == null) {
                    input = new ByteScratch(Math.max(INITIAL_SCRATCH, length));
                }
                src = input.ensure(length, 0, ByteScratch.MAX_CAPACITY);
                source.get(recordsStart, src, 0, length);
                from = 0;
            }
            CompressionCodec c = codecs[codec];
            if (c == null) {
                c = CompressionCodec.create(CompressionType.forId(codec), classPresent);
                codecs[codec] = c;
            }
            size = c.decompress(src, from, length, decompressed,
                    maxDecompressedSize(decompressedSizeFloor, length), recordsStart);
        }
        if (recordCount > size / (MIN_RECORD_BODY_SIZE + 1)) {
            throw new InvalidBatchException("record count " + recordCount + " is impossible in "
                    + size + " bytes of decompressed records", batch.offset() + RECORDS_COUNT_OFFSET);
        }
        payloadIndex = recordsStart;
        reader.wrap(decompressed.buffer(), 0, size);
        recordsEnd = size;
    }

    /**
     * Moves to the next record.
     *
     * @return true when there is one; false at the end of the batch (and from then on)
     * @throws InvalidBatchException if the record is malformed, or the batch ends before its
     *                               record count is reached or holds bytes after it
     */
    public boolean next() {
        if (done) {
            return false;
        }
        if (recordsRead == recordCount) {
            done = true;
            if (reader.index() != recordsEnd) {
                InvalidBatchException e = new InvalidBatchException((recordsEnd - reader.index())
                        + " bytes follow the last of " + recordCount + " records", reader.index());
                throw payloadIndex < 0 ? e : relocate(e);
            }
            return false;
        }
        try {
            readRecord();
        } catch (InvalidBatchException e) {
            done = true;
            throw payloadIndex < 0 ? e : relocate(e);
        }
        recordsRead++;
        return true;
    }

    /** An error in decompressed records, reported at the compressed payload in the batch's buffer. */
    private InvalidBatchException relocate(InvalidBatchException e) {
        return new InvalidBatchException(e.detail() + " (at index " + e.index() + " of the decompressed records)",
                payloadIndex);
    }

    private static final int SLOW = VarintReader.NOT_DECODED;

    private void readRecord() {
        int start = reader.index();
        if (start < recordsEnd && readRecordFast(reader, start)) {
            return;
        }
        readRecordChecked();
    }

    /**
     * Decodes a well-formed record with its position in a local variable: the byte-by-byte
     * {@link VarintReader} keeps it in a field, and its stores and reloads made each record a long
     * chain of dependent memory accesses. Anything unusual (headers, a bound crossed, a varint too
     * long, a delta out of order) returns false with nothing changed, and {@link #readRecordChecked}
     * decodes the record again and says what is wrong.
     */
    private boolean readRecordFast(VarintReader in, int start) {
        long r = in.varintAt(start, recordsEnd);
        int i = (int) r;
        if (i == SLOW) {
            return false;
        }
        int length = (int) (r >> 32);
        if (length < MIN_RECORD_BODY_SIZE || length > recordsEnd - i) {
            return false;
        }
        int bodyEnd = i + length;
        i++; // attributes, unused in v2 records; the body holds at least 6 bytes
        i = in.varlongAt(i, bodyEnd);
        if (i == SLOW) {
            return false;
        }
        long tsDelta = in.decodedLong();
        r = in.varintAt(i, bodyEnd);
        i = (int) r;
        int delta = (int) (r >> 32);
        if (i == SLOW || delta <= previousOffsetDelta || delta > lastOffsetDelta) {
            return false;
        }
        long key = lengthAt(in, i, bodyEnd);
        int kOffset = (int) key;
        if (kOffset == SLOW) {
            return false;
        }
        int kLength = (int) (key >> 32);
        long value = lengthAt(in, kOffset + Math.max(kLength, 0), bodyEnd);
        int vOffset = (int) value;
        if (vOffset == SLOW) {
            return false;
        }
        int vLength = (int) (value >> 32);
        i = vOffset + Math.max(vLength, 0);
        // No headers: their count is the last byte, 0.
        if (i != bodyEnd - 1 || in.buffer().get(i) != 0) {
            return false;
        }
        timestampDelta = tsDelta;
        offsetDelta = delta;
        previousOffsetDelta = delta;
        keyLength = kLength;
        keyOffset = kOffset;
        valueLength = vLength;
        valueOffset = vOffset;
        headerCount = 0;
        in.skip("record", bodyEnd - start);
        return true;
    }

    /**
     * A key or value length at {@code i} (-1 for null) whose bytes fit below {@code limit}:
     * {@code length << 32 | index of the bytes}, or {@link #SLOW} in the low half.
     */
    private static long lengthAt(VarintReader in, int i, int limit) {
        long r = in.varintAt(i, limit);
        int next = (int) r;
        int length = (int) (r >> 32);
        return next == SLOW || length < -1 || length > limit - next ? SLOW & 0xFFFFFFFFL : r;
    }

    private void readRecordChecked() {
        int start = reader.index();
        if (start >= recordsEnd) {
            throw new InvalidBatchException("the batch ends after " + recordsRead + " of " + recordCount
                    + " records", start);
        }
        int length = reader.readVarint("record length");
        int bodyStart = reader.index();
        if (length < MIN_RECORD_BODY_SIZE || length > recordsEnd - bodyStart) {
            throw new InvalidBatchException("record length " + length + " is below " + MIN_RECORD_BODY_SIZE
                    + " or runs past the batch end " + recordsEnd, start);
        }
        int bodyEnd = bodyStart + length;
        reader.limit(bodyEnd);
        reader.readByte("record attributes");
        timestampDelta = reader.readVarlong("timestamp delta");
        int deltaIndex = reader.index();
        offsetDelta = reader.readVarint("offset delta");
        if (offsetDelta <= previousOffsetDelta || offsetDelta > lastOffsetDelta) {
            throw new InvalidBatchException("offset delta " + offsetDelta + " is not above the previous "
                    + previousOffsetDelta + " or exceeds the batch's last offset delta " + lastOffsetDelta,
                    deltaIndex);
        }
        previousOffsetDelta = offsetDelta;
        keyLength = readLength("key length");
        keyOffset = reader.index();
        if (keyLength > 0) {
            reader.skip("key", keyLength);
        }
        valueLength = readLength("value length");
        valueOffset = reader.index();
        if (valueLength > 0) {
            reader.skip("value", valueLength);
        }
        readHeaders();
        if (reader.index() != bodyEnd) {
            throw new InvalidBatchException("record length " + length + " does not match its fields, which end "
                    + (reader.index() - bodyEnd) + " bytes away from it", reader.index());
        }
        reader.limit(recordsEnd);
    }

    private int readLength(String field) {
        int index = reader.index();
        int length = reader.readVarint(field);
        if (length < -1) {
            throw new InvalidBatchException(field + " " + length + " is below -1 (null)", index);
        }
        return length;
    }

    private void readHeaders() {
        int index = reader.index();
        int count = reader.readVarint("header count");
        // Each header takes at least two bytes; a count beyond that is garbage, not an array size.
        if (count < 0 || count > reader.remaining() / 2) {
            throw new InvalidBatchException("header count " + count + " is impossible in the "
                    + reader.remaining() + " bytes left in the record", index);
        }
        if (count * HEADER_FIELDS > headerFields.length) {
            headerFields = Arrays.copyOf(headerFields, Math.max(count * HEADER_FIELDS, headerFields.length * 2));
        }
        int[] fields = headerFields;
        for (int i = 0, f = 0; i < count; i++, f += HEADER_FIELDS) {
            int keyIndex = reader.index();
            int headerKeyLength = reader.readVarint("header key length");
            if (headerKeyLength < 0) {
                throw new InvalidBatchException("header key length " + headerKeyLength + " is negative", keyIndex);
            }
            fields[f] = reader.index();
            fields[f + 1] = headerKeyLength;
            reader.skip("header key", headerKeyLength);
            int valueIndex = reader.index();
            int headerValueLength = reader.readVarint("header value length");
            if (headerValueLength < -1) {
                throw new InvalidBatchException("header value length " + headerValueLength + " is below -1 (null)",
                        valueIndex);
            }
            fields[f + 2] = reader.index();
            fields[f + 3] = headerValueLength;
            if (headerValueLength > 0) {
                reader.skip("header value", headerValueLength);
            }
        }
        headerCount = count;
    }

    /**
     * The buffer that the key, value and header indexes refer to: the batch's own buffer for an
     * uncompressed batch, the cursor's scratch of decompressed records for a compressed one (valid
     * until the next {@link #reset}).
     *
     * @return the buffer
     */
    public ByteBuffer buffer() {
        return reader.buffer();
    }

    /**
     * The current record's offset.
     *
     * @return {@code baseOffset + offsetDelta}
     */
    public long offset() {
        return baseOffset + offsetDelta;
    }

    /**
     * The current record's offset delta from the batch's base offset.
     *
     * @return {@code offsetDelta}
     */
    public int offsetDelta() {
        return offsetDelta;
    }

    /**
     * The current record's timestamp: the batch's max timestamp when the batch carries the
     * log-append time (as Kafka reads it), else the base timestamp plus the record's delta.
     *
     * @return the timestamp
     */
    public long timestamp() {
        return logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    }

    /**
     * The index of the current record's key in {@link #buffer()}.
     *
     * @return the index (meaningless when the key is null)
     */
    public int keyOffset() {
        return keyOffset;
    }

    /**
     * The length of the current record's key.
     *
     * @return the length, or -1 for a null key
     */
    public int keyLength() {
        return keyLength;
    }

    /**
     * The index of the current record's value in {@link #buffer()}.
     *
     * @return the index (meaningless when the value is null)
     */
    public int valueOffset() {
        return valueOffset;
    }

    /**
     * The length of the current record's value.
     *
     * @return the length, or -1 for a null value
     */
    public int valueLength() {
        return valueLength;
    }

    /**
     * The number of headers of the current record.
     *
     * @return the count
     */
    public int headerCount() {
        return headerCount;
    }

    /**
     * The index of a header key's UTF-8 bytes in {@link #buffer()}.
     *
     * @param i the header, from 0 to {@code headerCount() - 1}
     * @return the index
     */
    public int headerKeyOffset(int i) {
        return headerFields[field(i)];
    }

    /**
     * The length of a header key's UTF-8 bytes.
     *
     * @param i the header, from 0 to {@code headerCount() - 1}
     * @return the length
     */
    public int headerKeyLength(int i) {
        return headerFields[field(i) + 1];
    }

    /**
     * The index of a header value in {@link #buffer()}.
     *
     * @param i the header, from 0 to {@code headerCount() - 1}
     * @return the index (meaningless when the value is null)
     */
    public int headerValueOffset(int i) {
        return headerFields[field(i) + 2];
    }

    /**
     * The length of a header value.
     *
     * @param i the header, from 0 to {@code headerCount() - 1}
     * @return the length, or -1 for a null value
     */
    public int headerValueLength(int i) {
        return headerFields[field(i) + 3];
    }

    private int field(int i) {
        if (i < 0 || i >= headerCount) {
            throw new IndexOutOfBoundsException("header " + i + " of " + headerCount);
        }
        return i * HEADER_FIELDS;
    }

    /**
     * A copy of the current record's key. Allocates.
     *
     * @return the key, or null
     */
    public byte[] key() {
        return copy(keyOffset, keyLength);
    }

    /**
     * A copy of the current record's value. Allocates.
     *
     * @return the value, or null
     */
    public byte[] value() {
        return copy(valueOffset, valueLength);
    }

    /**
     * The current record's headers, decoded and copied. Allocates (nothing when there are none).
     *
     * @return the headers, {@link Headers#empty()} when there are none
     */
    public Headers headers() {
        if (headerCount == 0) {
            return Headers.empty();
        }
        Header[] headers = new Header[headerCount];
        for (int i = 0; i < headerCount; i++) {
            byte[] key = copy(headerKeyOffset(i), headerKeyLength(i));
            headers[i] = new Header(new String(key, StandardCharsets.UTF_8),
                    copy(headerValueOffset(i), headerValueLength(i)));
        }
        return Headers.of(headers);
    }

    private byte[] copy(int index, int length) {
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        reader.buffer().get(index, bytes);
        return bytes;
    }
}
