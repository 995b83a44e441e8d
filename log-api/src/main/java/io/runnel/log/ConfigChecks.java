package io.runnel.log;

/**
 * The checks every configuration's {@code build()} uses, so that each rejection reads the same:
 * {@code "segmentBytes (segment.bytes) must be >= 1024, was 12"}.
 *
 * <p>Stateless and thread-safe.
 */
final class ConfigChecks {

    private ConfigChecks() {
    }

    /** The setting as users see it: the Runnel name and Kafka's. */
    private static String setting(String name, String kafkaName) {
        return name + " (" + kafkaName + ")";
    }

    static InvalidConfigException invalid(String name, String kafkaName, String expected, Object was) {
        return new InvalidConfigException(setting(name, kafkaName) + " must " + expected + ", was " + was);
    }

    static <T> T notNull(String name, String kafkaName, T value) {
        if (value == null) {
            throw invalid(name, kafkaName, "not be null", null);
        }
        return value;
    }

    static int atLeast(String name, String kafkaName, int value, int min) {
        if (value < min) {
            throw invalid(name, kafkaName, "be >= " + min, value);
        }
        return value;
    }

    static long atLeast(String name, String kafkaName, long value, long min) {
        if (value < min) {
            throw invalid(name, kafkaName, "be >= " + min, value);
        }
        return value;
    }

    static int between(String name, String kafkaName, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(name, kafkaName, "be between " + min + " and " + max, value);
        }
        return value;
    }

    static double between(String name, String kafkaName, double value, double min, double max) {
        if (!(value >= min && value <= max)) { // also refuses NaN
            throw invalid(name, kafkaName, "be between " + min + " and " + max, value);
        }
        return value;
    }

    /** A limit where -1 means none. */
    static long unlimitedOrAtLeastZero(String name, String kafkaName, long value) {
        if (value < -1) {
            throw invalid(name, kafkaName, "be -1 (unlimited) or >= 0", value);
        }
        return value;
    }
}
