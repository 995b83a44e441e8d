package io.runnel.log.core.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a {@code main} class of this package on the test class path, for tests that
 * must {@code kill -9} a process holding a log open. Its stdout and stderr are read line by line on
 * threads of their own (so the child never blocks on a full pipe) and handed out with a timeout;
 * stderr (the log output) is also kept to be shown when something fails. Its stdin stays open:
 * children treat end of input as "the test runner died" and halt, so no child outlives the test JVM.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ChildJvm implements AutoCloseable {
    /**
     * A line the child printed.
     *
     * @param stderr true for stderr, false for stdout
     * @param text   the line
     */
    record Line(boolean stderr, String text) {
    }

    /** Queued after the last line of stdout. */
    private static final Line EOF = new Line(false, "<eof>");

    private final Process process;
    private final Path stderrFile;
    private final LinkedBlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final Thread errReader;
    private boolean eof;

    private ChildJvm(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        this.reader = new Thread(() -> pump(false), "child-stdout-" + process.pid());
        this.errReader = new Thread(() -> pump(true), "child-stderr-" + process.pid());
        reader.setDaemon(true);
        errReader.setDaemon(true);
        reader.start();
        errReader.start();
    }

    /**
     * Starts {@code main} in a new JVM with this JVM's class path.
     *
     * @param main   the class whose {@code main} runs
     * @param stderr where a copy of the child's stderr goes
     * @param args   its arguments
     * @return the running child
     */
    static ChildJvm start(Class<?> main, Path stderr, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE);
        try {
            return new ChildJvm(pb.start(), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private void pump(boolean err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                err ? process.getErrorStream() : process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (err) {
                    Files.writeString(stderrFile, line + System.lineSeparator(), StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                lines.add(new Line(err, line));
            }
        } catch (IOException e) {
            lines.add(new Line(err, "<" + (err ? "stderr" : "stdout") + " read failed: " + e + ">"));
        } finally {
            if (!err) {
                lines.add(EOF);
            }
        }
    }

    /**
     * The next line the child printed, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; the test fails after it
     * @return the line, or null once stdout is closed (the child died)
     */
    String nextLine(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Line line = nextEvent(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), timeout);
            if (line == null) {
                return null;
            }
            if (!line.stderr()) {
                return line.text();
            }
        }
    }

    /**
     * The next line the child printed to stdout or stderr, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait; the test fails after it
     * @return the line, or null once stdout is closed (the child died)
     */
    Line nextEvent(Duration timeout) {
        return nextEvent(timeout, timeout);
    }

    private Line nextEvent(Duration wait, Duration timeout) {
        if (eof) {
            return null;
        }
        Line line;
        try {
            line = lines.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + process.pid(), e);
        }
        if (line == null) {
            fail("child " + process.pid() + " printed nothing for " + timeout + "; alive=" + process.isAlive()
                    + "\n" + stderrText());
        }
        if (line == EOF) {
            eof = true;
            return null;
        }
        return line;
    }

    /**
     * Waits for {@code expected}, failing when the child prints anything else first or dies.
     *
     * @param expected the line
     * @param timeout  how long to wait
     */
    void expectLine(String expected, Duration timeout) {
        String line = nextLine(timeout);
        if (!expected.equals(line)) {
            fail("child " + process.pid() + " printed " + line + ", expected " + expected + "\n" + stderrText());
        }
    }

    /**
     * {@code kill -9}: {@code destroyForcibly()} is SIGKILL on Unix, so no shutdown hook, finally
     * block or close runs in the child. Waits for it to be gone and checks it died of the signal.
     *
     * <p>The signal goes through the {@link ProcessHandle}: {@link Process#destroyForcibly()} sends
     * the same SIGKILL but then also closes this side's end of the child's stdout, so the lines the
     * child printed just before it died, still in the pipe, would be lost to {@link #drain}.
     *
     * @param timeout how long to wait for it to die
     */
    void kill9(Duration timeout) {
        if (!process.toHandle().destroyForcibly()) {
            fail("cannot kill child " + process.pid() + "; alive=" + process.isAlive());
        }
        int exit = waitFor(timeout);
        if (isLinux()) {
            // The JDK reports death by signal N as 128 + N.
            assertEquals(128 + 9, exit, "child " + process.pid() + " did not die of SIGKILL\n" + stderrText());
        }
    }

    /**
     * Waits for the child to exit.
     *
     * @param timeout how long; the test fails after it
     * @return its exit value
     */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("child " + process.pid() + " did not exit in " + timeout + "\n" + stderrText());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + process.pid(), e);
        }
        return process.exitValue();
    }

    /**
     * Reads what is left of stdout, up to the end.
     *
     * @param timeout how long to wait for each line
     * @return the remaining lines
     */
    List<String> drain(Duration timeout) {
        List<String> rest = new ArrayList<>();
        for (String line = nextLine(timeout); line != null; line = nextLine(timeout)) {
            rest.add(line);
        }
        try {
            reader.join(timeout.toMillis());
            errReader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rest;
    }

    long pid() {
        return process.pid();
    }

    /**
     * The child's stderr so far, for failure messages.
     *
     * @return its text (the last 20,000 characters)
     */
    String stderrText() {
        try {
            if (!Files.exists(stderrFile)) {
                return "--- child " + process.pid() + " wrote nothing to stderr ---";
            }
            String s = Files.readString(stderrFile, StandardCharsets.UTF_8);
            return "--- stderr of child " + process.pid() + " ---\n"
                    + (s.length() > 20_000 ? "..." + s.substring(s.length() - 20_000) : s);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /** Kills the child if it still runs (a failed test must not leave it behind). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
