package io.runnel.log;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadersTest {

    private static Header h(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mutatingTheArrayAfterOfDoesNotChangeTheHeaders() {
        Header[] given = {h("a", "1"), h("b", "2")};
        Headers headers = Headers.of(given);
        given[0] = h("z", "9");
        assertEquals("a", headers.get(0).key());
        assertEquals(2, headers.size());
    }

    @Test
    void mutatingTheListAfterOfDoesNotChangeTheHeaders() {
        List<Header> given = new ArrayList<>(List.of(h("a", "1")));
        Headers headers = Headers.of(given);
        given.add(h("b", "2"));
        assertEquals(1, headers.size());
    }

    @Test
    void lastHeaderReturnsTheLastOfRepeatedKeys() {
        Headers headers = Headers.of(h("k", "first"), h("other", "x"), h("k", "last"));
        assertArrayEquals("last".getBytes(StandardCharsets.UTF_8), headers.lastHeader("k").value());
        assertNull(headers.lastHeader("missing"));
    }

    @Test
    void headersWithEqualKeysAndValuesAreEqual() {
        Headers a = Headers.of(h("k", "v"), new Header("n", null));
        Headers b = Headers.of(h("k", "v"), new Header("n", null));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Headers.of(h("k", "w"), new Header("n", null)));
        assertNotEquals(a, Headers.of(new Header("n", null), h("k", "v")));
    }

    @Test
    void noHeadersIsTheSharedEmptyInstance() {
        assertSame(Headers.empty(), Headers.of());
        assertTrue(Headers.empty().isEmpty());
        assertFalse(Headers.empty().iterator().hasNext());
    }

    @Test
    void iterationFollowsTheGivenOrderAndEnds() {
        Headers headers = Headers.of(h("a", "1"), h("b", "2"));
        Iterator<Header> it = headers.iterator();
        assertEquals("a", it.next().key());
        assertEquals("b", it.next().key());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void nullHeadersAreRefused() {
        assertThrows(NullPointerException.class, () -> Headers.of(h("a", "1"), null));
        assertThrows(NullPointerException.class, () -> new Header(null, new byte[0]));
        assertThrows(IndexOutOfBoundsException.class, () -> Headers.of(h("a", "1")).get(1));
    }
}
