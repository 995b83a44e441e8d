package io.runnel.log;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open log directory: its topics, and the producers and consumers that write and read them.
 * This is where an application starts:
 *
 * <pre>{@code
 * try (CommitLog log = CommitLog.open(Path.of("data/events"))) {
 *     Topic orders = log.topic("orders").orElseGet(() -> log.createTopic("orders", 4));
 *     try (Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string())) {
 *         producer.send(ProducerRecord.of("orders", "order-17", "created")).join();
 *     }
 * }
 * }</pre>
 *
 * <p>One process at a time may have a directory open: a second open, in this process or another,
 * fails with {@link LogLockedException}. Opening after a crash recovers the unflushed tail of each
 * partition first.
 *
 * <p>Implementations are thread-safe: every method may be called from any thread, and topics,
 * producers and consumers may be created while others are in use.
 */
public interface CommitLog extends AutoCloseable {

    /**
     * Opens the log in a directory with the default settings, creating the directory when it is
     * missing. The same as {@code builder(dir).open()}.
     *
     * @param dir the log directory
     * @return the open log, which the caller closes
     * @throws NullPointerException if {@code dir} is null
     * @throws LogException         if no implementation is on the class or module path (add the
     *                              {@code io.runnel:log-core} dependency)
     * @throws LogLockedException   if the directory is already open, in this process or another
     * @throws StorageException     if the directory cannot be created, read or locked
     * @throws CorruptLogException  if a file holds bytes that recovery cannot repair
     * @see CommitLogBuilder#open()
     */
    static CommitLog open(Path dir) {
        return builder(dir).open();
    }

    /**
     * Starts configuring a log in a directory; finish with {@link CommitLogBuilder#open()}.
     *
     * @param dir the log directory
     * @return a builder with the default settings
     * @throws NullPointerException if {@code dir} is null
     */
    static CommitLogBuilder builder(Path dir) {
        return new CommitLogBuilder(dir);
    }

    /**
     * Creates a topic with the log's topic defaults ({@link CommitLogBuilder#topicDefaults()}) and
     * the given number of partitions.
     *
     * @param name       the topic name: 1&ndash;249 characters of {@code [a-zA-Z0-9._-]}, not
     *                   {@code .} or {@code ..}, not starting with {@code __}
     * @param partitions the number of partitions, from 1 to {@link TopicConfig#MAX_PARTITIONS}
     * @return the new topic
     * @throws NullPointerException   if {@code name} is null
     * @throws InvalidTopicException  if the name is not a valid topic name
     * @throws InvalidConfigException if the partition count is out of range
     * @throws TopicExistsException   if a topic of that name exists
     * @throws LogClosedException     if the log is closed
     * @throws StorageException       if the topic's files cannot be written
     */
    Topic createTopic(String name, int partitions);

    /**
     * Creates a topic with the given configuration, which includes its partition count.
     * The configuration is stored with the topic and survives reopening.
     *
     * @param name   the topic name: 1&ndash;249 characters of {@code [a-zA-Z0-9._-]}, not
     *               {@code .} or {@code ..}, not starting with {@code __}
     * @param config the topic's configuration
     * @return the new topic
     * @throws NullPointerException  if {@code name} or {@code config} is null
     * @throws InvalidTopicException if the name is not a valid topic name
     * @throws TopicExistsException  if a topic of that name exists
     * @throws LogClosedException    if the log is closed
     * @throws StorageException      if the topic's files cannot be written
     */
    Topic createTopic(String name, TopicConfig config);

    /**
     * Looks a topic up by name.
     *
     * @param name the topic name
     * @return the topic, or empty when there is no topic of that name (also when the name is not
     *         a valid topic name)
     * @throws NullPointerException if {@code name} is null
     * @throws LogClosedException   if the log is closed
     */
    Optional<Topic> topic(String name);

