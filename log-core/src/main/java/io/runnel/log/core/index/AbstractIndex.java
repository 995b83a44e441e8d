package io.runnel.log.core.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.runnel.log.core.storage.MappedBuffers;

/**
 * A sparse index over one segment, stored as fixed-size entries in a memory-mapped file, as
 * Kafka's {@code AbstractIndex}: the file is preallocated to its maximum size while the segment
 * is active and trimmed to its entries when the segment rolls or closes. Entries are sorted by
 * their key; lookups are binary searches for the last entry whose key is at most the target.
 *
 * <p>Thread-safety: one writer (the segment's appender, under the partition's append lock) and
 * any number of concurrent readers. Readers see entries up to the published {@link #entries()}
 * count; a remapping (resize, trim) leaves the previous mapping to the garbage collector, so a
 * reader still holding it never touches unmapped memory.
 */
public abstract class AbstractIndex implements AutoCloseable {

    private final Path file;
    private final long baseOffset;
    private final int entrySize;
    private volatile int maxIndexSize;
    /** The mapping, replaced on resize; readers take a local copy of the reference. */
    private volatile MappedByteBuffer mmap;
    /** The mappings behind {@link #mmap}: the current one last; older ones may be in readers' hands. */
    private final java.util.List<MappedBuffers.Mapping> mappings = new java.util.ArrayList<>();
    /** Number of valid entries; published after an entry is written. */
    private volatile int entries;
    private volatile boolean closed;
    /**
     * Bytes from the start of the file backed by real blocks (written through a channel), so a
     * store into the mapping below it can never hit a hole on a full disk (SIGBUS).
     */
    private int reservedBytes;

