package io.runnel.log;

import java.time.Duration;
import java.util.Objects;

/**
 * When a log fsyncs its partitions to the storage device.
 *
 * <p>Whatever the policy, a send is acknowledged only once its record is in the operating system
 * (written to the segment file or its mapping), so an acknowledged record survives the process
 * being killed, even by {@code kill -9}. The policy decides what a power loss or an operating
 * system crash may lose:
 * <ul>
 *   <li>{@link #none()}, the default: the operating system writes back when it chooses; a power
 *       loss may lose whatever it had not written yet. This is Kafka's default, which relies on
 *       replication rather than fsync.</li>
 *   <li>{@link #everyMessages(long)}: a partition is fsynced once that many records were appended
 *       to it since its last fsync (Kafka's {@code flush.messages}); sends do not wait for it.</li>
 *   <li>{@link #everyInterval(Duration)}: every partition with unflushed records is fsynced that
 *       often (Kafka's {@code flush.ms}); sends do not wait for it.</li>
 *   <li>{@link #always()}: a send is acknowledged only after its record is fsynced, so a power
 *       loss loses no acknowledged record. Concurrent sends share one fsync (group commit).</li>
 * </ul>
 * A clean {@link CommitLog#close()} fsyncs everything, whatever the policy.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FlushPolicy {

    /**
     * The kinds of policy, one per factory method.
     *
     * <p>Enum constants are immutable and thread-safe.
     */
    public enum Kind {
        /** Never fsync except on close: {@link FlushPolicy#none()}. */
        NONE,
        /** Fsync after a number of records: {@link FlushPolicy#everyMessages(long)}. */
        EVERY_MESSAGES,
        /** Fsync on a timer: {@link FlushPolicy#everyInterval(Duration)}. */
        EVERY_INTERVAL,
        /** Fsync before every acknowledgement, with group commit: {@link FlushPolicy#always()}. */
        ALWAYS
    }

    private static final FlushPolicy NONE = new FlushPolicy(Kind.NONE, 0, Duration.ZERO);
    private static final FlushPolicy ALWAYS = new FlushPolicy(Kind.ALWAYS, 0, Duration.ZERO);

    private final Kind kind;
    private final long messages;
    private final Duration interval;

    private FlushPolicy(Kind kind, long messages, Duration interval) {
        this.kind = kind;
        this.messages = messages;
        this.interval = interval;
    }

    /**
     * Leaves write-back to the operating system; partitions are fsynced on close only.
     *
     * @return the policy
     */
    public static FlushPolicy none() {
        return NONE;
    }

    /**
     * Fsyncs a partition once {@code n} records were appended to it since its last fsync.
     * A power loss may lose up to about {@code n} acknowledged records per partition.
     *
     * @param n the number of records, at least 1
     * @return the policy
     * @throws InvalidConfigException if {@code n < 1}
     */
    public static FlushPolicy everyMessages(long n) {
        ConfigChecks.atLeast("everyMessages", "flush.messages", n, 1);
        return new FlushPolicy(Kind.EVERY_MESSAGES, n, Duration.ZERO);
    }

    /**
     * Fsyncs every partition with unflushed records once per interval. A power loss may lose the
     * records acknowledged in about the last interval.
     *
     * @param interval the interval, positive
     * @return the policy
     * @throws InvalidConfigException if {@code interval} is null, zero or negative
     */
    public static FlushPolicy everyInterval(Duration interval) {
        ConfigChecks.notNull("everyInterval", "flush.ms", interval);
        if (interval.isZero() || interval.isNegative()) {
            throw ConfigChecks.invalid("everyInterval", "flush.ms", "be a positive duration", interval);
        }
        return new FlushPolicy(Kind.EVERY_INTERVAL, 0, interval);
    }

    /**
     * Fsyncs before acknowledging: a send completes only once its record is on the storage
     * device. Concurrent sends share one fsync (group commit), so throughput grows with the
     * number of sending threads.
     *
     * @return the policy
     */
    public static FlushPolicy always() {
        return ALWAYS;
    }

    /**
     * Which kind of policy this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The number of records between fsyncs of a partition.
     *
     * @return the count for {@link Kind#EVERY_MESSAGES}, 0 for the other kinds
     */
    public long messages() {
        return messages;
    }

    /**
     * The time between fsyncs.
     *
     * @return the interval for {@link Kind#EVERY_INTERVAL}, {@link Duration#ZERO} for the other kinds
     */
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlushPolicy p && kind == p.kind && messages == p.messages && interval.equals(p.interval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, messages, interval);
    }

    @Override
    public String toString() {
        switch (kind) {
            case EVERY_MESSAGES:
                return "FlushPolicy[everyMessages=" + messages + "]";
            case EVERY_INTERVAL:
                return "FlushPolicy[everyInterval=" + interval + "]";
            case ALWAYS:
                return "FlushPolicy[always]";
            default:
                return "FlushPolicy[none]";
        }
    }
}
