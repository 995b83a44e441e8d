package io.runnel.log;

import java.util.concurrent.CompletableFuture;

/**
 * Appends records to the topics of a {@link CommitLog}; created by
 * {@link CommitLog#producer(ProducerConfig, Serde, Serde)}.
 *
 * <p>Records are gathered per partition into batches of up to {@link ProducerConfig#batchSize()}
 * bytes, waiting at most {@link ProducerConfig#lingerMs()}, then appended. A send completes once
 * its record is in the operating system, written to the segment file or its mapping, so an
 * acknowledged record survives the process being killed, even by {@code kill -9}; whether it
 * also survives a power loss depends on the log's {@link FlushPolicy}. Records sent by one thread
 * to one partition are appended in the order they were sent.
 *
 * <p>Implementations are thread-safe: any number of threads may share one producer, which is
 * cheaper than a producer per thread because their records share batches.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Producer<K, V> extends AutoCloseable {

    /**
     * Sends a record. The call serialises the record and queues it without waiting for the
     * append; the returned future completes when the record is in the operating system.
     *
     * <p>Every failure is reported through the future, which completes exceptionally with:
     * <ul>
     *   <li>{@link UnknownTopicException} if the topic does not exist or has no such partition;</li>
     *   <li>{@link InvalidTopicException} if the topic is internal (its name starts with {@code __});</li>
     *   <li>{@link IllegalArgumentException} if the topic is compacted
     *       ({@link CleanupPolicy#COMPACT}) and the key is null (as Kafka refuses it);</li>
     *   <li>{@link SerializationException} if a serde fails, naming the topic and partition;</li>
     *   <li>{@link RecordTooLargeException} if the record is larger than the topic's
     *       {@link TopicConfig#maxMessageBytes()};</li>
     *   <li>{@link LogClosedException} if the producer or its log is closed;</li>
     *   <li>{@link StorageException} if the append fails, for example on a full disk.</li>
     * </ul>
     *
     * @param record the record to send
     * @return a future that completes with where the record was appended
     * @throws NullPointerException if {@code record} is null
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record);

    /**
     * Appends every record sent before this call without waiting for its batch to fill or
     * linger, and waits until each of their futures has completed, normally or not. This puts
     * records into the operating system; it does not fsync beyond what the {@link FlushPolicy}
     * does.
     *
     * @throws LogClosedException    if the producer is closed
     * @throws IllegalStateException if called from a callback of one of this producer's send
     *                               futures that runs on the thread appending its batch (a
     *                               non-async {@code whenComplete} or {@code thenAccept}): it would
     *                               wait for itself; use the async variants of those methods
     */
    void flush();

    /**
     * Closes the producer: appends every record sent before (as {@link #flush()}) and then
     * refuses new sends, whose futures fail with {@link LogClosedException}. Calling it again
     * does nothing. Closing a producer does not close its log.
     */
    @Override
    void close();
}
