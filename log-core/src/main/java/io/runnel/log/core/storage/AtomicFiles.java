package io.runnel.log.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes small files that must never be seen half-written (checkpoints, metadata), as Kafka's
 * {@code CheckpointFile}: write {@code name.tmp}, fsync it, rename it over {@code name}
 * atomically, fsync the directory. A crash at any point leaves the old file or the new one.
 *
 * <p>Thread-safety: stateless; callers serialise writes to the same file.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Replaces {@code file} with {@code content} atomically and durably.
     *
     * @param file    the target
     * @param content the new bytes
     * @throws IOException on any file-system failure (the old file is then intact)
     */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /**
     * Replaces {@code file} with {@code content} atomically; durably (fsyncs) or not. A
     * non-durable replace is still atomic for readers and for a process crash, but a power loss
     * may leave the old file: only for files that can be rebuilt from the log.
     *
     * @param file    the target
     * @param content the new bytes
     * @param durable whether to fsync the file and its directory
     * @throws IOException on any file-system failure (the old file is then intact)
     */
    public static void write(Path file, byte[] content, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + SegmentFiles.TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (durable) {
                ch.force(true);
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        if (durable) {
            fsyncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /**
     * Forces a directory's entries (new, renamed, deleted files) to the storage device. A no-op
     * where the platform cannot open a directory for that.
     *
     * @param dir the directory
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on every platform (Windows); the rename itself is still atomic.
        }
    }
}
