package io.runnel.log.core.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Puts a {@code @TempDir} in {@code /dev/shm} (a tmpfs) where there is one, for tests that open
 * and close a log thousands of times: every open and close fsyncs checkpoints and segments, which
 * costs milliseconds each on a disk and nothing on a tmpfs. Elsewhere it is the default temporary
 * directory. JUnit deletes it as any {@code @TempDir}.
 *
 * <p>Thread-safe: stateless.
 */
public final class ShmTempDirFactory implements TempDirFactory {
    private static final Path SHM = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return Files.createTempDirectory(SHM, "runnel-junit");
        }
        return Files.createTempDirectory("runnel-junit");
    }
}
