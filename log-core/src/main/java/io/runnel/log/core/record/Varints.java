package io.runnel.log.core.record;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as in protobuf and Kafka's record format: the value is
 * zig-zag mapped ({@code 0, -1, 1, -2, ...} to {@code 0, 1, 2, 3, ...}) so that small negative
 * numbers stay short, then written seven bits at a time, least significant group first, with the
 * high bit of each byte set when more bytes follow. An int takes 1 to 5 bytes, a long 1 to 10.
 *
 * <p>The writers use absolute puts and return the next index, so they never move a buffer's
 * position and allocate nothing. Reading is done by {@link VarintReader}, a reusable cursor that
 * also checks every read against a limit.
 *
 * <p>Thread-safe: stateless.
 */
public final class Varints {

    /** The most bytes a varint (int) takes. */
    public static final int MAX_VARINT_SIZE = 5;
    /** The most bytes a varlong (long) takes. */
    public static final int MAX_VARLONG_SIZE = 10;

    private Varints() {
    }

    /**
     * Bytes needed for {@code value} as a zig-zag varint.
     *
     * @param value any int
     * @return 1 to 5
     */
    public static int sizeOfVarint(int value) {
        int zigZag = (value << 1) ^ (value >> 31);
        // Significant bits, at least one, in groups of seven.
        return (38 - Integer.numberOfLeadingZeros(zigZag | 1)) / 7;
    }

    /**
     * Bytes needed for {@code value} as a zig-zag varlong.
     *
     * @param value any long
     * @return 1 to 10
     */
    public static int sizeOfVarlong(long value) {
        long zigZag = (value << 1) ^ (value >> 63);
        return (70 - Long.numberOfLeadingZeros(zigZag | 1)) / 7;
    }

    /**
     * Writes {@code value} as a zig-zag varint at {@code index}, with absolute puts.
     *
     * @param buf   the target; its position and limit are not changed
     * @param index where the first byte goes
     * @param value the value
     * @return the index after the last byte written
     * @throws IndexOutOfBoundsException if the varint does not fit below the limit
     */
    public static int writeVarint(ByteBuffer buf, int index, int value) {
        int rest = (value << 1) ^ (value >> 31);
        int i = index;
        while ((rest & ~0x7F) != 0) {
            buf.put(i++, (byte) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        buf.put(i++, (byte) rest);
        return i;
    }

    /**
     * Writes {@code value} as a zig-zag varlong at {@code index}, with absolute puts.
     *
     * @param buf   the target; its position and limit are not changed
     * @param index where the first byte goes
     * @param value the value
     * @return the index after the last byte written
     * @throws IndexOutOfBoundsException if the varlong does not fit below the limit
     */
    public static int writeVarlong(ByteBuffer buf, int index, long value) {
        long rest = (value << 1) ^ (value >> 63);
        int i = index;
        while ((rest & ~0x7FL) != 0) {
            buf.put(i++, (byte) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        buf.put(i++, (byte) rest);
        return i;
    }
}
