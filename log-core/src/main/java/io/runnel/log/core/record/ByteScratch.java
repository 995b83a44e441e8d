package io.runnel.log.core.record;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable heap byte array with a big-endian {@link ByteBuffer} over all of it: the uncompressed
 * records of a batch being written, a codec's output, or the decompressed records a
 * {@link RecordCursor} iterates. It only grows, by doubling, so a reused scratch settles at the
 * size of the largest batch it has held and allocates nothing after that.
 *
 * <p>Not thread-safe: each writer and cursor owns its own.
 */
final class ByteScratch {
    /** The largest array the JVM reliably allocates. */
    static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private byte[] array;
    private ByteBuffer buffer;

    /**
     * Creates a scratch.
     *
     * @param initialCapacity the first array's length
     */
    ByteScratch(int initialCapacity) {
        array = new byte[initialCapacity];
        buffer = ByteBuffer.wrap(array);
    }

    /**
     * The current array; replaced by {@link #ensure} when it grows.
     *
     * @return the array
     */
    byte[] array() {
        return array;
    }

    /**
     * A big-endian buffer over the whole current array, position 0 and limit the capacity;
     * replaced by {@link #ensure} when it grows. Users index it absolutely.
     *
     * @return the buffer
     */
    ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The current array's length.
     *
     * @return the capacity in bytes
     */
    int capacity() {
        return array.length;
    }

    /**
     * Makes the array at least {@code capacity} bytes long, keeping its first {@code keep} bytes.
     * It grows to at least twice its length (but not above {@code max}), so that appending grows
     * it only a logarithmic number of times.
     *
     * @param capacity the bytes needed, at most {@code max}
     * @param keep     how many bytes from index 0 to keep
     * @param max      the most it may grow to
     * @return the array, new or not
     */
    byte[] ensure(int capacity, int keep, int max) {
        if (capacity <= array.length) {
            return array;
        }
        if (capacity > max) {
            throw new IllegalArgumentException("scratch of " + capacity + " bytes exceeds its limit " + max);
        }
        int grown = (int) Math.min(max, Math.max(capacity, 2L * array.length));
        byte[] bigger = keep == 0 ? new byte[grown] : Arrays.copyOf(Arrays.copyOf(array, keep), grown);
        array = bigger;
        buffer = ByteBuffer.wrap(bigger);
        return bigger;
    }
}
