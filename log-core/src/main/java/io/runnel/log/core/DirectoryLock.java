package io.runnel.log.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.runnel.log.LogLockedException;
import io.runnel.log.StorageException;

/**
 * The {@code .lock} file that makes a log directory single-writer (DESIGN.md decision 7): an
 * OS file lock, so a second open fails in this process and in any other.
 *
 * <p>Thread-safety: not thread-safe; owned by one {@link RunnelCommitLog}.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot open lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new LogLockedException("log directory " + dir + " is open in another process (" + file + " is locked)");
            }
            return new DirectoryLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new LogLockedException("log directory " + dir + " is already open in this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new StorageException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(channel);
    }
}
