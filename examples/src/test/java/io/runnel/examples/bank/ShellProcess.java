package io.runnel.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link BankShell} in a child JVM: commands go to its stdin (a burst of them on a thread of its
 * own, so that a full pipe never blocks the test), its stdout is split into lines on a reader
 * thread, and its stderr is kept for failure messages. A line cut short by a {@code kill -9}
 * (no newline at the end of the output) is not a line: {@link #tornTail()} holds it.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ShellProcess implements AutoCloseable {
    private static final String EOF = new String("<eof>");

    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final List<Thread> threads = new ArrayList<>();
    private volatile String tornTail = "";
    private boolean eof;

    private ShellProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        start("stdout", () -> pumpLines(process.getInputStream()));
        start("stderr", () -> pumpStderr(process.getErrorStream()));
    }

    /**
     * Starts the shell on a log directory, with this JVM's class path.
     *
     * @param dir the log directory
     * @return the running shell
     */
    static ShellProcess start(Path dir) {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), BankShell.class.getName(), dir.toString());
        try {
            return new ShellProcess(new ProcessBuilder(cmd).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, "bank-shell-" + name + "-" + process.pid());
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private void pumpLines(InputStream in) {
        StringBuilder line = new StringBuilder();
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            for (int c = r.read(); c >= 0; c = r.read()) {
                if (c == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            line.append("<stdout read failed: ").append(e).append('>');
        } finally {
            tornTail = line.toString();
            lines.add(EOF);
        }
    }

    private void pumpStderr(InputStream in) {
        try {
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            stderr.append("<stderr read failed: ").append(e).append('>');
        }
    }

    /**
     * Sends one command and waits for nothing.
     *
     * @param command the command line
     */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to shell " + process.pid(), e);
        }
    }

    /**
     * Sends commands on a thread of its own; a write that fails because the shell died ends it.
     *
     * @param commands the command lines
     */
    void sendInBackground(List<String> commands) {
        start("stdin", () -> {
            try {
                for (String c : commands) {
                    stdin.write(c + "\n");
                }
                stdin.flush();
            } catch (IOException e) {
                // the shell was killed: the rest is never read
            }
        });
    }

    /**
     * The next complete line of stdout.
     *
     * @param timeout how long to wait; the test fails after it
     * @return the line, or null at the end of the output
     */
    String nextLine(Duration timeout) {
        if (eof) {
            return null;
        }
        String line;
        try {
            line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (line == null) {
            fail("shell " + process.pid() + " printed nothing for " + timeout + "; alive=" + process.isAlive() + "\n"
                    + stderr());
        }
        if (line == EOF) {
            eof = true;
            return null;
        }
        return line;
    }

    /**
     * {@code kill -9}: SIGKILL through the process handle, which (unlike
     * {@link Process#destroyForcibly()}) leaves this side's end of stdout open, so that the lines
     * printed before the kill can still be read. Waits until it is dead.
     *
     * @param timeout how long to wait
     */
    void kill9(Duration timeout) {
        if (!process.toHandle().destroyForcibly()) {
            fail("cannot kill shell " + process.pid());
        }
        int exit = waitFor(timeout);
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            assertEquals(128 + 9, exit, "shell " + process.pid() + " did not die of SIGKILL\n" + stderr());
        }
    }

    /**
     * Waits for the shell to exit.
     *
     * @param timeout how long; the test fails after it
     * @return the exit value
     */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("shell " + process.pid() + " did not exit in " + timeout + "\n" + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /**
     * The complete lines left in stdout, up to its end.
     *
     * @param timeout how long to wait for each
     * @return the lines
     */
    List<String> drain(Duration timeout) {
        List<String> rest = new ArrayList<>();
        for (String line = nextLine(timeout); line != null; line = nextLine(timeout)) {
            rest.add(line);
        }
        return rest;
    }

    /**
     * What stdout ended with after its last newline: a line the kill cut short, or "".
     *
     * @return the fragment; read after {@link #drain}
     */
    String tornTail() {
        return tornTail;
    }

    /**
     * Closes stdin: the shell closes its log and exits.
     */
    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shell's stderr so far.
     *
     * @return the text
     */
    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
