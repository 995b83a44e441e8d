package io.runnel.log;

/**
 * Thrown when a record or batch exceeds the topic's {@code max.message.bytes} (or a segment's capacity); nothing of it is appended.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class RecordTooLargeException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public RecordTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
