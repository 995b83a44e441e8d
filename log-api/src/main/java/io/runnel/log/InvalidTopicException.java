package io.runnel.log;

/**
 * Thrown when a topic name is not 1&ndash;249 characters of {@code [a-zA-Z0-9._-]}, is {@code .} or {@code ..}, or is reserved for internal topics (starts with {@code __}).
 *
 * <p>Instances are immutable and thread-safe.
 */
public class InvalidTopicException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public InvalidTopicException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public InvalidTopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
