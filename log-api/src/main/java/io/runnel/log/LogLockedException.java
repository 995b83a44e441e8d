package io.runnel.log;

/**
 * Thrown when a log directory is already open, in this process or another: one writer per directory.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LogLockedException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public LogLockedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public LogLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
