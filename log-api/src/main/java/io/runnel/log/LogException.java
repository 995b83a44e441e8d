package io.runnel.log;

/**
 * Root of every exception Runnel's public API throws. All are unchecked; each names what
 * went wrong and where (topic, partition, offset, file, position).
 *
 * <p>Instances are immutable and thread-safe.
 */
public class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public LogException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public LogException(String message, Throwable cause) {
        super(message, cause);
    }
}
