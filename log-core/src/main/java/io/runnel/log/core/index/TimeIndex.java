package io.runnel.log.core.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Kafka's time index ({@code .timeindex}): maps a timestamp to the offset from which to search
 * for it. Each 12-byte entry is
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     timestamp (int64, ms)                     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             relative offset (int32, offset - base offset)     |
 *  +---------------------------------------------------------------+
 * </pre>
 * big-endian. An entry says: the largest timestamp up to this point of the segment is
 * {@code timestamp}, first reached by the batch whose last offset is {@code offset}. Timestamps
 * strictly increase from entry to entry; an append whose timestamp is not above the last one is
 * skipped, as Kafka does.
 *
 * <p>Thread-safety: as {@link AbstractIndex}, one writer and concurrent readers.
 */
public final class TimeIndex extends AbstractIndex {

    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 12;
    /** Kafka's "no timestamp". */
    public static final long NO_TIMESTAMP = -1L;

    /**
     * Opens or creates a time index.
     *
     * @param file         the {@code .timeindex} file
     * @param baseOffset   the segment's base offset
     * @param maxIndexSize preallocated size while writable
     * @param writable     whether entries will be appended
     * @throws IOException when the file cannot be opened or mapped
     */
    public TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return buf.getLong(n * ENTRY_SIZE);
    }

    private long offsetAt(ByteBuffer buf, int n) {
        return baseOffset() + buf.getInt(n * ENTRY_SIZE + 8);
    }

    /**
     * The last entry's timestamp, or {@link #NO_TIMESTAMP} when empty.
     *
     * @return a timestamp
     */
    public long lastTimestamp() {
        int n = entries();
        return n == 0 ? NO_TIMESTAMP : keyAt(buffer(), n - 1);
    }

    /**
     * The last entry's offset, or the base offset when empty.
     *
     * @return an absolute offset
     */
    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset() : offsetAt(buffer(), n - 1);
    }

    /**
     * Whether no further regular entry fits: as in Kafka, the last slot is kept for the final
     * entry a roll or close adds ({@link #maybeAppend} with {@code skipFullCheck}), so the index
     * is full one entry early. The segment rolls on it, so Kafka rebuilds the same entries.
     *
     * @return true when at most the slot for the final entry is left
     */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /**
     * Appends an entry when {@code timestamp} is above the last entry's, as Kafka's
     * {@code maybeAppend}.
     *
     * @param timestamp     the largest timestamp so far in the segment
     * @param offset        the last offset of the batch that first reached it
     * @param skipFullCheck true for the final entry on roll and close, which may use the
     *                      last slot ({@link #isFull()} keeps room for it)
     * @return true when an entry was written
     * @throws IllegalStateException when the index is full, or offset or timestamp go backwards
     */
    public boolean maybeAppend(long timestamp, long offset, boolean skipFullCheck) {
        int n = entries();
        ByteBuffer buf = buffer();
        int capacity = buf.capacity() / ENTRY_SIZE;
        if (!skipFullCheck && isFull()) {
            throw new IllegalStateException("time index " + file() + " is full (" + n + " entries)");
        }
        long lastTs = lastTimestamp();
        if (n > 0 && offset < lastOffset()) {
            throw new IllegalStateException("offset " + offset + " is below the last time index entry's "
                    + lastOffset() + " in " + file());
        }
        if (n > 0 && timestamp < lastTs) {
            throw new IllegalStateException("timestamp " + timestamp + " is below the last time index entry's "
                    + lastTs + " in " + file());
        }
        if (timestamp > lastTs) {
            if (n >= capacity) {
                return false;
            }
            buf.putLong(n * ENTRY_SIZE, timestamp);
            buf.putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
            publishEntry();
            return true;
        }
        return false;
    }

    /**
     * The offset from which to search for the first record with a timestamp at or above
     * {@code targetTimestamp}: the offset of the last entry whose timestamp is at most the target,
     * or the base offset when there is none. Every record before that entry's batch is older
     * than the entry's timestamp (the entry marks where the maximum first rose to it), so the
     * search can skip them.
     *
     * @param targetTimestamp a timestamp in ms
     * @return an absolute offset to start scanning from
     */
    public long lookup(long targetTimestamp) {
        ByteBuffer buf = buffer();
        int n = largestLowerBound(buf, entries(), targetTimestamp);
        return n < 0 ? baseOffset() : offsetAt(buf, n);
    }

    /**
     * Removes every entry whose offset is at or above {@code offset}.
     *
     * @param offset the first offset to drop
     */
    public void truncateTo(long offset) {
        ByteBuffer buf = buffer();
        int keep = entries();
        while (keep > 0 && offsetAt(buf, keep - 1) >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }

    @Override
    public String sanityCheck(long logSize) {
        ByteBuffer buf = buffer();
        int count = entries();
        long prevTs = Long.MIN_VALUE;
        long prevOffset = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            long ts = keyAt(buf, i);
            int rel = buf.getInt(i * ENTRY_SIZE + 8);
            long off = baseOffset() + rel;
            if (ts <= prevTs || ts < 0) {
                return "entry " + i + " timestamp " + ts + " does not increase";
            }
            if (rel < 0 || off < prevOffset) {
                return "entry " + i + " offset " + off + " goes backwards";
            }
            prevTs = ts;
            prevOffset = off;
        }
        return null;
    }
}
