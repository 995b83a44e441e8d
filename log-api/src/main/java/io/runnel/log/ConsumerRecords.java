package io.runnel.log;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The records one {@link Consumer#poll(java.time.Duration)} returned, grouped by partition.
 * Iteration goes partition by partition, in the order of the map the records were given in, and
 * within a partition in offset order.
 *
 * <p>Instances are immutable and thread-safe as long as the records' keys and values are not
 * changed.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {

    private static final ConsumerRecords<?, ?> EMPTY = new ConsumerRecords<>(Map.of());

    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;
    private final int count;

    /**
     * Groups records by partition. The map and lists are copied; partitions with no records are
     * left out.
     *
     * @param records each partition's records, in increasing offset order
     * @throws NullPointerException     if the map, a key, a list or a record is null
     * @throws IllegalArgumentException if a record is filed under another partition than its own,
     *                                  or a partition's offsets do not increase
     */
    public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> records) {
        Objects.requireNonNull(records, "records");
        Map<TopicPartition, List<ConsumerRecord<K, V>>> copy = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<TopicPartition, List<ConsumerRecord<K, V>>> e : records.entrySet()) {
            TopicPartition tp = Objects.requireNonNull(e.getKey(), "partition");
            List<ConsumerRecord<K, V>> value = e.getValue();
            if (value == null) { // the message is built only when needed: this runs on every poll
                throw new NullPointerException("records of " + tp);
            }
            List<ConsumerRecord<K, V>> list = List.copyOf(value);
            if (list.isEmpty()) {
                continue;
            }
            checkPartition(tp, list);
            copy.put(tp, list);
            total += list.size();
        }
        this.records = Collections.unmodifiableMap(copy);
        this.count = total;
    }

    private static void checkPartition(TopicPartition tp, List<? extends ConsumerRecord<?, ?>> list) {
        long previous = -1;
        for (ConsumerRecord<?, ?> r : list) {
            if (!r.topic().equals(tp.topic()) || r.partition() != tp.partition()) {
                throw new IllegalArgumentException("record at offset " + r.offset() + " of " + r.topicPartition()
                        + " is filed under " + tp);
            }
            if (r.offset() <= previous) {
                throw new IllegalArgumentException("offsets of " + tp + " must increase, but " + r.offset()
                        + " follows " + previous);
            }
            previous = r.offset();
        }
    }

    /**
     * No records.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return the shared empty instance
     */
    @SuppressWarnings("unchecked")
    public static <K, V> ConsumerRecords<K, V> empty() {
        return (ConsumerRecords<K, V>) EMPTY;
    }

    /**
     * How many records there are, over all partitions.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * Whether there are none.
     *
     * @return true when {@link #count()} is 0
     */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * The partitions that have records here.
     *
     * @return an immutable set, in iteration order
     */
    public Set<TopicPartition> partitions() {
        return records.keySet();
    }

    /**
     * The records of one partition.
     *
     * @param partition the partition
     * @return an immutable list in offset order; empty when the partition has no records here
     */
    public List<ConsumerRecord<K, V>> records(TopicPartition partition) {
        return records.getOrDefault(partition, List.of());
    }

    /**
     * The records, partition by partition, each partition in offset order.
     *
     * @return an iterator that does not support removal
     */
    @Override
    public Iterator<ConsumerRecord<K, V>> iterator() {
        Iterator<List<ConsumerRecord<K, V>>> lists = records.values().iterator();
        return new Iterator<>() {
            private Iterator<ConsumerRecord<K, V>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && lists.hasNext()) {
                    current = lists.next().iterator();
                }
                return current.hasNext();
            }

            @Override
            public ConsumerRecord<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    @Override
    public String toString() {
        return "ConsumerRecords[count=" + count + ", partitions=" + records.keySet() + "]";
    }
}
