package io.runnel.log;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads records from the topics of a {@link CommitLog}; created by
 * {@link CommitLog#consumer(ConsumerConfig, Serde, Serde)}.
 *
 * <p>A consumer reads either the partitions of the topics it {@linkplain #subscribe(Collection)
 * subscribed} to, shared with the other consumers of its group, or the partitions it
 * {@linkplain #assign(Collection) assigned} to itself; not both at once. For each partition it
 * keeps a position, the offset of the next record to return, which starts at the group's
 * committed offset or, when there is none, where {@link ConsumerConfig#autoOffsetReset()} says.
 * Subscribing and committing need a {@link ConsumerConfig#groupId()}.
 *
 * <pre>{@code
 * try (Consumer<String, String> consumer = log.consumer(
 *         ConsumerConfig.builder().groupId("billing").build(), Serdes.string(), Serdes.string())) {
 *     consumer.subscribe(List.of("orders"));
 *     while (running) {
 *         for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
 *             handle(r);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>This interface is not thread-safe: a consumer belongs to one thread at a time. A method
 * called while another thread is inside one (for example two threads polling) throws
 * {@link java.util.ConcurrentModificationException}. The exception is {@link #wakeup()}, which
 * any thread may call to make the owner's {@link #poll(Duration)} throw {@link WakeupException}.
 * Every method except {@code wakeup()} and {@code close()} throws {@link LogClosedException} once
 * the consumer or its log is closed.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Consumer<K, V> extends AutoCloseable {

    /**
     * Subscribes to topics, replacing any previous subscription; the group shares their
     * partitions among its consumers, and the assignment happens inside {@link #poll(Duration)}.
     * A topic that does not exist yet may be named: its partitions are assigned once it is
     * created. An empty collection unsubscribes.
     *
     * @param topics the topic names
     * @throws NullPointerException   if {@code topics} or a name is null
     * @throws InvalidTopicException  if a name is not a valid topic name
     * @throws InvalidConfigException if the consumer has no {@link ConsumerConfig#groupId()}
     * @throws IllegalStateException  if the consumer has partitions from {@link #assign(Collection)}
     */
    void subscribe(Collection<String> topics);

    /**
     * Subscribes to topics as {@link #subscribe(Collection)}, telling a listener when partitions
     * are revoked and assigned.
     *
     * @param topics   the topic names
     * @param listener called on this consumer's thread, inside {@code poll}, at each rebalance
     * @throws NullPointerException   if an argument or a name is null
     * @throws InvalidTopicException  if a name is not a valid topic name
     * @throws InvalidConfigException if the consumer has no {@link ConsumerConfig#groupId()}
     * @throws IllegalStateException  if the consumer has partitions from {@link #assign(Collection)}
     */
    void subscribe(Collection<String> topics, RebalanceListener listener);

    /**
     * Assigns partitions to this consumer, replacing any previous assignment, without a group
     * rebalance. An empty collection unassigns.
     *
     * @param partitions the partitions to read
     * @throws NullPointerException  if {@code partitions} or an element is null
     * @throws UnknownTopicException if a partition's topic or number does not exist
     * @throws IllegalStateException if the consumer is subscribed to topics
     */
    void assign(Collection<TopicPartition> partitions);

    /**
     * The partitions this consumer currently reads: those assigned, or those its group gave it.
     *
     * @return an immutable snapshot; empty before the first poll after subscribing
     */
    Set<TopicPartition> assignment();

    /**
     * Returns the records after each assigned partition's position, at most
     * {@link ConsumerConfig#maxPollRecords()} of them, waiting up to {@code timeout} for some to
     * be appended when there are none; advances the positions past the returned records. Group
     * membership, rebalances (with their {@link RebalanceListener} calls) and automatic commits
     * happen inside this call, so a group member must call it at least once per
     * {@link ConsumerConfig#sessionTimeoutMs()}.
     *
     * @param timeout how long to wait for records; zero returns at once
     * @return the records, empty if none arrived in time
     * @throws NullPointerException          if {@code timeout} is null
     * @throws IllegalArgumentException      if {@code timeout} is negative
     * @throws IllegalStateException         if the consumer neither subscribed nor assigned, or the
     *                                       call comes from inside a {@link RebalanceListener}
     * @throws InvalidConfigException        if joining the group fails because the group's members use
     *                                       another {@link ConsumerConfig#partitionAssignmentStrategy()}
     * @throws WakeupException               if {@link #wakeup()} was called before or during the poll
     * @throws NoOffsetForPartitionException if a partition has no position and the reset policy
     *                                       is {@link OffsetReset#NONE}
     * @throws OffsetOutOfRangeException     if a position is no longer in the log and the reset
     *                                       policy is {@link OffsetReset#NONE}
     * @throws UnknownTopicException         if the topic of a partition given to
     *                                       {@link #assign(Collection)} was deleted (a subscribed
     *                                       consumer loses such partitions instead)
     * @throws SerializationException        if a record cannot be deserialised: the records
     *                                       before it are returned first, then a poll throws
     *                                       this, naming the record, with the position left at
     *                                       it, so seeking one past it skips it
     * @throws StorageException              if a segment cannot be read
     * @throws CorruptLogException           if a batch read is corrupt
     */
    ConsumerRecords<K, V> poll(Duration timeout);

    /**
     * Sets the position of an assigned partition: the next poll returns records from
     * {@code offset}. An offset outside the log is handled at that poll by
     * {@link ConsumerConfig#autoOffsetReset()}.
     *
     * @param partition an assigned partition
     * @param offset    the offset of the next record to read, at least 0
     * @throws NullPointerException     if {@code partition} is null
     * @throws IllegalArgumentException if {@code offset} is negative
     * @throws IllegalStateException    if the partition is not assigned to this consumer
     */
    void seek(TopicPartition partition, long offset);

    /**
     * Moves the position of assigned partitions to their start offsets.
     *
     * @param partitions assigned partitions
     * @throws NullPointerException  if {@code partitions} or an element is null
     * @throws IllegalStateException if a partition is not assigned to this consumer
     * @throws UnknownTopicException if a partition's topic was deleted
     */
    void seekToBeginning(Collection<TopicPartition> partitions);

    /**
     * Moves the position of assigned partitions to their end offsets: only records appended
     * from now on will be returned.
     *
     * @param partitions assigned partitions
     * @throws NullPointerException  if {@code partitions} or an element is null
     * @throws IllegalStateException if a partition is not assigned to this consumer
     * @throws UnknownTopicException if a partition's topic was deleted
     */
    void seekToEnd(Collection<TopicPartition> partitions);

    /**
     * The position of an assigned partition: the offset of the next record a poll returns.
     * When the partition has no position yet, it is set first, from the committed offset or the
     * reset policy.
     *
     * @param partition an assigned partition
     * @return the offset of the next record to read
     * @throws NullPointerException          if {@code partition} is null
     * @throws IllegalStateException         if the partition is not assigned to this consumer
     * @throws NoOffsetForPartitionException if there is no position to start from and the reset
     *                                       policy is {@link OffsetReset#NONE}
     * @throws UnknownTopicException         if the partition has no position yet and its topic was
     *                                       deleted
     */
    long position(TopicPartition partition);

    /**
     * Commits the current position of every assigned partition for the consumer's group, and
     * waits until the commit is stored. The partitions are committed together, as one record:
     * after a crash either all of them or none of them have the new offset. Stored means in the
     * operating system, as an appended record, so the commit survives the process being killed;
     * whether it survives a power loss depends on the log's {@link FlushPolicy}.
     *
     * @throws InvalidConfigException if the consumer has no {@link ConsumerConfig#groupId()}
     * @throws IllegalStateException  if the group evicted this consumer (it did not poll within
     *                                {@link ConsumerConfig#sessionTimeoutMs()}) and gave its
     *                                partitions to others; the next poll rejoins
     * @throws StorageException       if the commit cannot be stored
     */
    void commitSync();

    /**
     * Commits the given offsets for the consumer's group, and waits until they are stored. As
     * in Kafka, an offset committed is the next one to read, so after processing the record at
     * offset {@code n} commit {@code n + 1}.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     * @throws NullPointerException     if the map, a key or a value is null
     * @throws IllegalArgumentException if an offset is negative
     * @throws InvalidConfigException   if the consumer has no {@link ConsumerConfig#groupId()}
     * @throws IllegalStateException    if a partition is not assigned to this consumer, or is owned by
     *                                  another member of the group (for a consumer that uses
     *                                  {@link #assign(Collection)}: if any member owns it), or the
     *                                  group evicted this consumer
     * @throws UnknownTopicException    if a partition's topic was deleted
     * @throws StorageException         if the commit cannot be stored
     */
    void commitSync(Map<TopicPartition, Long> nextOffsets);

    /**
     * The offset the consumer's group last committed for a partition, which need not be
     * assigned to this consumer.
     *
     * @param partition the partition
     * @return the committed offset (the next to read), or empty when none was committed
     * @throws NullPointerException   if {@code partition} is null
     * @throws InvalidConfigException if the consumer has no {@link ConsumerConfig#groupId()}
     */
    OptionalLong committed(TopicPartition partition);

    /**
     * How many records of an assigned partition are not read yet: its end offset minus this
     * consumer's position. When the partition has no position yet, it is set first, as
     * {@link #position(TopicPartition)} does.
     *
     * @param partition an assigned partition
     * @return the number of records after the position, at least 0
     * @throws NullPointerException          if {@code partition} is null
     * @throws IllegalStateException         if the partition is not assigned to this consumer
     * @throws NoOffsetForPartitionException if there is no position to start from and the reset
     *                                       policy is {@link OffsetReset#NONE}
     * @throws UnknownTopicException         if the partition's topic was deleted
     */
    long lag(TopicPartition partition);

    /**
     * For each partition, the earliest offset whose record has a timestamp at or after the given
     * one, as {@link Partition#offsetForTimestamp(long)}. The partitions need not be assigned;
     * positions do not change (use {@link #seek(TopicPartition, long)} with the result).
     *
     * @param timestamps for each partition, a timestamp in milliseconds since the epoch
     * @return for each partition given, the offset, or empty when no record is that recent
     * @throws NullPointerException     if the map, a key or a value is null
     * @throws IllegalArgumentException if a timestamp is negative
     * @throws UnknownTopicException    if a partition does not exist
     */
    Map<TopicPartition, OptionalLong> offsetsForTimes(Map<TopicPartition, Long> timestamps);

    /**
     * Wakes the consumer's thread: the poll in progress, or the next one if none is, throws
     * {@link WakeupException}. The only method that any thread may call at any time; it does
     * nothing once the consumer is closed.
     */
    void wakeup();

    /**
     * Closes the consumer: commits its positions when {@link ConsumerConfig#enableAutoCommit()}
     * is on, calls {@link RebalanceListener#onPartitionsRevoked(Collection)} for the partitions it
     * owns (on the calling thread), and leaves its group, whose other consumers then share its
     * partitions. Calling it again does nothing. Closing a consumer does not close its log.
     *
     * <p>Any thread may call it. While another thread is inside a call of this consumer (for
     * example waiting in {@link #poll(Duration)}), close only marks the consumer closed and wakes
     * that thread, whose call then throws {@link LogClosedException}; the consumer leaves its
     * group as that call ends, without committing and without calling the listener.
     *
     * @throws StorageException if the final commit cannot be stored; the consumer is closed anyway
     */
    @Override
    void close();
}
