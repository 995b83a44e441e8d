package io.runnel.log;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The ordered, immutable list of headers of a record. Keys may repeat, as in Kafka.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Headers implements Iterable<Header> {

    private static final Header[] NONE = new Header[0];
    private static final Headers EMPTY = new Headers(NONE);

    private final Header[] headers;

    private Headers(Header[] headers) {
        this.headers = headers;
    }

    /**
     * No headers.
     *
     * @return the shared empty instance
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * The given headers, in order.
     *
     * @param headers the headers; the array is copied
     * @return the headers
     * @throws NullPointerException if the array or any element is null
     */
    public static Headers of(Header... headers) {
        Objects.requireNonNull(headers, "headers");
        if (headers.length == 0) {
            return EMPTY;
        }
        Header[] copy = headers.clone();
        for (Header h : copy) {
            Objects.requireNonNull(h, "header");
        }
        return new Headers(copy);
    }

    /**
     * The given headers, in order.
     *
     * @param headers the headers; the list is copied
     * @return the headers
     * @throws NullPointerException if the list or any element is null
     */
    public static Headers of(List<Header> headers) {
        return of(headers.toArray(NONE));
    }

    /**
     * How many headers there are.
     *
     * @return the count
     */
    public int size() {
        return headers.length;
    }

    /**
     * Whether there are none.
     *
     * @return true when {@link #size()} is 0
     */
    public boolean isEmpty() {
        return headers.length == 0;
    }

    /**
     * The header at an index.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the header
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public Header get(int index) {
        Objects.checkIndex(index, headers.length);
        return headers[index];
    }

    /**
     * The last header with the given key, as Kafka's {@code lastHeader}.
     *
     * @param key the key
     * @return the header, or null when there is none
     */
    public Header lastHeader(String key) {
        for (int i = headers.length - 1; i >= 0; i--) {
            if (headers[i].key().equals(key)) {
                return headers[i];
            }
        }
        return null;
    }

    @Override
    public Iterator<Header> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < headers.length;
            }

            @Override
            public Header next() {
                if (next >= headers.length) {
                    throw new NoSuchElementException();
                }
                return headers[next++];
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && Arrays.equals(headers, h.headers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(headers);
    }

    @Override
    public String toString() {
        return "Headers" + Arrays.toString(headers);
    }
}