    /**
     * Opens or creates an index file.
     *
     * @param file         the index file
     * @param baseOffset   the segment's base offset
     * @param maxIndexSize the preallocated size in bytes while writable (rounded down to entries)
     * @param entrySize    bytes per entry
     * @param writable     whether entries will be appended (preallocates the file)
     * @throws IOException when the file cannot be opened or mapped
     */
    protected AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize, boolean writable)
            throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxIndexSize = maxIndexSize;
        if (maxIndexSize < entrySize) {
            throw new IllegalArgumentException("max index size " + maxIndexSize + " is below one entry (" + entrySize + ")");
        }
        boolean exists = Files.exists(file);
        long length = exists ? Files.size(file) : 0;
        int valid = (int) (Math.min(length, Integer.MAX_VALUE) / entrySize);
        this.entries = valid;
        this.reservedBytes = valid * entrySize;
        long mapSize = writable ? Math.max(roundDown(maxIndexSize), (long) valid * entrySize) : (long) valid * entrySize;
        this.mmap = map(mapSize, writable);
    }

    private MappedByteBuffer map(long size, boolean writable) throws IOException {
        MappedBuffers.Mapping m = mapFile(size, writable);
        synchronized (mappings) {
            mappings.add(m);
        }
        return m.buffer();
    }

    private MappedBuffers.Mapping mapFile(long size, boolean writable) throws IOException {
        if (writable) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ch.truncate(Math.max(size, 0));
                if (ch.size() < size) {
                    // Extend (sparse): map() would do it too, but say so explicitly.
                    ch.write(ByteBuffer.allocate(1), size - 1);
                }
                return MappedBuffers.map(ch, FileChannel.MapMode.READ_WRITE, size);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return MappedBuffers.map(ch, FileChannel.MapMode.READ_ONLY, size);
        }
    }

    private int roundDown(int size) {
        return size / entrySize * entrySize;
    }

    /**
     * Makes sure the next {@code more} entries land on real blocks: writes zeros through a
     * channel over the part of the preallocated (sparse) file they will use, a page at a time.
     * Called before the log bytes an entry would describe are written, so a full disk fails the
     * append cleanly instead of faulting in the mapping.
     *
     * @param more the entries about to be appended
     * @throws UncheckedIOException when the blocks cannot be had (disk full)
     */
    public void ensureRoomFor(int more) {
        long need = (long) (entries + more) * entrySize;
        if (need <= reservedBytes) {
            return;
        }
        int capacity = mmap.capacity();
        int target = (int) Math.min(capacity, (need + 4095) & ~4095L);
        if (target <= reservedBytes) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(target - reservedBytes);
            long pos = reservedBytes;
            while (zeros.hasRemaining()) {
                pos += ch.write(zeros, pos);
            }
            reservedBytes = target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve " + (target - reservedBytes) + " bytes in index " + file, e);
        }
    }

    /**
     * The index file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * The base offset of the segment this index belongs to.
     *
     * @return the base offset
     */
    public long baseOffset() {
        return baseOffset;
    }

    /**
     * The number of valid entries.
     *
     * @return the count
     */
    public int entries() {
        return entries;
    }

    /**
     * How many entries fit in the current mapping.
     *
     * @return the capacity in entries
     */
    public int maxEntries() {
        return mmap.capacity() / entrySize;
    }

    /**
     * Whether no further entry fits.
     *
     * @return true when full
     */
    public boolean isFull() {
        return entries >= maxEntries();
    }

    /**
     * The size in bytes of the valid entries.
     *
     * @return {@code entries() * entrySize}
     */
    public int sizeInBytes() {
        return entries * entrySize;
    }

    /**
     * The mapping, for subclasses to read entries from. Take it once per operation.
     *
     * @return the current mapping
     */
    protected final ByteBuffer buffer() {
        return mmap;
    }

    /**
     * The bytes per entry.
     *
     * @return the entry size
     */
    protected final int entrySize() {
        return entrySize;
    }

    /**
     * Publishes one more entry, already written at index {@code entries()} of {@link #buffer()}.
     */
    protected final void publishEntry() {
        entries = entries + 1;
    }

    /**
     * Sets the number of valid entries (truncation).
     *
     * @param count the new count, at most the current one
     */
    protected final void setEntries(int count) {
        entries = count;
    }

    /**
     * Relative offset of an offset to the base offset, checked to fit an int32.
     *
     * @param offset an absolute offset at or after the base offset
     * @return {@code offset - baseOffset}
     */
    protected final int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit index of segment " + baseOffset);
        }
        return (int) relative;
    }

    /**
     * Binary search: the index of the last entry whose key is at most {@code target}, or -1.
     *
     * @param buf    the mapping to search
     * @param count  the number of valid entries to search
     * @param target the target key
     * @return the entry index, or -1 when every key is above the target (or there are none)
     */
    protected final int largestLowerBound(ByteBuffer buf, int count, long target) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long key = keyAt(buf, mid);
            if (key <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The search key of an entry (an absolute offset or a timestamp).
     *
     * @param buf the mapping
     * @param n   the entry index
     * @return its key
     */
    protected abstract long keyAt(ByteBuffer buf, int n);

    /**
     * Checks the entries: keys strictly increasing and every entry plausible for a segment of
     * {@code logSize} bytes. Runs over all entries; used once when a segment is first read.
     *
     * @param logSize the size of the segment's log file
     * @return null when sane, else what is wrong
     */
    public abstract String sanityCheck(long logSize);

    /**
     * Truncates the index to the first {@code count} entries.
     *
     * @param count entries to keep
     */
    protected final void truncateToEntries(int count) {
        if (count < entries) {
            setEntries(count);
        }
    }

    /** Removes every entry. */
    public void reset() {
        setEntries(0);
    }

    /**
     * Resizes the file and its mapping to {@code newSize} bytes (rounded down to whole entries,
     * never below the valid entries). The previous mapping is left to the garbage collector.
     *
     * @param newSize the new size in bytes
     */
    public void resize(int newSize) {
        try {
            long size = Math.max(roundDown(newSize), (long) entries * entrySize);
            maxIndexSize = (int) size;
            mmap = map(size, true);
            reservedBytes = (int) Math.min(reservedBytes, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resize index " + file, e);
        }
    }

    /** Shrinks the file to its valid entries (on roll and close), as Kafka's {@code trimToValidSize}. */
    public void trimToValidSize() {
        resize(entries * entrySize);
    }

    /**
     * Forces the index's valid bytes to the storage device.
     */
    public void flush() {
        MappedByteBuffer m = mmap;
        if (m.isReadOnly()) {
            return;
        }
        m.force(0, Math.min(m.capacity(), sizeInBytes()));
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Trims the file to its valid entries when it was writable and releases the mapping. The
     * caller guarantees that no reader uses the index any more.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        MappedByteBuffer m = mmap;
        try {
            if (!m.isReadOnly()) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate((long) entries * entrySize);
                } catch (java.nio.file.NoSuchFileException e) {
                    // Deleted underneath: nothing to trim.
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot trim index " + file, e);
                }
            }
        } finally {
            unmapAll();
        }
    }

    /**
     * Releases the mapping without trimming (the file is about to be deleted).
     */
    public void closeWithoutTrim() {
        closed = true;
        unmapAll();
    }

    /** Releases every mapping this index made: the caller guarantees no reader holds one. */
    private void unmapAll() {
        synchronized (mappings) {
            for (MappedBuffers.Mapping m : mappings) {
                m.unmap();
            }
            mappings.clear();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + file.getFileName() + ", entries=" + entries + "]";
    }
}
