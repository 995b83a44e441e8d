package io.runnel.log.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * File helpers for tests: deleting and copying log directories.
 *
 * <p>Thread-safe: stateless.
 */
public final class TestFiles {
    private TestFiles() {
    }

    /**
     * Deletes a directory and everything in it; nothing when it does not exist.
     *
     * @param root the directory
     * @throws IOException if something cannot be deleted
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Copies a log directory, without its {@code .lock} file (which a copy must not share).
     *
     * @param from the directory to copy
     * @param to   where the copy goes; it must not exist yet
     * @throws IOException if something cannot be copied
     */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
