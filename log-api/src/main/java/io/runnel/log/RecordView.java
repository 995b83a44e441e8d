package io.runnel.log;

import java.nio.ByteBuffer;

/**
 * One record of a {@link CommitLog#replayViews(String, RecordViewHandler) replay of views}, read
 * in place from the log's memory-mapped segment files. Nothing is copied and nothing is allocated
 * for it, unless a method below says it allocates.
 *
 * <p><strong>A view and every buffer it returns are valid only during the
 * {@link RecordViewHandler#onRecord} call that received it.</strong> The same view object is passed
 * again for the next record, and its buffers are repositioned onto the next record's bytes; once
 * the replay returns they are emptied (limit 0). The buffers are windows onto the log's mapped
 * files: never keep one, or a {@link ByteBuffer#duplicate() duplicate} or
 * {@link ByteBuffer#slice() slice} of one, past the callback. A kept buffer may show another
 * record's bytes, and reading one after its segment file was unmapped (the log closed, the topic
 * deleted) can crash the JVM. Copy what you keep:
 *
 * <pre>{@code
 * log.replayViews("accounts", record -> {
 *     ByteBuffer value = record.value();             // a window onto the log, null for a null value
 *     if (value != null) {
 *         long amount = value.getLong(value.position()); // absolute reads start at position()
 *         byte[] copy = new byte[value.remaining()];     // or copy the bytes out to keep them
 *         value.get(copy);
 *     }
 * });
 * }</pre>
 *
 * <p>The buffers are read-only and big-endian. A record's bytes are those between the buffer's
 * {@link ByteBuffer#position() position} and {@link ByteBuffer#limit() limit}: the position is not
 * 0, so absolute reads add {@code position()}. Moving the position or limit (a relative
 * {@code get}) is allowed; it changes nothing in the log.
 *
 * <p>Not thread-safe: used only on the thread that called {@code replayViews}, during the callback.
 */
public interface RecordView {

    /**
     * The record's topic.
     *
     * @return the topic name (the same instance for every record of a replay)
     */
    String topic();

    /**
     * The record's partition.
     *
     * @return the partition number
     */
    int partition();

    /**
     * The record's offset in its partition.
     *
     * @return the offset
     */
    long offset();

    /**
     * The record's timestamp.
     *
     * @return milliseconds since the epoch
     */
    long timestamp();

    /**
     * The size of the key, without touching it.
     *
     * @return the key's length in bytes, or -1 for a null key
     */
    int keySize();

    /**
     * The key's bytes, in place. Valid during the callback only.
     *
     * @return a read-only buffer whose remaining bytes are the key, or null for a null key; the
     *         same buffer object for every record
     */
    ByteBuffer key();

    /**
     * The size of the value, without touching it.
     *
     * @return the value's length in bytes, or -1 for a null value (a tombstone)
     */
    int valueSize();

    /**
     * The value's bytes, in place. Valid during the callback only.
     *
     * @return a read-only buffer whose remaining bytes are the value, or null for a null value;
     *         the same buffer object for every record
     */
    ByteBuffer value();

    /**
     * The number of headers of the record.
     *
     * @return the count, 0 when there are none
     */
    int headerCount();

    /**
     * The key of a header, decoded from UTF-8. Allocates a string.
     *
     * @param index the header, from 0 to {@code headerCount() - 1}
     * @return the key
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    String headerKey(int index);

    /**
     * The value of a header, in place. Valid during the callback only, and only until the next
     * call of this method, which repositions the same buffer object.
     *
     * @param index the header, from 0 to {@code headerCount() - 1}
     * @return a read-only buffer whose remaining bytes are the header's value, or null for a null
     *         value
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    ByteBuffer headerValue(int index);

    /**
     * A copy of all the headers, to keep. Allocates (nothing when there are none).
     *
     * @return the headers, {@link Headers#empty()} when there are none
     */
    Headers headers();
}
