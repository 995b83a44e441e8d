package io.runnel.log.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.CommitLogBuilder;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.CorruptLogException;
import io.runnel.log.FlushPolicy;
import io.runnel.log.GroupDescription;
import io.runnel.log.InvalidTopicException;
import io.runnel.log.LogClosedException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.RecordViewHandler;
import io.runnel.log.ReplayHandler;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serde;
import io.runnel.log.StorageException;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicExistsException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.client.RunnelConsumer;
import io.runnel.log.core.client.Replayer;
import io.runnel.log.core.client.RunnelProducer;
import io.runnel.log.core.group.CommittedOffsets;
import io.runnel.log.core.group.GroupCoordinator;
import io.runnel.log.core.maintenance.LogMaintenance;
import io.runnel.log.core.storage.AtomicFiles;
import io.runnel.log.core.storage.CheckpointFile;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.storage.SegmentFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit log of one directory: its lock, its topics and their partition logs, the
 * recovery-point checkpoint, the clean-shutdown marker, and one background thread that flushes
 * rolled segments and interval flush policies and writes checkpoints.
 *
 * <p>Thread-safe: topic administration is serialised; producers and consumers run concurrently.
 */
public final class RunnelCommitLog implements CommitLog, LogAccess {
    private static final Logger LOG = LoggerFactory.getLogger(RunnelCommitLog.class);
    static final String CLEAN_SHUTDOWN = ".clean-shutdown";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    /** How often recovery points are checkpointed when they moved. */
    static final long CHECKPOINT_INTERVAL_MS = 1000;
    /** How long the maintenance thread sleeps between looks at its clock. */
    private static final long MAINTENANCE_IDLE_MS = 100;
    /** A partition directory renamed for deletion: {@code <topic>-<partition>.<32 hex>-delete}. */
    private static final java.util.regex.Pattern DELETE_DIR =
            java.util.regex.Pattern.compile(".+-[0-9]+\\.[0-9a-f]{32}" + SegmentFiles.DELETE_DIR_SUFFIX);

