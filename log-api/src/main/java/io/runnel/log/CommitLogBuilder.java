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
     * {@link CommitLogProvider} that {@link ServiceLoader} finds with this API's class loader.
     *
     * @return the open log, which the caller closes
     * @throws LogException        if no implementation is on the class or module path (add the
     *                             {@code io.runnel:log-core} dependency) or it cannot be loaded
     * @throws LogLockedException  if the directory is already open, in this process or another
     * @throws StorageException    if the directory cannot be created, read or locked
     * @throws CorruptLogException if a file holds bytes that recovery cannot repair
     */
    public CommitLog open() {
        return open(ServiceLoader.load(CommitLogProvider.class, CommitLogProvider.class.getClassLoader()));
    }

    /**
     * Opens the log with the first of the given providers; the seam that tests use.
     *
     * @param providers the providers found
     * @return the open log
     */
    CommitLog open(Iterable<CommitLogProvider> providers) {
        CommitLogProvider provider;
        try {
            Iterator<CommitLogProvider> it = providers.iterator();
            if (!it.hasNext()) {
                throw new LogException(NO_PROVIDER);
            }
            provider = it.next();
        } catch (ServiceConfigurationError e) {
            throw new LogException("the Runnel implementation could not be loaded: " + e.getMessage(), e);
        }
        return provider.open(this);
    }

    @Override
    public String toString() {
        return "CommitLogBuilder[directory=" + directory + ", flushPolicy=" + flushPolicy
                + ", topicDefaults=" + topicDefaults + "]";
    }
}
