package io.runnel.log.core.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What this process holds of a log, read from Linux's {@code /proc/self}: mappings of its files,
 * open descriptors on them, and Runnel's threads. The leak tests check that a closed log leaves
 * none of them.
 *
 * <p>Thread-safe: stateless.
 */
final class ProcessResources {
    private ProcessResources() {
    }

    /**
     * Whether {@code /proc/self} can be read here (Linux).
     *
     * @return true on Linux
     */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/maps")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /**
     * The lines of {@code /proc/self/maps} that map a file under {@code root}.
     *
     * @param root a directory (a real path: the kernel shows resolved names)
     * @return the mappings
     * @throws IOException if /proc cannot be read
     */
    static List<String> mappingsUnder(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(root.toString())) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * The open descriptors of this process on files under {@code root}.
     *
     * @param root a directory (a real path)
     * @return each as {@code fd -> target}
     * @throws IOException if /proc cannot be read
     */
    static List<String> descriptorsUnder(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.toString().startsWith(root.toString())) {
                        out.add(fd + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return out;
    }

    /**
     * The live threads whose names start with {@code runnel-}.
     *
     * @return their names
     */
    static List<String> runnelThreads() {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("runnel-")) {
                out.add(t.getName());
            }
        }
        return out;
    }

    /**
     * Runnel's threads once they have ended, or those still alive after {@code timeout}: threads
     * end shortly after the close that stops them.
     *
     * @param timeout how long to wait for them to end
     * @return the threads still alive, empty when all ended
     */
    static List<String> runnelThreadsAfter(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> alive = runnelThreads();
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000);
            alive = runnelThreads();
        }
        return alive;
    }
}
