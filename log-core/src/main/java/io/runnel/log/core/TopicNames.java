package io.runnel.log.core;

import io.runnel.log.InvalidTopicException;

/**
 * Topic name rules (DESIGN.md): 1–249 characters of {@code [a-zA-Z0-9._-]}, not {@code .} or
 * {@code ..}; names starting with {@code __} are reserved for internal topics.
 *
 * <p>Thread-safe: stateless.
 */
public final class TopicNames {
    /** Longest legal name, as Kafka's. */
    static final int MAX_LENGTH = 249;
    /** Prefix of internal topics. */
    static final String INTERNAL_PREFIX = "__";

    private TopicNames() {
    }

    /**
     * Checks a user topic name.
     *
     * @param name the name
     * @throws InvalidTopicException when it breaks a rule, saying which
     */
    public static void validate(String name) {
        validate(name, false);
    }

    static void validate(String name, boolean internal) {
        if (name == null) {
            throw new InvalidTopicException("topic name is null; expected 1-" + MAX_LENGTH + " characters of [a-zA-Z0-9._-]");
        }
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new InvalidTopicException("topic name '" + abbreviate(name) + "' has " + name.length()
                    + " characters; expected 1-" + MAX_LENGTH);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException("topic name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new InvalidTopicException("topic name '" + abbreviate(name) + "' has an illegal character '"
                        + c + "' at index " + i + "; expected only [a-zA-Z0-9._-]");
            }
        }
        if (!internal && name.startsWith(INTERNAL_PREFIX)) {
            throw new InvalidTopicException("topic name '" + name + "' starts with '" + INTERNAL_PREFIX
                    + "', which is reserved for internal topics");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
