package io.runnel.benchmarks.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.runnel.benchmarks.TempDirs;

/**
 * The files the raw read baselines read: the bytes of Runnel's segments (a Kafka v2 batch
 * repeated), without the segment format around them, in files of at most 1 GiB (Runnel's
 * default segment size), written with {@code FileChannel} and forced to the device.
 *
 * <p>Not thread-safe: made and deleted by one benchmark thread.
 */
final class RawFiles implements AutoCloseable {
    private static final long FILE_BYTES = 1L << 30;

    private final Path dir;
    private final List<Path> files;

    private RawFiles(Path dir, List<Path> files) {
        this.dir = dir;
        this.files = files;
    }

    /**
     * Writes {@code count} copies of {@code batch}.
     *
     * @param batch the bytes to repeat, from position to limit (not modified)
     * @param count how many times
     * @return the files
     */
    static RawFiles write(ByteBuffer batch, long count) {
        Path dir = TempDirs.create("raw-read-bench-");
        List<Path> files = new ArrayList<>();
        long perFile = FILE_BYTES / batch.remaining();
        try {
            for (long written = 0; written < count; ) {
                Path file = dir.resolve(String.format("%020d.raw", files.size()));
                files.add(file);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    for (long i = 0; i < perFile && written < count; i++, written++) {
                        ByteBuffer b = batch.duplicate();
                        while (b.hasRemaining()) {
                            channel.write(b);
                        }
                    }
                    channel.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RawFiles(dir, files);
    }

    /**
     * The files, in order.
     *
     * @return their paths
     */
    List<Path> files() {
        return files;
    }

    /** Deletes the files. */
    @Override
    public void close() {
        TempDirs.delete(dir);
    }
}
