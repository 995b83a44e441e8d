package io.runnel.log.core.record;

import java.nio.ByteBuffer;

/**
 * A reusable, allocation-free cursor that reads zig-zag varints (see {@link Varints}), bytes and
 * byte ranges from a region {@code [index, limit)} of a buffer with absolute gets, checking every
 * read against the limit. Anything that does not fit, or a varint longer than 5 bytes (a varlong
 * longer than 10), is an {@link InvalidBatchException} naming the field and the byte index, never
 * an {@link IndexOutOfBoundsException}.
 *
 * <p>Like Kafka's reader it accepts over-long encodings (such as {@code 0x80 0x00} for 0) and
 * ignores bits shifted beyond the width of the value in the last byte.
 *
 * <p>Not thread-safe: one instance per reading thread. The wrapped buffer's position and limit
 * are never changed.
 */
public final class VarintReader {
    private ByteBuffer buffer;
    private int index;
    private int limit;
    private long decodedLong;

    /**
     * Creates a reader that wraps nothing yet.
     */
    public VarintReader() {
    }

    /**
     * Points this reader at {@code [index, limit)} of {@code buffer}.
     *
     * @param buffer the buffer to read
     * @param index  the first byte to read
     * @param limit  the index reads must stay below; at most {@code buffer.limit()}
     * @return this reader
     * @throws IllegalArgumentException if the region is not within the buffer's limit
     */
    public VarintReader wrap(ByteBuffer buffer, int index, int limit) {
        if (index < 0 || index > limit || limit > buffer.limit()) {
            throw new IllegalArgumentException("region [" + index + ", " + limit
                    + ") is not within the buffer limit " + buffer.limit());
        }
        this.buffer = buffer;
        this.index = index;
        this.limit = limit;
        return this;
    }

    /**
     * The wrapped buffer.
     *
     * @return the buffer, or null before the first {@link #wrap}
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The index of the next byte to read.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * The index reads must stay below.
     *
     * @return the limit
     */
    public int limit() {
        return limit;
    }

    /**
     * Narrows or widens the region reads must stay in, for example to one record.
     *
     * @param limit the new limit, from {@link #index()} to the buffer's limit
     * @throws IllegalArgumentException if it is outside that range
     */
    public void limit(int limit) {
        if (limit < index || limit > buffer.limit()) {
            throw new IllegalArgumentException("limit " + limit + " is outside [" + index + ", "
                    + buffer.limit() + "]");
        }
        this.limit = limit;
    }

    /**
     * Bytes left before the limit.
     *
     * @return {@code limit() - index()}
     */
    public int remaining() {
        return limit - index;
    }

    /**
     * Reads one byte.
     *
     * @param field what the byte is, for the error message
     * @return the byte
     * @throws InvalidBatchException if no byte is left before the limit
     */
    public byte readByte(String field) {
        if (index >= limit) {
            throw new InvalidBatchException(field + ": no byte left before the limit " + limit, index);
        }
        return buffer.get(index++);
    }

    /**
     * Reads a zig-zag varint.
     *
     * @param field what the value is, for the error message
     * @return the value
     * @throws InvalidBatchException if it runs past the limit or is longer than 5 bytes
     */
    public int readVarint(String field) {
        long r = varintAt(index, limit);
        int next = (int) r;
        if (next == NOT_DECODED) {
            throw undecoded(field, "varint", Varints.MAX_VARINT_SIZE);
        }
        index = next;
        return (int) (r >> 32);
    }

    /**
     * Reads a zig-zag varlong.
     *
     * @param field what the value is, for the error message
     * @return the value
     * @throws InvalidBatchException if it runs past the limit or is longer than 10 bytes
     */
    public long readVarlong(String field) {
        int next = varlongAt(index, limit);
        if (next == NOT_DECODED) {
            throw undecoded(field, "varlong", Varints.MAX_VARLONG_SIZE);
        }
        index = next;
        return decodedLong;
    }

    /** What {@link #varintAt} and {@link #varlongAt} return, in the low half, for a value they cannot decode. */
    public static final int NOT_DECODED = -1;

    /**
     * Decodes a zig-zag varint at {@code i}, leaving this reader's own position alone: a caller
     * that keeps its position in a local variable decodes without a store and reload of a field
     * per value (the record cursor's fast path).
     *
     * @param i     where it starts
     * @param limit the first index it may not use
     * @return {@code value << 32 | the index after it}, or {@link #NOT_DECODED} in the low half
     *         when it runs past {@code limit} or is longer than 5 bytes
     */
    public long varintAt(int i, int limit) {
        ByteBuffer b = buffer;
        int raw = 0;
        for (int shift = 0; shift < 7 * Varints.MAX_VARINT_SIZE; shift += 7) {
            if (i >= limit) {
                return NOT_DECODED & 0xFFFFFFFFL;
            }
            byte x = b.get(i++);
            raw |= (x & 0x7F) << shift;
            if (x >= 0) {
                return ((long) ((raw >>> 1) ^ -(raw & 1)) << 32) | i;
            }
        }
        return NOT_DECODED & 0xFFFFFFFFL;
    }

    /**
     * Decodes a zig-zag varlong at {@code i} into {@link #decodedLong()}, leaving this reader's own
     * position alone (see {@link #varintAt}).
     *
     * @param i     where it starts
     * @param limit the first index it may not use
     * @return the index after it, or {@link #NOT_DECODED} when it runs past {@code limit} or is
     *         longer than 10 bytes
     */
    public int varlongAt(int i, int limit) {
        ByteBuffer b = buffer;
        long raw = 0;
        for (int shift = 0; shift < 7 * Varints.MAX_VARLONG_SIZE; shift += 7) {
            if (i >= limit) {
                return NOT_DECODED;
            }
            byte x = b.get(i++);
            raw |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                decodedLong = (raw >>> 1) ^ -(raw & 1);
                return i;
            }
        }
        return NOT_DECODED;
    }

    /**
     * The value of the last varlong {@link #varlongAt} decoded.
     *
     * @return the value
     */
    public long decodedLong() {
        return decodedLong;
    }

    /** Why the value at this reader's position could not be decoded: it ran past the limit, or on too long. */
    private InvalidBatchException undecoded(String field, String kind, int maxBytes) {
        for (int i = index; i < index + maxBytes; i++) {
            if (i >= limit) {
                return new InvalidBatchException(field + ": " + kind + " runs past the limit " + limit, index);
            }
        }
        return new InvalidBatchException(field + ": " + kind + " longer than " + maxBytes + " bytes", index);
    }

    /**
     * Skips {@code length} bytes, for example a key.
     *
     * @param field  what the bytes are, for the error message
     * @param length how many; not negative
     * @throws InvalidBatchException if they do not all lie before the limit
     */
    public void skip(String field, int length) {
        if (length < 0 || length > limit - index) {
            throw new InvalidBatchException(field + ": " + length + " bytes do not fit in the "
                    + (limit - index) + " bytes left before the limit " + limit, index);
        }
        index += length;
    }
}
