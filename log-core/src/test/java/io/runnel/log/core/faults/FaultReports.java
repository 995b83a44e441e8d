package io.runnel.log.core.faults;

import java.util.List;

/**
 * Short reports of failed fuzz cases: a test goes on after a failed case, prints one report per
 * failure as it happens, and fails at the end with all of them.
 *
 * <p>Thread-safe: stateless.
 */
final class FaultReports {
    private FaultReports() {
    }

    /**
     * A failure in a few lines: its message and the top frames of its deepest cause.
     *
     * @param e the failure
     * @return the summary
     */
    static String summary(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            sb.append("\n  caused by ").append(root);
        }
        StackTraceElement[] frames = root.getStackTrace();
        for (int i = 0; i < Math.min(8, frames.length); i++) {
            sb.append("\n    at ").append(frames[i]);
        }
        return sb.toString();
    }

    /**
     * The last lines of a text.
     *
     * @param text  the text
     * @param lines how many
     * @return those lines
     */
    static String lastLines(String text, int lines) {
        String[] all = text.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            sb.append("    ").append(all[i]).append('\n');
        }
        return sb.toString();
    }

    /**
     * Fails with every failure collected, the first as the cause.
     *
     * @param what     the test and its seed
     * @param failures the failures
     */
    static void throwIfAny(String what, List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(what).append(": ").append(failures.size()).append(" failed case(s)");
        for (Throwable f : failures) {
            sb.append("\n- ").append(summary(f));
        }
        AssertionError e = new AssertionError(sb.toString(), failures.get(0));
        throw e;
    }
}
