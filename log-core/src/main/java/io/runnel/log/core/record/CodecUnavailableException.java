package io.runnel.log.core.record;

import io.runnel.log.LogException;

/**
 * Thrown when a batch is to be compressed or decompressed with a codec whose library is not on
 * the class path (or, on the module path, not resolved), or whose native library failed to
 * load. The message names the Maven artifact to add. Part of the public {@link LogException}
 * family, so that a consumer's {@code poll} or a producer's {@code send} reports it as such.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CodecUnavailableException extends LogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing and how to add it
     * @param cause   the linkage error or class lookup failure, or null
     */
    public CodecUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
