package io.runnel.log;

/**
 * Thrown when a configuration value is out of range or inconsistent; the message names the setting and what was expected.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class InvalidConfigException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public InvalidConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
