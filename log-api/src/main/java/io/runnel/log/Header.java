package io.runnel.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a string key and a byte value, as in Kafka.
 *
 * <p>Instances are immutable and thread-safe as long as nobody mutates the value array
 * they were created with; {@link #value()} returns the array itself, not a copy, so that reading
 * a header allocates nothing.
 *
 * @param key   the header key, never null
 * @param value the header value, may be null
 */
public record Header(String key, byte[] value) {

    /**
     * Validates the key.
     *
     * @param key   the header key, never null
     * @param value the header value, may be null
     * @throws NullPointerException if {@code key} is null
     */
    public Header {
        Objects.requireNonNull(key, "header key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header[key=" + key + ", value=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
