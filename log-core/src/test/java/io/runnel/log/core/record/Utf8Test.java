package io.runnel.log.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Utf8Test {

    private static void assertEncodesLikeTheJdk(String s) {
        byte[] expected = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, Utf8.encodedLength(s), "length of " + describe(s));
        ByteBuffer buffer = ByteBuffer.allocate(expected.length + 4);
        int end = Utf8.encode(s, buffer, 2);
        assertEquals(2 + expected.length, end, "end of " + describe(s));
        assertArrayEquals(expected, Arrays.copyOfRange(buffer.array(), 2, end), "bytes of " + describe(s));
    }

    private static String describe(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }

    @Test
    void encodesLikeStringGetBytesForEveryKindOfCharacter() {
        for (String s : RecordFixtures.HEADER_KEYS) {
            assertEncodesLikeTheJdk(s);
        }
        assertEncodesLikeTheJdk("\u007f\u0080\u07ff\u0800\uffff\ud7ff\ue000");
        assertEncodesLikeTheJdk("\uD800\uDC00\uDBFF\uDFFF");
    }

    @Test
    void replacesLoneSurrogatesWithAQuestionMarkAsTheJdkDoes() {
        assertEncodesLikeTheJdk("\uD800");
        assertEncodesLikeTheJdk("\uDC00x");
        assertEncodesLikeTheJdk("a\uD83Cb");
        assertEncodesLikeTheJdk("\uD83C\uD83C\uDF89");
        assertEncodesLikeTheJdk("\uDF89\uD83C");
    }

    @Test
    void encodesRandomStringsLikeTheJdk() {
        Random random = new Random(RecordFixtures.seed("utf8 random strings"));
        char[] interesting = {'a', '\u00e9', '\u0800', '\uffff', '\uD83C', '\uDF89', '\uD800', '\uDFFF', '?'};
        for (int i = 0; i < 5_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                        : (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            assertEncodesLikeTheJdk(new String(chars));
        }
    }
}
