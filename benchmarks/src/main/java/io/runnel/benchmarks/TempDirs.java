package io.runnel.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories under {@code java.io.tmpdir} for the benchmarks' data: created in a
 * {@code @Setup}, deleted in the matching {@code @TearDown}, copied for the open benchmarks.
 *
 * <p>Thread-safe: stateless.
 */
public final class TempDirs {
    private TempDirs() {
    }

    /**
     * A new, empty directory.
     *
     * @param prefix the start of its name
     * @return its path
     */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a directory and everything below it; nothing when it does not exist.
     *
     * @param root the directory
     */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /**
     * Copies a tree of log files, cheaply: every {@code .log} file but the last {@code keepLast}
     * of its directory (by name, so by base offset) becomes a hard link, since opening a log
     * never writes a segment that was rolled before the ones it may recover; every other file is
     * copied, so that what the open writes (indexes, markers, checkpoints, the active segment)
     * never reaches the original.
     *
     * @param from     the original tree
     * @param to       the new directory (must not exist)
     * <p>Then every copied file and directory is forced to the device: the copy is settled, as a
     * log's files are when it is opened long after they were written. Otherwise the first fsync
     * of the open (of its directory, after removing the clean-shutdown marker) would also write
     * out the copy, the more of it the more segments, and the open would be charged for it.
     *
     * @param keepLast how many of the last {@code .log} files of each directory are copied, not linked
     */
    public static void copyForOpen(Path from, Path to, int keepLast) {
        try (Stream<Path> all = Files.walk(from)) {
            List<Path> paths = all.sorted().toList();
            List<Path> written = new ArrayList<>();
            for (Path p : paths) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getFileName().toString().endsWith(".log") && !amongLastLogs(p, keepLast)) {
                    Files.createLink(target, p);
                    continue;
                } else {
                    Files.copy(p, target);
                }
                written.add(target);
            }
            // Files before the directories that name them; the deepest directories first.
            for (int i = written.size() - 1; i >= 0; i--) {
                force(written.get(i));
            }
            force(to.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static boolean amongLastLogs(Path log, int keepLast) throws IOException {
        try (Stream<Path> siblings = Files.list(log.getParent())) {
            List<Path> logs = siblings.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
            return logs.indexOf(log) >= logs.size() - keepLast;
        }
    }
}
