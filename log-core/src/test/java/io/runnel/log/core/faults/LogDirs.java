package io.runnel.log.core.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * File helpers for the fault tests.
 *
 * <p>Thread-safe: stateless.
 */
final class LogDirs {
    private LogDirs() {
    }

    /**
     * Deletes a directory and everything in it; nothing when it does not exist.
     *
     * @param root the directory
     * @throws IOException if something cannot be deleted
     */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