    /**
     * The topics of the log, without Runnel's internal topics (names starting with {@code __}).
     *
     * @return an immutable snapshot of the topics, in no particular order
     * @throws LogClosedException if the log is closed
     */
    Collection<Topic> topics();

    /**
     * Deletes a topic and its data. Producers then fail to send to it with
     * {@link UnknownTopicException}, consumers lose its partitions, and its {@link Topic} and
     * {@link Partition} objects throw {@link UnknownTopicException}.
     *
     * @param name the topic name
     * @throws NullPointerException  if {@code name} is null
     * @throws InvalidTopicException if the name is not a valid topic name, or names an internal
     *                               topic (such as {@code __consumer_offsets}), which cannot be
     *                               deleted
     * @throws UnknownTopicException if there is no topic of that name
     * @throws LogClosedException    if the log is closed
     * @throws StorageException      if the topic's files cannot be deleted
     */
    void deleteTopic(String name);

    /**
     * Replays a topic from its start: the same as {@link #replay(String, Map, Serde, Serde,
     * ReplayHandler) replay(topic, Map.of(), keys, values, handler)}. An event-sourced service calls
     * it on startup to rebuild its state:
     *
     * <pre>{@code
     * Map<String, Long> balances = new HashMap<>();
     * ReplayResult r = log.replay("accounts", Serdes.string(), Serdes.longs(),
     *         record -> balances.merge(record.key(), record.value(), Long::sum));
     * }</pre>
     *
     * @param <K>     the key type
     * @param <V>     the value type
     * @param topic   the topic
     * @param keys    deserialises keys
     * @param values  deserialises values
     * @param handler receives every record, on this thread
     * @return what was replayed, with the end offsets it stopped at
     * @throws NullPointerException    if an argument is null
     * @throws UnknownTopicException   if there is no such topic, or it is deleted during the replay
     * @throws SerializationException  if a key or value cannot be deserialised (names partition and
     *                                 offset)
     * @throws CorruptLogException     if a batch fails its CRC or structure check (names file and
     *                                 position)
     * @throws LogClosedException      if the log is closed, before or during the replay
     */
    default <K, V> ReplayResult replay(String topic, Serde<K> keys, Serde<V> values, ReplayHandler<K, V> handler) {
        return replay(topic, Map.of(), keys, values, handler);
    }

    /**
     * Replays a topic: hands every record of every partition, from the given offsets up to the end
     * offsets captured when the call starts, to the handler, and returns.
     *
     * <ul>
     *   <li><b>What.</b> Each partition from {@code fromOffsets.get(partition)}, or from its start
     *       offset when the map has no entry for it, up to its end offset as it is when the call
     *       starts. Records appended during the replay (also by the handler itself) are not handed
     *       over; {@link ReplayResult#endOffsets()} says where to go on reading them.</li>
     *   <li><b>Order.</b> The records of one partition arrive in offset order, each once: that is
     *       the contract. Partitions are replayed one after another, in ascending partition
     *       number; do not rely on that order between partitions (records of different partitions
     *       have no order in Kafka's model either).</li>
     *   <li><b>Checks.</b> Every batch's CRC-32C is checked before its records are handed over.
     *       A corrupt batch stops the replay with {@link CorruptLogException}, after every record
     *       before it was handed over.</li>
     *   <li><b>Errors of the handler.</b> An exception thrown by the handler stops the replay and
     *       propagates unwrapped; a key or value that fails to deserialise throws
     *       {@link SerializationException} naming its partition and offset. Either way, the records
     *       before it were handled and the others were not.</li>
     *   <li><b>Progress.</b> Logged through SLF4J (logger {@code io.runnel.log.core.client.Replayer}
     *       in {@code log-core}) at INFO every 5 seconds while the replay runs, and once at the
     *       end.</li>
     *   <li><b>Threads.</b> The handler runs on the calling thread only. Appends, consumers and
     *       other replays may run at the same time, on other threads.</li>
     * </ul>
     *
     * <p>Bad input is refused before any record is handed over.
     *
     * @param <K>         the key type
     * @param <V>         the value type
     * @param topic       the topic
     * @param fromOffsets where to start in some partitions of the topic (for example the offsets
     *                    a snapshot was taken at); the others start at their start offset. Each
     *                    offset lies between the partition's start offset and its end offset,
     *                    both included
     * @param keys        deserialises keys
     * @param values      deserialises values
     * @param handler     receives every record, on this thread
     * @return what was replayed, with the end offsets it stopped at
     * @throws NullPointerException      if an argument, a key or a value of {@code fromOffsets} is
     *                                   null
     * @throws IllegalArgumentException  if {@code fromOffsets} names a partition of another topic
     * @throws UnknownTopicException     if there is no such topic, or a partition of
     *                                   {@code fromOffsets} does not exist, or the topic is deleted
     *                                   during the replay
     * @throws OffsetOutOfRangeException if an offset of {@code fromOffsets} lies below its
     *                                   partition's start offset or above its end offset
     * @throws SerializationException    if a key or value cannot be deserialised (names partition
     *                                   and offset)
     * @throws CorruptLogException       if a batch fails its CRC or structure check (names file and
     *                                   position)
     * @throws LogClosedException        if the log is closed, before or during the replay
     */
    <K, V> ReplayResult replay(String topic, Map<TopicPartition, Long> fromOffsets, Serde<K> keys, Serde<V> values,
                               ReplayHandler<K, V> handler);

