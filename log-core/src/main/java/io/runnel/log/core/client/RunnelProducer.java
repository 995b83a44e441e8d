package io.runnel.log.core.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchWriter;

/**
 * The batching producer. {@link #send} checks and serialises the record on the calling thread,
 * picks its partition (explicit; Kafka's murmur2 of the key; or, without a key, the sticky
 * partition, which moves whenever its batch is sent) and hands it to that partition's
 * {@link PartitionBatcher}, which batches by {@code batch.size} and {@code linger.ms} and appends
 * by flat combining (see there and {@code docs/PRODUCER.md}). Every batch carries this
 * producer's random id ({@link ProducerIds}), epoch 0 and per-partition sequence numbers, so that
 * the partition log recognises a batch appended twice.
 *
 * <p>{@code send} does not wait for the append, with one exception: while another thread appends
 * a partition's batches, a sender that finds more than
 * {@value PartitionBatcher#MAX_DUE_BATCHES} of them waiting waits until half were taken
 * (back-pressure, as Kafka's {@code buffer.memory}).
 *
 * <p>Futures complete on the thread that appends the batch: a sending thread, a thread calling
 * {@link #flush()} or {@link #close()}, or the producer's thread ({@link ProducerThread}).
 * Callbacks chained without {@code Async} run there and hold up the records behind them; they
 * must not call {@link #flush()} (which throws {@link IllegalStateException} there, as Kafka's).
 * {@link #close()} from such a callback closes without waiting.
 *
 * <p>Thread-safe: any number of threads may send, flush and close concurrently.
 */
public final class RunnelProducer<K, V> implements Producer<K, V> {
    private final LogAccess log;
    private final Serde<K> keys;
    private final Serde<V> values;
    private final java.util.function.Consumer<Object> onClose;
    private final ProducerSettings settings;
    private final ConcurrentHashMap<String, TopicRoute> routes = new ConcurrentHashMap<>();
    /** Guards route changes against close. */
    private final Object routesLock = new Object();
    private volatile boolean closed;

    /**
     * Creates a producer.
     *
     * @param log     the commit log
     * @param config  the settings
     * @param keys    the key serde
     * @param values  the value serde
     * @param onClose told when this producer closes
     */
    public RunnelProducer(LogAccess log, ProducerConfig config, Serde<K> keys, Serde<V> values,
                          java.util.function.Consumer<Object> onClose) {
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.log = Objects.requireNonNull(log, "log");
        this.keys = Objects.requireNonNull(keys, "key serde");
        this.values = Objects.requireNonNull(values, "value serde");
        long id = ProducerIds.next();
        this.settings = ProducerSettings.of(id, Objects.requireNonNull(config, "config"),
                new ProducerThread("runnel-producer-" + Long.toHexString(id)));
    }

