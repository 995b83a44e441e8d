package io.runnel.log;

/**
 * What a topic does with old records (Kafka's {@code cleanup.policy}). A topic may have both.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum CleanupPolicy {
    /** Delete whole segments once they are past {@code retentionMs} or {@code retentionBytes}. */
    DELETE("delete"),
    /**
     * Keep only the last record of each key; a record with a null value (a tombstone) deletes
     * its key after {@code deleteRetentionMs}.
     */
    COMPACT("compact");

    private final String configName;

    CleanupPolicy(String configName) {
        this.configName = configName;
    }

    /**
     * The value's name in Kafka's {@code cleanup.policy} setting.
     *
     * @return {@code "delete"} or {@code "compact"}
     */
    public String configName() {
        return configName;
    }

    /**
     * The policy with a Kafka configuration name.
     *
     * @param configName {@code "delete"} or {@code "compact"}
     * @return the policy
     * @throws InvalidConfigException if the name is not one of those (or is null)
     */
    public static CleanupPolicy forConfigName(String configName) {
        for (CleanupPolicy p : values()) {
            if (p.configName.equals(configName)) {
                return p;
            }
        }
        throw ConfigChecks.invalid("cleanupPolicy", "cleanup.policy", "be \"delete\" or \"compact\"",
                configName == null ? null : "\"" + configName + "\"");
    }
}
