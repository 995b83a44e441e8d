package io.runnel.log;

/**
 * Thrown when a {@code CommitLog}, producer or consumer is used after it was closed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LogClosedException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public LogClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public LogClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
