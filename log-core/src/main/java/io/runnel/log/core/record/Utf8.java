package io.runnel.log.core.record;

import java.nio.ByteBuffer;

/**
 * Encodes strings (header keys) as UTF-8 straight into a buffer, without the intermediate
 * {@code byte[]} of {@link String#getBytes}. The bytes are exactly those of
 * {@code s.getBytes(StandardCharsets.UTF_8)}: a surrogate that is not part of a valid pair is
 * replaced by {@code '?'}, as the JDK does.
 *
 * <p>Thread-safe: stateless.
 */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The number of bytes {@link #encode} writes for {@code s}.
     *
     * @param s the string
     * @return its UTF-8 length in bytes
     */
    public static int encodedLength(CharSequence s) {
        int length = s.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // four bytes for two chars
                i++;
            }
            // else: a lone surrogate becomes the single byte '?'
        }
        return bytes;
    }

    /**
     * Writes {@code s} as UTF-8 at {@code index} with absolute puts.
     *
     * @param s     the string
     * @param buf   the target; its position and limit are not changed
     * @param index where the first byte goes
     * @return the index after the last byte written
     * @throws IndexOutOfBoundsException if the bytes do not fit below the limit
     */
    public static int encode(CharSequence s, ByteBuffer buf, int index) {
        int length = s.length();
        int p = index;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf.put(p++, (byte) c);
            } else if (c < 0x800) {
                buf.put(p++, (byte) (0xC0 | (c >> 6)));
                buf.put(p++, (byte) (0x80 | (c & 0x3F)));
            } else if (!Character.isSurrogate(c)) {
                buf.put(p++, (byte) (0xE0 | (c >> 12)));
                buf.put(p++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                buf.put(p++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf.put(p++, (byte) (0xF0 | (cp >> 18)));
                buf.put(p++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                buf.put(p++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                buf.put(p++, (byte) (0x80 | (cp & 0x3F)));
            } else {
                buf.put(p++, (byte) '?');
            }
        }
        return p;
    }
}
