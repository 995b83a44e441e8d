package io.runnel.log;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
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
     * @throws UnknownTopicException if there is no topic of that name
     * @throws LogClosedException    if the log is closed
     * @throws StorageException      if the topic's files cannot be deleted
     */
    void deleteTopic(String name);

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