    /**
     * Replays a topic from its start, zero-copy: the same as {@link #replayViews(String, Map,
     * RecordViewHandler) replayViews(topic, Map.of(), handler)}.
     *
     * @param topic   the topic
     * @param handler receives a view of every record, on this thread, valid during the call only
     * @return what was replayed, with the end offsets it stopped at
     * @throws NullPointerException  if an argument is null
     * @throws UnknownTopicException if there is no such topic, or it is deleted during the replay
     * @throws CorruptLogException   if a batch fails its CRC or structure check (names file and
     *                               position)
     * @throws LogClosedException    if the log is closed, before or during the replay
     */
    default ReplayResult replayViews(String topic, RecordViewHandler handler) {
        return replayViews(topic, Map.of(), handler);
    }

    /**
     * Replays a topic as {@link #replay(String, Map, Serde, Serde, ReplayHandler) replay} does,
     * with the same guarantees, but hands each record over as a {@link RecordView} read in place
     * from the log's memory-mapped files: no copy, no deserialisation, and no allocation per
     * record. <strong>The view and its buffers are valid only during the handler's call</strong>
     * (see {@link RecordView}): copy what you keep.
     *
     * @param topic       the topic
     * @param fromOffsets where to start in some partitions of the topic; the others start at their
     *                    start offset. Each offset lies between the partition's start offset and
     *                    its end offset, both included
     * @param handler     receives a view of every record, on this thread, valid during the call
     *                    only
     * @return what was replayed, with the end offsets it stopped at
     * @throws NullPointerException      if an argument, a key or a value of {@code fromOffsets} is
     *                                   null
     * @throws IllegalArgumentException  if {@code fromOffsets} names a partition of another topic
     * @throws UnknownTopicException     if there is no such topic, or a partition of
     *                                   {@code fromOffsets} does not exist, or the topic is deleted
     *                                   during the replay
     * @throws OffsetOutOfRangeException if an offset of {@code fromOffsets} lies below its
     *                                   partition's start offset or above its end offset
     * @throws CorruptLogException       if a batch fails its CRC or structure check (names file and
     *                                   position)
     * @throws LogClosedException        if the log is closed, before or during the replay
     */
    ReplayResult replayViews(String topic, Map<TopicPartition, Long> fromOffsets, RecordViewHandler handler);

