package io.runnel.log;

/**
 * Thrown by topic creation when a topic of that name already exists.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class TopicExistsException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public TopicExistsException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public TopicExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
