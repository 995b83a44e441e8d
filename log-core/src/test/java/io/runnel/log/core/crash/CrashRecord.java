package io.runnel.log.core.crash;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The records the crash tests write: key {@code w<writer>-k<seq % 32>}, value
 * {@code r<round>-w<writer>-s<seq>-<padding>} where the padding's letter and length follow from
 * the other fields (so a value that was cut, shifted or mixed up with another does not parse).
 *
 * @param round  the round of the test that wrote it
 * @param writer the writer thread (or the parent)
 * @param seq    the writer's sequence number in that round, from 0
 */
record CrashRecord(int round, int writer, long seq) {
    private static final Pattern VALUE = Pattern.compile("r(\\d{1,9})-w(\\d{1,9})-s(\\d{1,18})-([a-z]+)");

    String key() {
        return "w" + writer + "-k" + (seq % 32);
    }

    String value() {
        return "r" + round + "-w" + writer + "-s" + seq + "-" + padding(round, writer, seq);
    }

    /** 20 to 219 letters, so values vary in size and segments of 64 KiB roll every few hundred records. */
    private static String padding(int round, int writer, long seq) {
        int length = (int) ((seq * 7 + writer * 13L + round * 31L) % 200) + 20;
        char c = (char) ('a' + (int) ((seq + writer + round) % 26));
        return String.valueOf(c).repeat(length);
    }

    /**
     * Parses a value written by {@link #value()}.
     *
     * @param key   the record's key
     * @param value the record's value
     * @return the record
     * @throws IllegalArgumentException when the key or value is not exactly what such a record holds
     */
    static CrashRecord parse(String key, String value) {
        CrashRecord r = parseValue(value);
        if (!r.key().equals(key)) {
            throw new IllegalArgumentException("key '" + key + "' does not belong to value of " + r);
        }
        return r;
    }

    /**
     * Parses a value written by {@link #value()}, without its key.
     *
     * @param value the value
     * @return the record
     * @throws IllegalArgumentException when the value is not exactly what such a record holds
     */
    static CrashRecord parseValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed value '" + abbreviate(value) + "'");
        }
        CrashRecord r = new CrashRecord(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Long.parseLong(m.group(3)));
        if (!r.value().equals(value)) {
            throw new IllegalArgumentException("value '" + abbreviate(value) + "' has the wrong padding for " + r);
        }
        return r;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...(" + s.length() + " chars)";
    }
}
