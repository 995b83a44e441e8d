package io.runnel.benchmarks.append;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.runnel.benchmarks.TempDirs;
import io.runnel.log.core.storage.MappedBuffers;

/**
 * The machine's limit through a mapping: the same bytes Runnel writes (the Kafka v2 batches)
 * copied one after the other into a memory-mapped file of 1 GiB (a sparse file, so the first
 * touch of each page takes a page fault and the file system reserves its block), the next file
 * when one is full. No format, no index, no check: only the copy and the page cache.
 * Two threads take their space with an atomic add.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}.
 */
public class RawMappedAppend extends RawAppend {
    /** The size of each file, as Runnel's default segment. */
    static final long FILE_BYTES = 1L << 30;

    /** A file being filled, and the next free byte in it. */
    private record Region(MappedByteBuffer map, AtomicLong next) {
    }

    private Path dir;
    private final List<MappedByteBuffer> mapped = new ArrayList<>();
    private volatile Region region;

    @Override
    protected void open() {
        dir = TempDirs.create("raw-mapped-bench-");
        region = newRegion();
    }

    private Region newRegion() {
        Path file = dir.resolve(String.format("%020d.raw", mapped.size()));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES);
            mapped.add(map);
            return new Region(map, new AtomicLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void delete() {
        for (MappedByteBuffer map : mapped) {
            MappedBuffers.unmap(map);
        }
        mapped.clear();
        TempDirs.delete(dir);
    }

    @Override
    protected long write(ByteBuffer bytes) {
        int length = bytes.limit();
        while (true) {
            Region r = region;
            long at = r.next.getAndAdd(length);
            if (at + length <= FILE_BYTES) {
                r.map.put((int) at, bytes, 0, length);
                return at;
            }
            roll(r);
        }
    }

    private synchronized void roll(Region full) {
        if (region == full) {
            region = newRegion();
        }
    }
}
