package io.runnel.log;

/**
 * Thrown when an operation names a topic (or a partition of a topic) that does not exist.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class UnknownTopicException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public UnknownTopicException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public UnknownTopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
