package io.runnel.log.core.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.runnel.log.LogClosedException;
import io.runnel.log.LogException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

/**
 * A producer that appends each record synchronously, as a batch of its own, on the calling
 * thread: {@link #send} returns a future that is already complete (the record is in the OS).
 * Batching across threads, linger and compression arrive with the client issue; the partitioner
 * is already Kafka's (murmur2 for keys, sticky for null keys).
 *
 * <p>Thread-safe: any number of threads may send concurrently.
 */
public final class RunnelProducer<K, V> implements Producer<K, V> {
    private final LogAccess log;
    private final ProducerConfig config;
    private final Serde<K> keys;
    private final Serde<V> values;
    private final ConcurrentHashMap<String, StickyPartition> sticky = new ConcurrentHashMap<>();
    private final java.util.function.Consumer<Object> onClose;
    private volatile boolean closed;

    /**
     * Creates a producer.
     *
     * @param log    the commit log
     * @param config the settings
     * @param keys   the key serde
     * @param values the value serde
     * @param onClose told when this producer closes
     */
    public RunnelProducer(LogAccess log, ProducerConfig config, Serde<K> keys, Serde<V> values,
                          java.util.function.Consumer<Object> onClose) {
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.log = Objects.requireNonNull(log, "log");
        this.config = Objects.requireNonNull(config, "config");
        this.keys = Objects.requireNonNull(keys, "key serde");
        this.values = Objects.requireNonNull(values, "value serde");
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        Objects.requireNonNull(record, "record");
        try {
            if (closed) {
                throw new LogClosedException("producer is closed");
            }
            log.ensureOpenForClients();
            int partitions = log.partitionCount(record.topic());
            byte[] key = serialize(keys, record.key(), record, "key");
            byte[] value = serialize(values, record.value(), record, "value");
            int partition = partitionFor(record, key, partitions);
            TopicPartition tp = new TopicPartition(record.topic(), partition);
            PartitionLog plog = log.partitionLog(tp);
            long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
            long offset = plog.appendRecord(timestamp, key, value, record.headers());
            return CompletableFuture.completedFuture(new RecordMetadata(tp, offset, timestamp));
        } catch (LogException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> byte[] serialize(Serde<T> serde, T value, ProducerRecord<K, V> record, String what) {
        try {
            return serde.serialize(value);
        } catch (SerializationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SerializationException("cannot serialize the " + what + " of a record for topic "
                    + record.topic() + ": " + e, e);
        }
    }

    private int partitionFor(ProducerRecord<K, V> record, byte[] key, int partitions) {
        Integer explicit = record.partition();
        if (explicit != null) {
            if (explicit >= partitions) {
                throw new UnknownTopicException("topic " + record.topic() + " has no partition " + explicit
                        + "; expected 0 to " + (partitions - 1));
            }
            return explicit;
        }
        if (key != null) {
            return Murmur2.partition(key, partitions);
        }
        return sticky.computeIfAbsent(record.topic(), t -> new StickyPartition()).next(partitions, config.batchSize());
    }

    @Override
    public void flush() {
        // Every send completed before it returned: nothing is pending.
    }

    @Override
    public void close() {
        closed = true;
        onClose.accept(this);
    }

    /** Kafka's sticky choice for null keys: one partition until a batch's worth was sent to it. */
    private static final class StickyPartition {
        private int partition = -1;
        private int sent;

        synchronized int next(int partitions, int batchSize) {
            if (partition < 0 || partition >= partitions || ++sent >= Math.max(1, batchSize / 100)) {
                int previous = partition;
                partition = ThreadLocalRandom.current().nextInt(partitions);
                if (partitions > 1 && partition == previous) {
                    partition = (partition + 1) % partitions;
                }
                sent = 0;
            }
            return partition;
        }
    }
}
