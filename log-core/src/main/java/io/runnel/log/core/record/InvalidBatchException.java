package io.runnel.log.core.record;

/**
 * Thrown when bytes that should hold a record batch do not: a bad magic, length or CRC, a
 * truncated batch, a record whose fields do not add up. Names what is wrong and the index of the
 * offending byte in the buffer that was read; the storage layer turns it into the public
 * {@code CorruptLogException} with the file and the file position.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class InvalidBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Index in the buffer of the byte where the problem was found. */
    private final int index;
    /** The message without the index. */
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param detail what is wrong, without the index
     * @param index  the index in the buffer of the byte where the problem was found
     */
    public InvalidBatchException(String detail, int index) {
        super(detail + " (at byte index " + index + ")");
        this.index = index;
        this.detail = detail;
    }

    /**
     * What is wrong, without the index.
     *
     * @return the detail message given to the constructor
     */
    public String detail() {
        return detail;
    }

    /**
     * The index in the buffer that was read of the byte where the problem was found; for a
     * segment mapped from its start, the file position.
     *
     * @return the byte index
     */
    public int index() {
        return index;
    }
}
