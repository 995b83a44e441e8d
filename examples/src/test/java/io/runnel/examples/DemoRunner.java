package io.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a demo's main class in a child JVM of the running JDK, with the test class path and no
 * JVM flags, as the README's command does.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class DemoRunner {
    private DemoRunner() {
    }

    /**
     * Runs {@code main} with {@code dir} as its only argument; asserts it ends with status 0.
     *
     * @param main the demo class
     * @param dir  the log directory argument
     * @return {stdout, stderr}
     * @throws IOException          when the child cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    public static String[] run(Class<?> main, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName(), dir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "demo finished");
        assertEquals(0, p.exitValue(), () -> new String(err, StandardCharsets.UTF_8));
        return new String[] {new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8)};
    }
}