    private final Path dir;
    private final FlushPolicy flushPolicy;
    private final TopicConfig topicDefaults;
    private final DirectoryLock lock;
    private final ScheduledThreadPoolExecutor background;
    /** Reserves segment space ahead of writers, apart from flushes that can take seconds. */
    private final java.util.concurrent.ThreadPoolExecutor reserver;
    private final Object adminLock = new Object();
    private final Map<String, RunnelTopic> topics = new LinkedHashMap<>();
    private volatile Map<String, RunnelTopic> topicView = Map.of();
    private final Map<TopicPartition, Long> lastCheckpointed = new HashMap<>();
    private volatile boolean closed;
    /** Producers and consumers still open, closed with the log. */
    private final java.util.Set<AutoCloseable> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Committed offsets, in the internal topic {@value CommittedOffsets#TOPIC}. */
    private final CommittedOffsets committedOffsets;
    /** The consumer groups of this log. */
    private final GroupCoordinator groups;
    /** Retention and compaction, on one background thread for the whole log. */
    private final LogMaintenance maintenance;
    private org.agrona.concurrent.AgentRunner maintenanceRunner;

    private RunnelCommitLog(Path dir, CommitLogBuilder settings, DirectoryLock lock) {
        this.dir = dir;
        this.flushPolicy = settings.flushPolicy();
        this.topicDefaults = settings.topicDefaults();
        this.lock = lock;
        this.background = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "runnel-log-background-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        background.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.reserver = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "runnel-log-reserver-" + dir.getFileName());
                    t.setDaemon(true);
                    return t;
                });
        this.committedOffsets = new CommittedOffsets(this::offsetsTopic, name -> topicView.containsKey(name));
        this.groups = new GroupCoordinator(committedOffsets, this::partitionCountOrZero, this::endOffsetOrMinusOne);
        this.maintenance = new LogMaintenance(dir, this::maintenanceTargets, settings.retentionCheckIntervalMs(),
                settings.cleanerBackoffMs(), settings.cleanerDedupeBufferSize());
    }

    /**
     * Opens (or creates) the log in {@code settings.directory()}.
     *
     * @param settings the builder's settings
     * @return the open log
     */
    static RunnelCommitLog open(CommitLogBuilder settings) {
        Path dir = Objects.requireNonNull(settings.directory(), "directory").toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StorageException("log directory " + dir + " is a file; expected a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new StorageException("log directory " + dir + " is not writable");
        }
        DirectoryLock lock = DirectoryLock.acquire(dir);
        RunnelCommitLog log = null;
        try {
            log = new RunnelCommitLog(dir, settings, lock);
            log.load();
            return log;
        } catch (RuntimeException e) {
            if (log != null) {
                log.abandon();
            } else {
                lock.close();
            }
            throw e;
        }
    }

    private void load() {
        Path marker = dir.resolve(CLEAN_SHUTDOWN);
        boolean clean = Files.exists(marker);
        boolean fresh = Files.notExists(dir.resolve(TopicMetadataStore.FILE_NAME));
        removeLeftOverTmpFiles();
        Map<TopicPartition, Long> recoveryPoints = readRecoveryPoints(clean);
        Map<String, TopicConfig> configs = TopicMetadataStore.read(dir);
        removeOrphanDirectories(configs, fresh);
        for (Map.Entry<String, TopicConfig> e : configs.entrySet()) {
            topics.put(e.getKey(), openTopic(e.getKey(), e.getValue(), clean, recoveryPoints));
        }
        topicView = Map.copyOf(topics);
        restoreStartOffsets();
        RunnelTopic offsets = topics.get(CommittedOffsets.TOPIC);
        committedOffsets.load(offsets == null ? null : offsets.runnelPartition(0).log());
        try {
            Files.deleteIfExists(marker);
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot remove " + marker + ": " + e.getMessage(), e);
        }
        if (clean && Files.exists(dir.resolve(RECOVERY_POINT_CHECKPOINT)) && checkpointHolds(recoveryPoints)) {
            // After a clean close the file already says what would be written: no write, no fsync.
            lastCheckpointed.putAll(recoveryPoints);
        } else {
            writeRecoveryPoints();
        }
        background.scheduleWithFixedDelay(this::checkpointIfMoved, CHECKPOINT_INTERVAL_MS, CHECKPOINT_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        if (flushPolicy.kind() == FlushPolicy.Kind.EVERY_INTERVAL) {
            long ms = Math.max(1, flushPolicy.interval().toMillis());
            background.scheduleWithFixedDelay(this::flushAll, ms, ms, TimeUnit.MILLISECONDS);
        }
        maintenanceRunner = new org.agrona.concurrent.AgentRunner(
                new org.agrona.concurrent.SleepingMillisIdleStrategy(MAINTENANCE_IDLE_MS),
                e -> LOG.warn("maintenance of {} failed", dir, e), null, maintenance);
        org.agrona.concurrent.AgentRunner.startOnThread(maintenanceRunner, r -> {
            Thread t = new Thread(r, maintenance.roleName());
            t.setDaemon(true);
            return t;
        });
        LOG.info("opened {} ({} topics, {})", dir, topics.size(),
                fresh ? "new log" : clean ? "after a clean shutdown" : "recovered after an unclean shutdown");
    }

    private Map<TopicPartition, Long> readRecoveryPoints(boolean clean) {
        Map<TopicPartition, Long> points = new HashMap<>();
        Path file = dir.resolve(RECOVERY_POINT_CHECKPOINT);
        try {
            points.putAll(CheckpointFile.readPartitionOffsets(file));
        } catch (CorruptLogException e) {
            if (!clean) {
                LOG.warn("ignoring damaged {} ({}); every segment will be recovered", file, e.getMessage());
            }
            points.clear();
        }
        return points;
    }

    /** Start offsets above a partition's first segment (a retention deletion cut short by a crash). */
    private void restoreStartOffsets() {
        Map<TopicPartition, Long> starts = LogMaintenance.readStartOffsets(dir);
        for (RunnelTopic t : topics.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                Long start = starts.get(p.id());
                if (start != null) {
                    p.log().restoreStartOffset(start);
                }
            }
        }
    }

    private Collection<LogMaintenance.Target> maintenanceTargets() {
        List<LogMaintenance.Target> out = new ArrayList<>();
        for (RunnelTopic t : topicView.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                out.add(new LogMaintenance.Target(p.id(), p.log(), t.config()));
            }
        }
        return out;
    }

    @Override
    public io.runnel.log.MaintenanceResult runMaintenance() {
        ensureOpen();
        return maintenance.runNow();
    }

    /**
     * The log's retention and compaction (tests set its clock).
     *
     * @return the maintenance
     */
    public LogMaintenance maintenance() {
        return maintenance;
    }

    private RunnelTopic openTopic(String name, TopicConfig config, boolean clean, Map<TopicPartition, Long> points) {
        List<RunnelPartition> parts = new java.util.concurrent.CopyOnWriteArrayList<>();
        LogConfig logConfig = LogConfig.of(config);
        try {
            List<RunnelPartition> opened = Parallel.map(config.partitions(), "runnel-open-" + name, p -> {
                TopicPartition tp = new TopicPartition(name, p);
                Path pdir = dir.resolve(SegmentFiles.partitionDirName(name, p));
                RunnelPartition rp = new RunnelPartition(PartitionLog.open(tp, pdir, logConfig, flushPolicy, background,
                        reserver, clean, points.getOrDefault(tp, 0L)));
                parts.add(rp);
                return rp;
            });
            return new RunnelTopic(name, config, opened);
        } catch (RuntimeException e) {
            for (RunnelPartition rp : parts) {
                rp.log().closeForDelete();
            }
            throw e;
        }
    }

    private void removeLeftOverTmpFiles() {
        // A filter, not a glob: the glob compiled a regular expression on every open.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().endsWith(SegmentFiles.TMP_SUFFIX))) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) {
                    LOG.info("removing left-over {}", p);
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Partition directories that no topic owns: a topic deletion or creation cut short by a
     * crash. Only directories that hold nothing but Runnel's partition files are removed; when
     * the metadata file is missing altogether, nothing is removed and open fails instead.
     */
    private void removeOrphanDirectories(Map<String, TopicConfig> configs, boolean noMetadata) {
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (DELETE_DIR.matcher(name).matches()) {
                    orphans.add(p);
                    continue;
                }
                int dash = name.lastIndexOf('-');
                if (dash <= 0) {
                    continue;
                }
                String topic = name.substring(0, dash);
                int partition;
                try {
                    partition = Integer.parseInt(name.substring(dash + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
                TopicConfig c = configs.get(topic);
                if ((c == null || partition >= c.partitions()) && holdsOnlyPartitionFiles(p)) {
                    if (noMetadata) {
                        throw new CorruptLogException(dir.resolve(TopicMetadataStore.FILE_NAME), 0,
                                "the topic metadata file is missing but partition directory " + p
                                        + " exists; restore the file (nothing was deleted)");
                    }
                    LOG.warn("removing partition directory {}: no such topic partition in {}", p,
                            TopicMetadataStore.FILE_NAME);
                    orphans.add(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : orphans) {
            deleteRecursively(p);
        }
    }

    private static boolean holdsOnlyPartitionFiles(Path partitionDir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean ours = Files.isRegularFile(f) && (n.equals(SegmentFiles.LEADER_EPOCH_CHECKPOINT)
                        || n.endsWith(SegmentFiles.TMP_SUFFIX) || n.endsWith(SegmentFiles.DELETED_SUFFIX)
                        || SegmentFiles.baseOffsetOf(n, SegmentFiles.LOG_SUFFIX) >= 0
                        || SegmentFiles.baseOffsetOf(n, SegmentFiles.INDEX_SUFFIX) >= 0
                        || SegmentFiles.baseOffsetOf(n, SegmentFiles.TIME_INDEX_SUFFIX) >= 0);
                if (!ours) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ topics

    @Override
    public Topic createTopic(String name, int partitions) {
        return createTopic(name, topicDefaults.toBuilder().partitions(partitions).build());
    }

    @Override
    public Topic createTopic(String name, TopicConfig config) {
        Objects.requireNonNull(name, "name");
        TopicNames.validate(name);
        Objects.requireNonNull(config, "config");
        RunnelTopic topic = createTopicInternal(name, config);
        groups.topicCreated(); // outside the admin lock: groups take their own locks
        return topic;
    }

    RunnelTopic createTopicInternal(String name, TopicConfig config) {
        synchronized (adminLock) {
            ensureOpen();
            if (topics.containsKey(name)) {
                throw new TopicExistsException("topic " + name + " already exists in " + dir);
            }
            List<RunnelPartition> created = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<RunnelPartition> parts;
            LogConfig logConfig = LogConfig.of(config);
            try {
                parts = Parallel.map(config.partitions(), "runnel-create-" + name, p -> {
                    Path pdir = dir.resolve(SegmentFiles.partitionDirName(name, p));
                    if (Files.exists(pdir)) {
                        deleteRecursively(pdir);
                    }
                    RunnelPartition rp = new RunnelPartition(PartitionLog.open(new TopicPartition(name, p), pdir,
                            logConfig, flushPolicy, background, reserver, true, 0));
                    created.add(rp);
                    return rp;
                });
                Map<String, TopicConfig> next = configs();
                next.put(name, config);
                TopicMetadataStore.write(dir, next);
            } catch (RuntimeException e) {
                for (RunnelPartition rp : created) {
                    rp.log().closeForDelete();
                    deleteRecursively(rp.log().dir());
                }
                throw e;
            }
            RunnelTopic topic = new RunnelTopic(name, config, parts);
            topics.put(name, topic);
            topicView = Map.copyOf(topics);
            return topic;
        }
    }

    private Map<String, TopicConfig> configs() {
        Map<String, TopicConfig> m = new LinkedHashMap<>();
        for (RunnelTopic t : topics.values()) {
            m.put(t.name(), t.config());
        }
        return m;
    }

    @Override
    public Optional<Topic> topic(String name) {
        ensureOpen();
        return Optional.ofNullable(topicView.get(name));
    }

    @Override
    public Collection<Topic> topics() {
        ensureOpen();
        List<Topic> out = new ArrayList<>();
        for (RunnelTopic t : topicView.values()) {
            if (!t.name().startsWith(TopicNames.INTERNAL_PREFIX)) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void deleteTopic(String name) {
        Objects.requireNonNull(name, "name");
        TopicNames.validate(name, true);
        if (name.equals(CommittedOffsets.TOPIC)) {
            throw new InvalidTopicException("topic " + name + " holds the committed offsets of consumer groups "
                    + "and cannot be deleted");
        }
        synchronized (adminLock) {
            ensureOpen();
            RunnelTopic topic = topics.get(name);
            if (topic == null) {
                throw new UnknownTopicException("topic " + name + " does not exist in " + dir);
            }
            Map<String, TopicConfig> next = configs();
            next.remove(name);
            TopicMetadataStore.write(dir, next);
            topics.remove(name);
            topicView = Map.copyOf(topics);
            topic.markDeleted();
            String tag = "." + UUID.randomUUID().toString().replace("-", "") + SegmentFiles.DELETE_DIR_SUFFIX;
            for (RunnelPartition p : topic.runnelPartitions()) {
                p.markDeleted();
                p.log().closeForDelete();
                Path pdir = p.log().dir();
                Path doomed = pdir.resolveSibling(pdir.getFileName() + tag);
                try {
                    Files.move(pdir, doomed);
                } catch (IOException e) {
                    throw new StorageException("cannot delete " + pdir + ": " + e.getMessage(), e);
                }
                deleteRecursively(doomed);
            }
            AtomicFiles.fsyncDirectory(dir);
        }
        maintenance.forget(name);
        groups.topicDeleted(name); // outside the admin lock: groups take their own locks
    }

    // ------------------------------------------------------------------ groups

    /**
     * The partition of the internal offsets topic, created on first use. Called without any
     * group lock held (creation takes the admin lock).
     */
    private PartitionLog offsetsTopic() {
        RunnelTopic t = topicView.get(CommittedOffsets.TOPIC);
        if (t == null) {
            try {
                t = createTopicInternal(CommittedOffsets.TOPIC, CommittedOffsets.TOPIC_CONFIG);
            } catch (TopicExistsException e) {
                t = topicView.get(CommittedOffsets.TOPIC);
            }
        }
        return t.runnelPartition(0).log();
    }

    private int partitionCountOrZero(String topic) {
        RunnelTopic t = topicView.get(topic);
        return t == null ? 0 : t.partitionCount();
    }

    private long endOffsetOrMinusOne(TopicPartition tp) {
        RunnelTopic t = topicView.get(tp.topic());
        return t == null || tp.partition() >= t.partitionCount() ? -1 : t.runnelPartition(tp.partition()).log().endOffset();
    }

    @Override
    public List<GroupDescription> describeGroups() {
        ensureOpen();
        return groups.describeGroups();
    }

    @Override
    public Optional<GroupDescription> describeGroup(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        ensureOpen();
        return groups.describeGroup(groupId);
    }

    // ------------------------------------------------------------------ LogAccess

    @Override
    public PartitionLog partitionLog(TopicPartition tp) {
        ensureOpen();
        RunnelTopic t = topicView.get(tp.topic());
        if (t == null) {
            throw new UnknownTopicException("topic " + tp.topic() + " does not exist in " + dir);
        }
        return t.runnelPartition(tp.partition()).log();
    }

    @Override
    public int partitionCount(String topic) {
        ensureOpen();
        RunnelTopic t = topicView.get(Objects.requireNonNull(topic, "topic"));
        if (t == null) {
            throw new UnknownTopicException("topic " + topic + " does not exist in " + dir);
        }
        return t.partitionCount();
    }

    // ------------------------------------------------------------------ replay

    @Override
    public <K, V> ReplayResult replay(String topic, Map<TopicPartition, Long> fromOffsets, Serde<K> keys,
                                      Serde<V> values, ReplayHandler<K, V> handler) {
        return Replayer.replay(this, topic, fromOffsets, keys, values, handler);
    }

    @Override
    public ReplayResult replayViews(String topic, Map<TopicPartition, Long> fromOffsets, RecordViewHandler handler) {
        return Replayer.replayViews(this, topic, fromOffsets, handler);
    }

    // ------------------------------------------------------------------ clients

    @Override
    public <K, V> Producer<K, V> producer(Serde<K> keys, Serde<V> values) {
        return producer(ProducerConfig.builder().build(), keys, values);
    }

    @Override
    public <K, V> Producer<K, V> producer(ProducerConfig config, Serde<K> keys, Serde<V> values) {
        ensureOpen();
        RunnelProducer<K, V> p = new RunnelProducer<>(this, config, keys, values, clients::remove);
        clients.add(p);
        return p;
    }

    @Override
    public <K, V> Consumer<K, V> consumer(ConsumerConfig config, Serde<K> keys, Serde<V> values) {
        ensureOpen();
        RunnelConsumer<K, V> c = new RunnelConsumer<>(this, groups, config, keys, values, clients::remove);
        clients.add(c);
        return c;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException("commit log " + dir + " is closed");
        }
    }

    @Override
    public void ensureOpenForClients() {
        ensureOpen();
    }

    private void flushAll() {
        for (RunnelTopic t : topicView.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                if (!p.log().isClosed()) {
                    try {
                        p.log().flush();
                    } catch (RuntimeException e) {
                        LOG.warn("interval flush of {} failed", p.id(), e);
                    }
                }
            }
        }
    }

    private void checkpointIfMoved() {
        try {
            synchronized (adminLock) {
                if (!closed && !checkpointHolds(lastCheckpointed)) {
                    writeRecoveryPoints();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("writing {} failed", RECOVERY_POINT_CHECKPOINT, e);
        }
    }

    /** Whether {@code checkpointed} holds exactly the recovery point of every open partition, and nothing else. */
    private boolean checkpointHolds(Map<TopicPartition, Long> checkpointed) {
        int partitions = 0;
        for (RunnelTopic t : topics.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                Long point = checkpointed.get(p.id());
                if (point == null || point != p.log().recoveryPoint()) {
                    return false;
                }
                partitions++;
            }
        }
        return partitions == checkpointed.size();
    }

    private void writeRecoveryPoints() {
        List<String[]> lines = new ArrayList<>();
        lastCheckpointed.clear();
        for (RunnelTopic t : topics.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                long rp = p.log().recoveryPoint();
                lastCheckpointed.put(p.id(), rp);
                lines.add(new String[] {p.id().topic(), Integer.toString(p.id().partition()), Long.toString(rp)});
            }
        }
        CheckpointFile.write(dir.resolve(RECOVERY_POINT_CHECKPOINT), lines);
    }

    @Override
    public void close() {
        synchronized (adminLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (AutoCloseable c : List.copyOf(clients)) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", c, e);
                }
            }
            maintenance.stop();
            if (maintenanceRunner != null) {
                maintenanceRunner.close();
            }
            maintenance.awaitIdle();
            background.shutdown();
            reserver.shutdown();
            try {
                reserver.awaitTermination(30, TimeUnit.SECONDS);
                if (!awaitBackgroundReleasingAdminLock(30_000)) {
                    LOG.warn("background flushes of {} did not finish in 30 s", dir);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RuntimeException failure = null;
            List<RunnelPartition> all = new ArrayList<>();
            for (RunnelTopic t : topics.values()) {
                all.addAll(t.runnelPartitions());
            }
            try {
                // Each close flushes and fsyncs its partition: in parallel, they share the disk's queue.
                Parallel.map(all.size(), "runnel-close", i -> {
                    all.get(i).log().close();
                    return null;
                });
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                if (failure == null) {
                    if (!checkpointHolds(lastCheckpointed)) {
                        writeRecoveryPoints();
                    }
                    maintenance.writeStartOffsets();
                    AtomicFiles.write(dir.resolve(CLEAN_SHUTDOWN), new byte[0]);
                }
            } catch (IOException | RuntimeException e) {
                failure = new StorageException("cannot record the clean shutdown of " + dir + ": " + e.getMessage(), e);
            } finally {
                lock.close();
            }
            LOG.info("closed {}", dir);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Waits for the background thread to end. The caller holds the admin lock, which a
     * background task may be waiting for (the checkpoint takes it), so the lock is released while
     * waiting, in steps of 1 ms: such a task then gets it, finds the log closed and ends.
     *
     * @return false when the thread had not ended after {@code timeoutMs}
     */
    private boolean awaitBackgroundReleasingAdminLock(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!background.isTerminated()) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                return false;
            }
            adminLock.wait(1);
        }
        return true;
    }

    /** Releases what a failed open took, without marking a clean shutdown. */
    private void abandon() {
        closed = true;
        maintenance.stop();
        if (maintenanceRunner != null) {
            maintenanceRunner.close();
        }
        background.shutdownNow();
        reserver.shutdownNow();
        for (RunnelTopic t : topics.values()) {
            for (RunnelPartition p : t.runnelPartitions()) {
                p.log().closeForDelete();
            }
        }
        lock.close();
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StorageException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CommitLog[" + dir + ", topics=" + topicView.keySet() + "]";
    }
}
