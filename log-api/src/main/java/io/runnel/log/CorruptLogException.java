package io.runnel.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a file of the log holds bytes that cannot be what Runnel wrote (a CRC mismatch,
 * a torn batch, an impossible offset) and cannot be recovered by truncation. Names the file and
 * the byte position.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class CorruptLogException extends LogException {
    private static final long serialVersionUID = 1L;

    /** The corrupt file, as a string so the exception stays serialisable. */
    private final String file;
    /** The byte position in the file, or -1 when not known. */
    private final long position;

    /**
     * Creates the exception.
     *
     * @param file     the corrupt file
     * @param position the byte position of the corruption in the file, or -1 when unknown
     * @param detail   what is wrong there
     */
    public CorruptLogException(Path file, long position, String detail) {
        this(file, position, detail, null);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param file     the corrupt file
     * @param position the byte position of the corruption in the file, or -1 when unknown
     * @param detail   what is wrong there
     * @param cause    the underlying failure, or null
     */
    public CorruptLogException(Path file, long position, String detail, Throwable cause) {
        super("corrupt " + Objects.requireNonNull(file, "file") + " at position " + position + ": " + detail, cause);
        this.file = file.toString();
        this.position = position;
    }

    /**
     * The corrupt file.
     *
     * @return its path
     */
    public Path file() {
        return Path.of(file);
    }

    /**
     * The byte position of the corruption in {@link #file()}, or -1 when it is not known.
     *
     * @return the position
     */
    public long position() {
        return position;
    }
}
