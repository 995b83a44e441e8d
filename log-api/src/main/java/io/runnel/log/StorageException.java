package io.runnel.log;

/**
 * Thrown when the file system fails: an I/O error, a full disk, a directory that cannot be created or written.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class StorageException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and where
     * @param cause   the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
