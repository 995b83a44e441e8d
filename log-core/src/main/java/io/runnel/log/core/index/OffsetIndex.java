package io.runnel.log.core.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Kafka's offset index ({@code .index}): maps an offset to the file position of the batch that
 * holds it. Each 8-byte entry is
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             relative offset (int32, offset - base offset)     |
 *  +---------------------------------------------------------------+
 *  |             position of the batch in the .log (int32)         |
 *  +---------------------------------------------------------------+
 * </pre>
 * big-endian. An entry's offset is the last offset of the batch at that position.
 *
 * <p>Thread-safety: as {@link AbstractIndex}, one writer and concurrent readers.
 */
public final class OffsetIndex extends AbstractIndex {

    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 8;

    /**
     * Opens or creates an offset index.
     *
     * @param file         the {@code .index} file
     * @param baseOffset   the segment's base offset
     * @param maxIndexSize preallocated size while writable
     * @param writable     whether entries will be appended
     * @throws IOException when the file cannot be opened or mapped
     */
    public OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return baseOffset() + buf.getInt(n * ENTRY_SIZE);
    }

    private int positionAt(ByteBuffer buf, int n) {
        return buf.getInt(n * ENTRY_SIZE + 4);
    }

    /**
     * Appends an entry; the offset must be above the last entry's.
     *
     * @param offset   the last offset of the batch at {@code position}
     * @param position the batch's byte position in the log file
     * @throws IllegalStateException when the index is full or the offset does not increase
     */
    public void append(long offset, int position) {
        int n = entries();
        ByteBuffer buf = buffer();
        if (n >= buf.capacity() / ENTRY_SIZE) {
            throw new IllegalStateException("offset index " + file() + " is full (" + n + " entries)");
        }
        if (n > 0 && offset <= keyAt(buf, n - 1)) {
            throw new IllegalStateException("offset " + offset + " is not above the last entry "
                    + keyAt(buf, n - 1) + " of " + file());
        }
        buf.putInt(n * ENTRY_SIZE, relativeOffset(offset));
        buf.putInt(n * ENTRY_SIZE + 4, position);
        publishEntry();
    }

    /**
     * The position to start scanning from to find {@code targetOffset}: the position of the last
     * entry whose offset is at most the target, or 0 when there is none.
     *
     * @param targetOffset an absolute offset
     * @return a byte position in the log file
     */
    public int lookup(long targetOffset) {
        ByteBuffer buf = buffer();
        int n = largestLowerBound(buf, entries(), targetOffset);
        return n < 0 ? 0 : positionAt(buf, n);
    }

    /**
     * The offset of the entry {@link #lookup(long)} starts from: the last entry whose offset is at
     * most the target.
     *
     * @param targetOffset an absolute offset
     * @return that entry's absolute offset, or -1 when there is none
     */
    public long lookupOffset(long targetOffset) {
        ByteBuffer buf = buffer();
        int n = largestLowerBound(buf, entries(), targetOffset);
        return n < 0 ? -1 : keyAt(buf, n);
    }

    /**
     * The last entry's offset, or the base offset when empty.
     *
     * @return an absolute offset
     */
    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset() : keyAt(buffer(), n - 1);
    }

    /**
     * The last entry's position, or 0 when empty.
     *
     * @return a byte position
     */
    public int lastPosition() {
        int n = entries();
        return n == 0 ? 0 : positionAt(buffer(), n - 1);
    }

    /**
     * Removes every entry whose offset is at or above {@code offset}.
     *
     * @param offset the first offset to drop
     */
    public void truncateTo(long offset) {
        ByteBuffer buf = buffer();
        int n = largestLowerBound(buf, entries(), offset - 1);
        truncateToEntries(n + 1);
    }

    @Override
    public String sanityCheck(long logSize) {
        ByteBuffer buf = buffer();
        int count = entries();
        long prevOffset = Long.MIN_VALUE;
        int prevPosition = -1;
        for (int i = 0; i < count; i++) {
            int rel = buf.getInt(i * ENTRY_SIZE);
            int pos = positionAt(buf, i);
            long off = baseOffset() + rel;
            if (rel < 0 || off <= prevOffset) {
                return "entry " + i + " offset " + off + " does not increase";
            }
            if (pos <= prevPosition || pos < 0 || pos >= logSize) {
                return "entry " + i + " position " + pos + " is not increasing within the log (" + logSize + " bytes)";
            }
            prevOffset = off;
            prevPosition = pos;
        }
        return null;
    }
}
