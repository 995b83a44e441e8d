package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.CorruptLogException;
import io.runnel.log.Headers;
import io.runnel.log.OffsetReset;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicPartition;

/**
 * What a test wrote and was acknowledged for, per partition and offset, and the checks of what a
 * log gives back against it: every record read must be the one acknowledged at its offset, and
 * what a partition holds must be dense.
 *
 * <p>Thread-safe: producers' callbacks may record acknowledgements from any thread.
 */
final class Ledger {
    /** A record as written: what a reader must get back at its offset. */
    record Entry(String key, String value, long timestamp, Headers headers) {
    }

    /**
     * What was read from one partition.
     *
     * @param records the records, in the order they were returned
     * @param failure the corruption that stopped the read, or null when it reached the end offset
     */
    record ReadBack(List<ConsumerRecord<String, String>> records, CorruptLogException failure) {
    }

    private final Map<TopicPartition, ConcurrentSkipListMap<Long, Entry>> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong checked = new AtomicLong();

    /**
     * Records an acknowledged send.
     *
     * @param metadata where the send was appended
     * @param sent     what was sent
     */
    void acknowledged(RecordMetadata metadata, ProducerRecord<String, String> sent) {
        Entry entry = new Entry(sent.key(), sent.value(), metadata.timestamp(), sent.headers());
        Entry before = partition(metadata.topicPartition()).putIfAbsent(metadata.offset(), entry);
        if (before != null) {
            throw new AssertionError("two sends acknowledged at " + metadata.topicPartition() + " offset "
                    + metadata.offset() + ": " + before + " and " + entry);
        }
    }

    /**
     * The acknowledged records of a partition.
     *
     * @param tp the partition
     * @return offset to record, live
     */
    NavigableMap<Long, Entry> partition(TopicPartition tp) {
        return acknowledged.computeIfAbsent(tp, k -> new ConcurrentSkipListMap<>());
    }

    /**
     * Every partition something was acknowledged for.
     *
     * @return the partitions
     */
    List<TopicPartition> partitions() {
        return List.copyOf(acknowledged.keySet());
    }

    /**
     * How many acknowledged records there are.
     *
     * @return the count over all partitions
     */
    long size() {
        long n = 0;
        for (ConcurrentSkipListMap<Long, Entry> m : acknowledged.values()) {
            n += m.size();
        }
        return n;
    }

    /**
     * How many records {@link #check} compared so far.
     *
     * @return the count
     */
    long checked() {
        return checked.get();
    }

    /**
     * Checks that a record read is the one acknowledged at its offset (not some other record, and
     * not a record that was never acknowledged).
     *
     * @param r       the record read
     * @param context what to say when it is not
     */
    void check(ConsumerRecord<String, String> r, String context) {
        TopicPartition tp = r.topicPartition();
        Entry expected = partition(tp).get(r.offset());
        if (expected == null) {
            fail(context + ": read " + tp + " offset " + r.offset() + " = " + r.value()
                    + ", but nothing was acknowledged at that offset");
        }
        Entry actual = new Entry(r.key(), r.value(), r.timestamp(), r.headers());
        if (!expected.equals(actual)) {
            fail(context + ": " + tp + " offset " + r.offset() + " holds " + actual + ", but " + expected
                    + " was acknowledged there");
        }
        checked.incrementAndGet();
    }

    /**
     * Checks that what was read is a valid prefix of what was acknowledged: offsets dense from
     * {@code from}, each record the one acknowledged at its offset.
     *
     * @param tp      the partition
     * @param from    the first offset read
     * @param read    what was read
     * @param context what to say when it is not
     */
    void checkDense(TopicPartition tp, long from, List<ConsumerRecord<String, String>> read, String context) {
        long expected = from;
        for (ConsumerRecord<String, String> r : read) {
            if (r.offset() != expected) {
                fail(context + ": " + tp + " returned offset " + r.offset() + " where " + expected
                        + " was next: offsets not dense");
            }
            check(r, context);
            expected++;
        }
    }

    /**
     * Checks that a partition holds every acknowledged record, each at its offset.
     *
     * @param log     the open log
     * @param tp      the partition
     * @param context what to say when it does not
     * @return how many records were checked
     */
    int checkComplete(CommitLog log, TopicPartition tp, String context) {
        ReadBack back = readAll(log, tp, Duration.ofSeconds(30));
        if (back.failure() != null) {
            throw new AssertionError(context + ": reading " + tp + " failed", back.failure());
        }
        checkDense(tp, 0, back.records(), context);
        NavigableMap<Long, Entry> acked = partition(tp);
        long end = acked.isEmpty() ? 0 : acked.lastKey() + 1;
        assertTrue(back.records().size() >= end, () -> context + ": " + tp + " holds " + back.records().size()
                + " records but offset " + (end - 1) + " was acknowledged");
        return back.records().size();
    }

    /**
     * Reads a partition from its start offset to the end offset it has when the read starts, with
     * an assigned consumer (CRC checked, as every consumer read). A {@link CorruptLogException}
     * ends the read and is returned with the records before it; any other exception propagates.
     *
     * @param log     the open log
     * @param tp      the partition
     * @param timeout how long the read may take in all
     * @return what was read
     */
    static ReadBack readAll(CommitLog log, TopicPartition tp, Duration timeout) {
        Topic topic = log.topic(tp.topic()).orElseThrow(() -> new AssertionError("topic " + tp.topic() + " is gone"));
        long end = topic.partition(tp.partition()).endOffset();
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(1000)
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Consumer<String, String> c = log.consumer(config, Serdes.string(), Serdes.string())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (c.position(tp) < end) {
                if (System.nanoTime() - deadline > 0) {
                    fail("reading " + tp + " up to " + end + " took longer than " + timeout + "; at "
                            + c.position(tp));
                }
                try {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                        out.add(r);
                    }
                } catch (CorruptLogException e) {
                    return new ReadBack(out, e);
                }
            }
        }
        return new ReadBack(out, null);
    }

    /**
     * Sends a record and records it once acknowledged; fails the test if it is not.
     *
     * @param producer the producer
     * @param record   the record
     * @return where it went
     */
    RecordMetadata sendAndRecord(io.runnel.log.Producer<String, String> producer, ProducerRecord<String, String> record) {
        RecordMetadata md = producer.send(record).join();
        assertNotNull(md);
        acknowledged(md, record);
        return md;
    }

    /**
     * Checks that a log holds exactly what was acknowledged in every partition of the ledger:
     * end offsets equal, every record there.
     *
     * @param log     the open log
     * @param context what to say when it does not
     * @return the records checked
     */
    long checkEverything(CommitLog log, String context) {
        long n = 0;
        for (TopicPartition tp : partitions()) {
            NavigableMap<Long, Entry> acked = partition(tp);
            int held = checkComplete(log, tp, context);
            assertEquals(acked.size(), held, context + ": " + tp + " holds records that were never acknowledged"
                    + " or lacks some");
            n += held;
        }
        return n;
    }
}