    /**
     * The producer id stamped in this producer's batches.
     *
     * @return the id, from 0 to {@link Long#MAX_VALUE}
     */
    public long producerId() {
        return settings.producerId();
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        Objects.requireNonNull(record, "record");
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            send(record, future);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private void send(ProducerRecord<K, V> record, CompletableFuture<RecordMetadata> future) {
        String topic = record.topic();
        TopicRoute route = route(topic);
        Integer explicit = record.partition();
        if (explicit != null && explicit >= route.partitionCount()) {
            throw noSuchPartition(topic, explicit, route.partitionCount());
        }
        byte[] key = serialize(keys, record.key(), topic, explicit, "key");
        if (key == null && route.compacted()) {
            throw new IllegalArgumentException("topic " + topic + " is compacted, and a record without a key cannot be "
                    + "sent to it (compaction keeps the latest record of each key)");
        }
        int keyed = explicit != null ? explicit : key != null ? Murmur2.partition(key, route.partitionCount()) : -1;
        byte[] value = serialize(values, record.value(), topic, keyed >= 0 ? keyed : null, "value");
        Headers headers = record.headers();
        long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
        int bound = batchBound(key, value, headers, route);
        while (true) {
            int status;
            if (keyed >= 0) {
                if (keyed >= route.partitionCount()) {
                    // The topic was created again with fewer partitions.
                    throw noSuchPartition(topic, keyed, route.partitionCount());
                }
                status = route.batcher(keyed).add(timestamp, key, value, headers, bound, false, future);
            } else {
                int p = route.stickyPartition();
                // With one partition there is nowhere else to go: no need to ask about a new batch.
                boolean askFirst = route.partitionCount() > 1;
                status = route.batcher(p).add(timestamp, key, value, headers, bound, askFirst, future);
                if (status == PartitionBatcher.NEW_BATCH) {
                    p = route.nextStickyPartition(p);
                    status = route.batcher(p).add(timestamp, key, value, headers, bound, false, future);
                }
            }
            if (status == PartitionBatcher.QUEUED) {
                return;
            }
            if (status == PartitionBatcher.CLOSED) {
                throw closedException();
            }
            // RETIRED: the topic's partitions were replaced under us.
            route = route(topic);
            if (explicit == null && key != null) {
                keyed = Murmur2.partition(key, route.partitionCount());
            }
        }
    }

    private static UnknownTopicException noSuchPartition(String topic, int partition, int count) {
        return new UnknownTopicException("topic " + topic + " has no partition " + partition + "; expected 0 to "
                + (count - 1));
    }

    private LogClosedException closedException() {
        return new LogClosedException("producer " + Long.toHexString(settings.producerId()) + " is closed");
    }

    /** The route of a topic, built again when its partition logs closed. */
    private TopicRoute route(String topic) {
        if (closed) {
            throw closedException();
        }
        log.ensureOpenForClients();
        TopicRoute route = routes.get(topic);
        if (route != null && !route.isStale()) {
            return route;
        }
        synchronized (routesLock) {
            if (closed) {
                throw closedException();
            }
            route = routes.get(topic);
            if (route != null && !route.isStale()) {
                return route;
            }
            if (route != null) {
                routes.remove(topic, route);
                route.retire();
            }
            TopicRoute fresh = TopicRoute.lookUp(log, topic, settings);
            routes.put(topic, fresh);
            return fresh;
        }
    }

    private static <T> byte[] serialize(Serde<T> serde, T value, String topic, Integer partition, String what) {
        try {
            return serde.serialize(value);
        } catch (RuntimeException e) {
            String detail = "cannot serialize the " + what + ": " + e;
            throw partition != null
                    ? new SerializationException(new TopicPartition(topic, partition), -1, detail, e)
                    : new SerializationException("record for topic " + topic + ": " + detail, e);
        }
    }

    /** The size of a batch holding only this record, refused when over {@code max.message.bytes}. */
    private static int batchBound(byte[] key, byte[] value, Headers headers, TopicRoute route) {
        long bound;
        try {
            bound = RecordBatchWriter.maxBatchSizeFor(key == null ? -1 : key.length, value == null ? -1 : value.length,
                    headers);
        } catch (IllegalArgumentException e) {
            bound = Long.MAX_VALUE;
        }
        if (bound > route.maxMessageBytes()) {
            throw new RecordTooLargeException("a record for topic " + route.topic() + " takes "
                    + (bound == Long.MAX_VALUE ? "more than 2 GiB" : bound + " bytes") + " as a batch of its own,"
                    + " more than its max.message.bytes " + route.maxMessageBytes());
        }
        return (int) bound;
    }

    @Override
    public void flush() {
        if (closed) {
            throw closedException();
        }
        List<PartitionBatcher> batchers = batchers();
        for (PartitionBatcher b : batchers) {
            if (b.isDrainingThread()) {
                throw new IllegalStateException("flush() called from a callback of a send of this producer, on the"
                        + " thread that appends its batch: it would wait for itself; use an Async callback");
            }
        }
        awaitAll(batchers, false);
    }

    private List<PartitionBatcher> batchers() {
        List<PartitionBatcher> out = new ArrayList<>();
        for (TopicRoute r : routes.values()) {
            for (PartitionBatcher b : r.batchers()) {
                out.add(b);
            }
        }
        return out;
    }

    /** Makes every batch due (first everywhere, so that the partitions append in parallel), then waits. */
    private static void awaitAll(List<PartitionBatcher> batchers, boolean close) {
        long[] targets = new long[batchers.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = batchers.get(i).flushStart(close);
        }
        for (int i = 0; i < targets.length; i++) {
            batchers.get(i).awaitCompleted(targets[i]);
        }
    }

    @Override
    public void close() {
        List<PartitionBatcher> batchers;
        synchronized (routesLock) {
            if (closed) {
                return;
            }
            closed = true;
            batchers = batchers();
        }
        boolean inCallback = false;
        for (PartitionBatcher b : batchers) {
            inCallback |= b.isDrainingThread();
        }
        if (inCallback) {
            // Waiting would wait for this thread: refuse new records, make every batch due, and let
            // the threads draining them (this one among them, once the callback returns) finish.
            for (PartitionBatcher b : batchers) {
                b.flushStart(true);
            }
        } else {
            awaitAll(batchers, true);
        }
        settings.thread().shutdown();
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "RunnelProducer[id=" + Long.toHexString(settings.producerId()) + ", " + settings.batchSize()
                + " B batches, linger " + settings.lingerMs() + " ms]";
    }
}
