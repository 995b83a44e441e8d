package io.runnel.log.core.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.Headers;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.PartitionLog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed offsets of every group, kept in memory and stored in the one partition of the
 * internal topic {@value OffsetCommitDescriptor#TOPIC} (records in
 * {@link OffsetCommitDescriptor}'s format). A commit of several partitions is one record batch:
 * the batch's CRC and recovery keep it whole or drop it whole, so a crash leaves the old commit
 * or the new one, never part of each. A commit is acknowledged once its batch is in the OS, like
 * any append; the log's {@link io.runnel.log.FlushPolicy} decides when it reaches the device.
 * Opening the log reads the topic from its start to rebuild the latest commit of each group and
 * partition.
 *
 * <p>Thread-safe: writes are serialised by one lock, which also keeps the in-memory table in the
 * order of the log; reads go to concurrent maps without a lock.
 */
public final class CommittedOffsets {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedOffsets.class);
    /** The internal topic of committed offsets, Kafka's name. */
    public static final String TOPIC = OffsetCommitDescriptor.TOPIC;
    /**
     * The internal topic's configuration: one partition (a group's commit is one batch, so all of
     * a group's commits share a partition, and one partition keeps every group's in one ordered
     * log to replay); 16 MiB segments (Kafka's 100 MiB suits a broker, not an embedded log);
     * batches up to 16 MiB (a commit of about 100,000 partitions); compaction only, never
     * time- or size-based deletion, which would drop commits still in use.
     */
    public static final TopicConfig TOPIC_CONFIG = TopicConfig.builder()
            .partitions(1)
            .segmentBytes(16 << 20)
            .maxMessageBytes(16 << 20)
            .cleanupPolicy(CleanupPolicy.COMPACT)
            .build();
    private static final int READ_BYTES = 1 << 20;

    private final Supplier<PartitionLog> createTopic;
    private final Predicate<String> topicExists;
    private volatile PartitionLog log;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Under {@link #writeLock}. */
    private final RecordBatchWriter writer = new RecordBatchWriter();
    /** Under {@link #writeLock}: the batch being encoded, grown as needed. */
    private ByteBuffer scratch = ByteBuffer.allocate(4096);
    /** Under {@link #writeLock}: one record's key and value, grown as needed. */
    private ByteBuffer keyScratch = ByteBuffer.allocate(256);
    private final ByteBuffer valueScratch = ByteBuffer.allocate(OffsetCommitDescriptor.VALUE_LENGTH);
    /** Under {@link #writeLock}: UTF-8 of group ids and topics, encoded once. */
    private final Map<String, byte[]> utf8 = new HashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<TopicPartition, OffsetCommitDescriptor.Commit>> groups =
            new ConcurrentHashMap<>();

    /**
     * Creates the store; {@link #load} reads the existing commits.
     *
     * @param createTopic creates the internal topic on the first commit and returns its partition
     * @param topicExists whether a (user) topic exists: commits to a deleted topic are refused
     */
    public CommittedOffsets(Supplier<PartitionLog> createTopic, Predicate<String> topicExists) {
        this.createTopic = createTopic;
        this.topicExists = topicExists;
    }

    /**
     * Rebuilds the latest commit of each group and partition from the internal topic, read from
     * its start to its end.
     *
     * @param existing the topic's partition, or null when the topic does not exist yet
     * Records that are not offset commits, of unknown versions, or malformed are skipped with a
     * warning.
     */
    public void load(PartitionLog existing) {
        if (existing == null) {
            return;
        }
        log = existing;
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long end = existing.endOffset();
        long next = existing.startOffset();
        long[] records = {0};
        while (next < end) {
            long from = next;
            next = existing.read(next, READ_BYTES, true, view, batch -> {
                cursor.reset(batch);
                while (cursor.next()) {
                    if (cursor.offset() >= from && cursor.offset() < end) {
                        replay(existing, cursor);
                        records[0]++;
                    }
                }
                return true;
            });
            if (next == from) {
                break;
            }
        }
        LOG.info("read {} offset commit records of {} groups from {}", records[0], groups.size(), existing.dir());
    }

    private void replay(PartitionLog existing, RecordCursor cursor) {
        byte[] keyBytes = cursor.key();
        if (keyBytes == null) {
            LOG.warn("skipping a record without a key at offset {} of {}", cursor.offset(), existing.id());
            return;
        }
        try {
            OffsetCommitDescriptor.Key key = OffsetCommitDescriptor.decodeKey(keyBytes);
            if (key == null) {
                return; // another record type (Kafka's group metadata, newer records): not ours to read
            }
            byte[] value = cursor.value();
            if (value == null) {
                Map<TopicPartition, OffsetCommitDescriptor.Commit> g = groups.get(key.group());
                if (g != null) {
                    g.remove(key.partition());
                    if (g.isEmpty()) {
                        groups.remove(key.group());
                    }
                }
                return;
            }
            OffsetCommitDescriptor.Commit commit = OffsetCommitDescriptor.decodeValue(value);
            if (commit == null) {
                LOG.warn("skipping an offset commit value of an unknown version at offset {} of {}",
                        cursor.offset(), existing.id());
                return;
            }
            groups.computeIfAbsent(key.group(), g -> new ConcurrentHashMap<>()).put(key.partition(), commit);
        } catch (IllegalArgumentException e) {
            // The batch passed its CRC, so these are the bytes someone wrote (a producer sending to
            // the internal topic, say): one stray record must not make the whole log unopenable.
            LOG.warn("skipping a malformed offset commit record at offset {} of {}: {}", cursor.offset(),
                    existing.id(), e.getMessage());
        }
    }

    /**
     * Makes sure the internal topic exists, creating it on the first commit. Call it before
     * taking a group's lock: creating a topic takes the log's administration lock.
     */
    void ensureTopic() {
        if (log == null) {
            synchronized (this) {
                if (log == null) {
                    log = createTopic.get();
                }
            }
        }
    }

    /**
     * Stores a commit of one or more partitions as one record batch, and then in memory.
     * Partitions whose stored offset already equals the new one are left out of the batch, and
     * a commit that changes nothing writes nothing: committing after every poll of an idle
     * consumer costs no disk space.
     *
     * @param group   the group id
     * @param offsets the next offset to read, per partition
     * @throws UnknownTopicException           when a partition's topic no longer exists
     * @throws IllegalArgumentException        when the group id is too long to store
     * @throws io.runnel.log.StorageException  when the batch cannot be written
     * @throws io.runnel.log.LogClosedException when the log is closed
     */
    void commit(String group, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        ensureTopic();
        long now = System.currentTimeMillis();
        writeLock.lock();
        try {
            for (TopicPartition tp : offsets.keySet()) {
                if (!topicExists.test(tp.topic())) {
                    throw new UnknownTopicException("cannot commit an offset for " + tp + ": topic " + tp.topic()
                            + " does not exist");
                }
            }
            ConcurrentHashMap<TopicPartition, OffsetCommitDescriptor.Commit> known = groups.get(group);
            int changed = 0;
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                if (!unchanged(known, e.getKey(), e.getValue())) {
                    changed++;
                }
            }
            if (changed == 0) {
                return; // already stored: writing it again would only grow the log
            }
            byte[] groupBytes = utf8("group id", group);
            for (;;) {
                RecordBatchWriter w = writer.begin(scratch, 0, scratch.capacity(), 0, RecordBatchDescriptor.NO_TIMESTAMP);
                boolean fits = true;
                for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                    TopicPartition tp = e.getKey();
                    if (unchanged(known, tp, e.getValue())) {
                        continue;
                    }
                    byte[] topicBytes = utf8("topic", tp.topic());
                    int keyLength = OffsetCommitDescriptor.keyLength(groupBytes, topicBytes);
                    if (keyScratch.capacity() < keyLength) {
                        keyScratch = ByteBuffer.allocate(keyLength);
                    }
                    OffsetCommitDescriptor.writeKey(keyScratch, groupBytes, topicBytes, tp.partition());
                    int valueLength = OffsetCommitDescriptor.writeValue(valueScratch, e.getValue(), now);
                    if (!w.append(now, keyScratch.array(), 0, keyLength, valueScratch.array(), 0, valueLength,
                            Headers.empty())) {
                        fits = false;
                        break;
                    }
                }
                if (fits) {
                    appendBatch(w.finish());
                    break;
                }
                growScratch();
            }
            ConcurrentHashMap<TopicPartition, OffsetCommitDescriptor.Commit> g =
                    groups.computeIfAbsent(group, x -> new ConcurrentHashMap<>());
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                if (!unchanged(known, e.getKey(), e.getValue())) {
                    g.put(e.getKey(), new OffsetCommitDescriptor.Commit(e.getValue(), now));
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Deletes every group's commits of a topic: one batch of tombstones, then from memory.
     *
     * @param topic the deleted topic
     */
    void removeTopic(String topic) {
        writeLock.lock();
        try {
            List<byte[]> keys = new ArrayList<>();
            List<Runnable> forget = new ArrayList<>();
            for (Map.Entry<String, ConcurrentHashMap<TopicPartition, OffsetCommitDescriptor.Commit>> g : groups.entrySet()) {
                byte[] groupBytes = utf8("group id", g.getKey());
                for (TopicPartition tp : g.getValue().keySet()) {
                    if (tp.topic().equals(topic)) {
                        keys.add(OffsetCommitDescriptor.key(groupBytes,
                                OffsetCommitDescriptor.utf8("topic", topic), tp.partition()));
                        forget.add(() -> g.getValue().remove(tp));
                    }
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            for (;;) {
                RecordBatchWriter w = writer.begin(scratch, 0, scratch.capacity(), 0, RecordBatchDescriptor.NO_TIMESTAMP);
                boolean fits = true;
                for (int i = 0; i < keys.size() && fits; i++) {
                    fits = w.append(now, keys.get(i), null, Headers.empty());
                }
                if (fits) {
                    appendBatch(w.finish());
                    break;
                }
                growScratch();
            }
            forget.forEach(Runnable::run);
            groups.values().removeIf(Map::isEmpty);
            utf8.remove(topic);
        } finally {
            writeLock.unlock();
        }
    }

    private static boolean unchanged(Map<TopicPartition, OffsetCommitDescriptor.Commit> known, TopicPartition tp,
                                     long offset) {
        OffsetCommitDescriptor.Commit c = known == null ? null : known.get(tp);
        return c != null && c.offset() == offset;
    }

    /** Appends the batch encoded at the start of the scratch buffer. Under the write lock. */
    private void appendBatch(int size) {
        scratch.position(0).limit(size);
        try {
            log.append(scratch);
        } finally {
            scratch.clear();
        }
    }

    /** The batch did not fit: a larger scratch buffer (the next begin() abandons the partial batch). */
    private void growScratch() {
        scratch = ByteBuffer.allocate(scratch.capacity() * 2);
    }

    /** UTF-8 of a group id or topic, cached. Under the write lock. */
    private byte[] utf8(String what, String s) {
        byte[] b = utf8.get(s);
        if (b == null) {
            b = OffsetCommitDescriptor.utf8(what, s);
            if (utf8.size() > 10_000) {
                utf8.clear(); // bounded: group ids and topics come and go
            }
            utf8.put(s, b);
        }
        return b;
    }

    /**
     * The offset a group last committed for a partition.
     *
     * @param group     the group id
     * @param partition the partition
     * @return the offset, or empty when none was committed
     */
    public OptionalLong committed(String group, TopicPartition partition) {
        Map<TopicPartition, OffsetCommitDescriptor.Commit> g = groups.get(group);
        OffsetCommitDescriptor.Commit c = g == null ? null : g.get(partition);
        return c == null ? OptionalLong.empty() : OptionalLong.of(c.offset());
    }

    /**
     * The partitions a group has committed offsets for.
     *
     * @param group the group id
     * @return a snapshot
     */
    Set<TopicPartition> partitions(String group) {
        Map<TopicPartition, OffsetCommitDescriptor.Commit> g = groups.get(group);
        return g == null ? Set.of() : Set.copyOf(g.keySet());
    }

    /**
     * The groups with committed offsets.
     *
     * @return a sorted snapshot
     */
    Set<String> groupIds() {
        return new TreeSet<>(groups.keySet());
    }
}
