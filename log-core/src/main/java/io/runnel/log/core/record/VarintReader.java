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
        int start = index;
        int i = start;
        int raw = 0;
        int shift = 0;
        while (true) {
            if (i >= limit) {
                throw new InvalidBatchException(field + ": varint runs past the limit " + limit, start);
            }
            byte b = buffer.get(i++);
            raw |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
            if (shift >= 7 * Varints.MAX_VARINT_SIZE) {
                throw new InvalidBatchException(field + ": varint longer than "
                        + Varints.MAX_VARINT_SIZE + " bytes", start);
            }
        }
        index = i;
        return (raw >>> 1) ^ -(raw & 1);
    }

    /**
     * Reads a zig-zag varlong.
     *
     * @param field what the value is, for the error message
     * @return the value
     * @throws InvalidBatchException if it runs past the limit or is longer than 10 bytes
     */
    public long readVarlong(String field) {
        int start = index;
        int i = start;
        long raw = 0;
        int shift = 0;
        while (true) {
            if (i >= limit) {
                throw new InvalidBatchException(field + ": varlong runs past the limit " + limit, start);
            }
            byte b = buffer.get(i++);
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
            if (shift >= 7 * Varints.MAX_VARLONG_SIZE) {
                throw new InvalidBatchException(field + ": varlong longer than "
                        + Varints.MAX_VARLONG_SIZE + " bytes", start);
            }
        }
        index = i;
        return (raw >>> 1) ^ -(raw & 1);
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
