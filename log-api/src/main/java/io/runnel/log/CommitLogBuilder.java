package io.runnel.log;

import io.runnel.log.spi.CommitLogProvider;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The settings a {@link CommitLog} is opened with; created by {@link CommitLog#builder(Path)}.
 *
 * <pre>{@code
 * CommitLog log = CommitLog.builder(dir)
 *         .flushPolicy(FlushPolicy.everyInterval(Duration.ofSeconds(1)))
 *         .topicDefaults(TopicConfig.builder().retentionMs(Duration.ofDays(30).toMillis()).build())
 *         .open();
 * }</pre>
 *
 * <p>This class is not thread-safe: configure and open it from one thread. The implementation
 * reads the settings while opening, so the builder may be changed and reused afterwards without
 * affecting the open log.
 */
public final class CommitLogBuilder {

    /** The message of the exception thrown when no implementation is found. */
    static final String NO_PROVIDER =
            "no Runnel implementation found on the class or module path: add the io.runnel:log-core dependency";

    private final Path directory;
    private FlushPolicy flushPolicy = FlushPolicy.none();
    private TopicConfig topicDefaults = TopicConfig.defaults();
    private long retentionCheckIntervalMs = DEFAULT_RETENTION_CHECK_INTERVAL_MS;
    private long cleanerBackoffMs = DEFAULT_CLEANER_BACKOFF_MS;
    private long cleanerDedupeBufferSize = DEFAULT_CLEANER_DEDUPE_BUFFER_SIZE;

    /** Default {@link #retentionCheckIntervalMs()}: 5 minutes, as Kafka's {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 5 * 60 * 1000L;
    /** Default {@link #cleanerBackoffMs()}: 15 s, as Kafka's {@code log.cleaner.backoff.ms}. */
    public static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000L;
    /**
     * Default {@link #cleanerDedupeBufferSize()}: 16 MiB, room for about 700,000 distinct keys per
     * compaction pass (24 bytes a key). Kafka's {@code log.cleaner.dedupe.buffer.size} is 128 MiB
     * for a broker; an embedded log shares its host's heap, so Runnel starts smaller.
     */
    public static final long DEFAULT_CLEANER_DEDUPE_BUFFER_SIZE = 16L << 20;
    /** The least {@link #cleanerDedupeBufferSize()}: 64 KiB. */
    public static final long MIN_CLEANER_DEDUPE_BUFFER_SIZE = 64L << 10;

    CommitLogBuilder(Path directory) {
        this.directory = Objects.requireNonNull(directory, "the log directory must not be null");
    }

    /**
     * Sets when partitions are fsynced. Whatever the policy, an acknowledged record is in the
     * operating system and survives the process being killed; the policy decides what a power
     * loss may lose.
     *
     * @param flushPolicy the policy; the default is {@link FlushPolicy#none()}
     * @return this builder
     * @throws NullPointerException if {@code flushPolicy} is null
     */
    public CommitLogBuilder flushPolicy(FlushPolicy flushPolicy) {
        this.flushPolicy = Objects.requireNonNull(flushPolicy, "flushPolicy must not be null");
        return this;
    }

    /**
     * Sets the configuration of topics created with {@link CommitLog#createTopic(String, int)},
     * which replaces only the partition count.
     *
     * @param topicDefaults the defaults; the default is {@link TopicConfig#defaults()}
     * @return this builder
     * @throws NullPointerException if {@code topicDefaults} is null
     */
    public CommitLogBuilder topicDefaults(TopicConfig topicDefaults) {
        this.topicDefaults = Objects.requireNonNull(topicDefaults, "topicDefaults must not be null");
        return this;
    }

    /**
     * The log directory.
     *
     * @return the directory given to {@link CommitLog#builder(Path)}
     */
    public Path directory() {
        return directory;
    }

    /**
     * When partitions are fsynced.
     *
     * @return the flush policy, {@link FlushPolicy#none()} unless set
     */
    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    /**
     * The configuration of topics created with a partition count only.
     *
     * @return the topic defaults, {@link TopicConfig#defaults()} unless set
     */
    public TopicConfig topicDefaults() {
        return topicDefaults;
    }

    /**
     * Opens (creating when missing) the log with these settings. The implementation is the first
     * {@link CommitLogProvider} that {@link ServiceLoader} finds with this API's class loader,
     * looked up on the first open of the JVM and kept for the next ones.
     *
     * @return the open log, which the caller closes
     * @throws LogException        if no implementation is on the class or module path (add the
     *                             {@code io.runnel:log-core} dependency) or it cannot be loaded
     * @throws LogLockedException  if the directory is already open, in this process or another
     * @throws StorageException    if the directory cannot be created, read or locked
     * @throws CorruptLogException if a file holds bytes that recovery cannot repair
     */
    public CommitLog open() {
        CommitLogProvider provider = foundProvider;
        if (provider == null) {
            // The class loader is fixed, so what it finds is too; a failed lookup is not kept.
            provider = first(ServiceLoader.load(CommitLogProvider.class, CommitLogProvider.class.getClassLoader()));
            foundProvider = provider;
        }
        return provider.open(this);
    }

    /** The provider {@link #open()} found before; a service lookup scans the class path (a sixth of an open). */
    private static volatile CommitLogProvider foundProvider;

    /**
     * Sets how often the background maintenance thread deletes segments past their topic's
     * {@code retention.ms} or {@code retention.bytes} ({@code log.retention.check.interval.ms}).
     * {@link CommitLog#runMaintenance()} does it at once.
     *
     * @param ms milliseconds, at least 1; the default is {@link #DEFAULT_RETENTION_CHECK_INTERVAL_MS}
     * @return this builder
     * @throws InvalidConfigException if {@code ms} is below 1
     */
    public CommitLogBuilder retentionCheckIntervalMs(long ms) {
        if (ms < 1) {
            throw new InvalidConfigException("retentionCheckIntervalMs must be at least 1, was " + ms);
        }
        this.retentionCheckIntervalMs = ms;
        return this;
    }

    /**
     * Sets how often the background maintenance thread looks for compacted partitions to clean
     * ({@code log.cleaner.backoff.ms}).
     *
     * @param ms milliseconds, at least 1; the default is {@link #DEFAULT_CLEANER_BACKOFF_MS}
     * @return this builder
     * @throws InvalidConfigException if {@code ms} is below 1
     */
    public CommitLogBuilder cleanerBackoffMs(long ms) {
        if (ms < 1) {
            throw new InvalidConfigException("cleanerBackoffMs must be at least 1, was " + ms);
        }
        this.cleanerBackoffMs = ms;
        return this;
    }

    /**
     * Sets the most heap the compaction key map may take ({@code log.cleaner.dedupe.buffer.size}):
     * 24 bytes per distinct key, filled to 90 %. A partition with more distinct keys in its
     * uncleaned part than fit is cleaned in several passes.
     *
     * @param bytes at least {@link #MIN_CLEANER_DEDUPE_BUFFER_SIZE}; the default is
     *              {@link #DEFAULT_CLEANER_DEDUPE_BUFFER_SIZE}
     * @return this builder
     * @throws InvalidConfigException if {@code bytes} is below the minimum or above 2 GiB x 24
     */
    public CommitLogBuilder cleanerDedupeBufferSize(long bytes) {
        if (bytes < MIN_CLEANER_DEDUPE_BUFFER_SIZE || bytes / 24 > Integer.MAX_VALUE - 8) {
            throw new InvalidConfigException("cleanerDedupeBufferSize must be from " + MIN_CLEANER_DEDUPE_BUFFER_SIZE
                    + " bytes to 48 GiB, was " + bytes);
        }
        this.cleanerDedupeBufferSize = bytes;
        return this;
    }

    /**
     * How often retention is enforced in the background.
     *
     * @return milliseconds
     */
    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    /**
     * How often compacted partitions are checked for cleaning in the background.
     *
     * @return milliseconds
     */
    public long cleanerBackoffMs() {
        return cleanerBackoffMs;
    }

    /**
     * The most heap the compaction key map may take.
     *
     * @return bytes
     */
    public long cleanerDedupeBufferSize() {
        return cleanerDedupeBufferSize;
    }

    /**
     * Opens the log with the first of the given providers; the seam that tests use.
     *
     * @param providers the providers found
     * @return the open log
     */
    CommitLog open(Iterable<CommitLogProvider> providers) {
        return first(providers).open(this);
    }

    private static CommitLogProvider first(Iterable<CommitLogProvider> providers) {
        try {
            Iterator<CommitLogProvider> it = providers.iterator();
            if (!it.hasNext()) {
                throw new LogException(NO_PROVIDER);
            }
            return it.next();
        } catch (ServiceConfigurationError e) {
            throw new LogException("the Runnel implementation could not be loaded: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CommitLogBuilder[directory=" + directory + ", flushPolicy=" + flushPolicy
                + ", topicDefaults=" + topicDefaults + ", retentionCheckIntervalMs=" + retentionCheckIntervalMs
                + ", cleanerBackoffMs=" + cleanerBackoffMs + ", cleanerDedupeBufferSize=" + cleanerDedupeBufferSize + "]";
    }
}