    /**
     * Runs retention and compaction on every partition now, on the calling thread, as the
     * background maintenance thread does every {@link CommitLogBuilder#retentionCheckIntervalMs()}
     * and {@link CommitLogBuilder#cleanerBackoffMs()}: segments past {@code retention.ms} or
     * {@code retention.bytes} are deleted (never the active one), and compacted topics whose
     * dirty ratio reached {@code min.cleanable.dirty.ratio} are cleaned. Waits while the
     * background thread is in a pass.
     *
     * @return what was done
     * @throws LogClosedException if the log is closed
     * @throws StorageException   if a file cannot be written or deleted
     */
    MaintenanceResult runMaintenance();

    /**
     * Creates a producer with the default {@link ProducerConfig}.
     *
     * @param <K>    the key type
     * @param <V>    the value type
     * @param keys   serialises keys; a null key stays null
     * @param values serialises values; a null value stays null (a tombstone for compaction)
     * @return the producer, which the caller closes
     * @throws NullPointerException if a serde is null
     * @throws LogClosedException   if the log is closed
     */
    <K, V> Producer<K, V> producer(Serde<K> keys, Serde<V> values);

    /**
     * Creates a producer.
     *
     * @param <K>    the key type
     * @param <V>    the value type
     * @param config the producer's configuration
     * @param keys   serialises keys; a null key stays null
     * @param values serialises values; a null value stays null (a tombstone for compaction)
     * @return the producer, which the caller closes
     * @throws NullPointerException if an argument is null
     * @throws LogClosedException   if the log is closed
     */
    <K, V> Producer<K, V> producer(ProducerConfig config, Serde<K> keys, Serde<V> values);

    /**
     * Creates a consumer. With a {@link ConsumerConfig#groupId()} it may subscribe to topics and
     * share their partitions with the group's other consumers; without one it can only
     * {@link Consumer#assign(Collection) assign} partitions and cannot commit offsets.
     *
     * @param <K>    the key type
     * @param <V>    the value type
     * @param config the consumer's configuration
     * @param keys   deserialises keys
     * @param values deserialises values
     * @return the consumer, which the caller closes
     * @throws NullPointerException if an argument is null
     * @throws LogClosedException   if the log is closed
     */
    <K, V> Consumer<K, V> consumer(ConsumerConfig config, Serde<K> keys, Serde<V> values);

    /**
     * Describes every consumer group of this log: each group that has members now or has
     * committed offsets (also those committed before the log was last opened). For operators:
     * members, what each owns, and per partition the committed offset, the end offset and the
     * lag. Reading a description does not change any group. Safe to call from any thread, at
     * any time, while the groups' consumers poll and commit: each group is read at one moment,
     * different groups at slightly different ones.
     *
     * @return immutable descriptions, in group id order
     * @throws LogClosedException if the log is closed
     */
    List<GroupDescription> describeGroups();

    /**
     * Describes one consumer group, as {@link #describeGroups()}. Safe to call from any thread.
     *
     * @param groupId the group id
     * @return the group's description, or empty when it has neither members nor committed offsets
     * @throws NullPointerException if {@code groupId} is null
     * @throws LogClosedException   if the log is closed
     */
    Optional<GroupDescription> describeGroup(String groupId);

    /**
     * The log directory, as given to {@link #open(Path)} or {@link #builder(Path)}.
     *
     * @return the directory
     */
    Path directory();

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once the log is closed
     */
    boolean isClosed();

    /**
     * Closes the log: closes every producer it created (their pending sends complete first) and
     * every consumer, fsyncs every partition whatever the {@link FlushPolicy}, writes the clean
     * shutdown marker and releases the directory lock. Calling it again does nothing. Afterwards
     * every method except {@link #directory()}, {@link #isClosed()} and {@code close()} throws
     * {@link LogClosedException}.
     *
     * @throws StorageException if the files cannot be flushed or closed; the log is closed anyway
     */
    @Override
    void close();
}
