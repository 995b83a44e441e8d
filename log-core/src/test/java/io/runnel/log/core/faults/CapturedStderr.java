package io.runnel.log.core.faults;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Holds back what is written to {@code System.err} (where slf4j-simple logs) while a fuzz case
 * runs, so that thousands of cases do not flood the build output with the warnings recovery is
 * meant to log; a failing case shows its own log. slf4j-simple looks {@code System.err} up at
 * every line, so swapping it catches the log.
 *
 * <p>Not thread-safe: one test thread swaps the stream; other threads only write to it.
 */
final class CapturedStderr implements AutoCloseable {
    /** Only the end of a long log is kept. */
    private static final int KEEP = 64 << 10;

    private final PrintStream original = System.err;
    private final Tail tail = new Tail();

    CapturedStderr() {
        System.setErr(new PrintStream(tail, true, StandardCharsets.UTF_8));
    }

    /** Forgets what was written so far (a new case starts). */
    void clear() {
        tail.reset();
    }

    /**
     * What was written since the last {@link #clear()}, the last 64 KiB of it.
     *
     * @return the text
     */
    String text() {
        return tail.text();
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    /** A byte sink that keeps its last {@link #KEEP} bytes. */
    private static final class Tail extends ByteArrayOutputStream {
        @Override
        public synchronized void write(int b) {
            super.write(b);
            trim();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            trim();
        }

        private void trim() {
            if (count > 2 * KEEP) {
                System.arraycopy(buf, count - KEEP, buf, 0, KEEP);
                count = KEEP;
            }
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }
}
