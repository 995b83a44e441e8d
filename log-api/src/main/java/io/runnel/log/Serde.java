package io.runnel.log;

/**
 * Turns keys or values into bytes and back. {@link Serdes} holds the common ones.
 *
 * <p>Implementations must be thread-safe: a producer serialises on whichever thread calls
 * {@link Producer#send(ProducerRecord)}.
 *
 * @param <T> the type of the values
 */
public interface Serde<T> {

    /**
     * Turns a value into bytes. A null value should become null, so that null keys and
     * tombstones (null values) stay null in the log.
     *
     * @param value the value, may be null
     * @return the bytes, or null
     * @throws SerializationException if the value cannot be serialised
     */
    byte[] serialize(T value);

    /**
     * Turns bytes back into a value. Null bytes should become null.
     *
     * @param bytes the bytes, may be null; the implementation may keep the array
     * @return the value, or null
     * @throws SerializationException if the bytes are not a valid value
     */
    T deserialize(byte[] bytes);
}
