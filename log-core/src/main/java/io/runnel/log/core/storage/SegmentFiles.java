package io.runnel.log.core.storage;

import java.nio.file.Path;

/**
 * Names of the files of a partition directory, as Kafka names them: a segment's files are its
 * base offset as 20 zero-padded digits plus a suffix; a partition's directory is
 * {@code <topic>-<partition>}.
 *
 * <p>Thread-safe: stateless.
 */
public final class SegmentFiles {
    /** Segment data. */
    public static final String LOG_SUFFIX = ".log";
    /** Offset index. */
    public static final String INDEX_SUFFIX = ".index";
    /** Time index. */
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    /** A file being deleted; removed on the next open if a crash left it. */
    public static final String DELETED_SUFFIX = ".deleted";
    /** A file being written; never trusted, removed on open. */
    public static final String TMP_SUFFIX = ".tmp";
    /** Kafka's leader epoch checkpoint in each partition directory. */
    public static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
    /** Suffix of a partition directory being deleted. */
    public static final String DELETE_DIR_SUFFIX = "-delete";

    private SegmentFiles() {
    }

    /**
     * The 20-digit name of a base offset.
     *
     * @param offset a base offset
     * @return e.g. {@code 00000000000000000042}
     */
    public static String filenamePrefix(long offset) {
        if (offset >= 0) { // every base offset: digits written from the right, no intermediate string
            byte[] digits = new byte[20];
            long v = offset;
            for (int i = 19; i >= 0; i--) {
                digits[i] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            }
            return new String(digits, java.nio.charset.StandardCharsets.US_ASCII);
        }
        String digits = Long.toString(offset);
        StringBuilder sb = new StringBuilder(20);
        for (int i = digits.length(); i < 20; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    /**
     * The segment's log file.
     *
     * @param dir        the partition directory
     * @param baseOffset the segment's base offset
     * @return {@code dir/<20 digits>.log}
     */
    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefix(baseOffset) + LOG_SUFFIX);
    }

    /**
     * The segment's offset index.
     *
     * @param dir        the partition directory
     * @param baseOffset the segment's base offset
     * @return {@code dir/<20 digits>.index}
     */
    public static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefix(baseOffset) + INDEX_SUFFIX);
    }

    /**
     * The segment's time index.
     *
     * @param dir        the partition directory
     * @param baseOffset the segment's base offset
     * @return {@code dir/<20 digits>.timeindex}
     */
    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefix(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /**
     * The base offset named by a segment file, or -1 when the name is not a segment file name
     * with the given suffix.
     *
     * @param fileName a file name
     * @param suffix   the expected suffix
     * @return the base offset, or -1
     */
    public static long baseOffsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < 20; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0) {
                return -1;
            }
        }
        return value;
    }

    /**
     * A partition directory's name.
     *
     * @param topic     the topic
     * @param partition the partition
     * @return {@code topic-partition}
     */
    public static String partitionDirName(String topic, int partition) {
        return topic + "-" + partition;
    }
}
