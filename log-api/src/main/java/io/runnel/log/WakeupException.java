package io.runnel.log;

/**
 * Thrown by {@link Consumer#poll(java.time.Duration)} when another thread called
 * {@link Consumer#wakeup()}: the way to stop a consumer blocked in a long poll.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class WakeupException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was woken up
     */
    public WakeupException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was woken up
     * @param cause   the underlying failure, or null
     */
    public WakeupException(String message, Throwable cause) {
        super(message, cause);
    }
}
