package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.CorruptLogException;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordView;
import io.runnel.log.RecordViewHandler;
import io.runnel.log.ReplayHandler;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serde;
import io.runnel.log.Serdes;
import io.runnel.log.SerializationException;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CommitLog.replay} and {@code replayViews} through the public API: every record once, in
 * offset order per partition, up to the end offsets captured at the call; start offsets; bad input
 * refused before any record is handed over; handler, deserialisation and CRC failures; the views'
 * buffers; deletion and close under a running replay; progress reports.
 */
class ReplayTest {
    private static final String TOPIC = "events";
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** Small segments, so that a replay crosses several segment files (and mappings) per partition. */
    private static TopicConfig smallSegments() {
        return TopicConfig.builder().partitions(PARTITIONS).segmentBytes(4096).build();
    }

    /**
     * Appends {@code count} records spread over the partitions, with null keys, null values,
     * headers (one with a null value) and explicit timestamps among them.
     *
     * @return the records appended, per partition, in offset order
     */
    private static List<List<ConsumerRecord<String, String>>> fill(CommitLog log, int count) {
        List<List<ConsumerRecord<String, String>>> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new ArrayList<>());
        }
        try (Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string())) {
            for (int i = 0; i < count; i++) {
                int p = (i * 7) % PARTITIONS;
                String key = i % 17 == 0 ? null : "key-" + (i % 13);
                String value = i % 11 == 0 ? null : "value-" + i;
                Headers headers = i % 5 == 0
                        ? Headers.of(new Header("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                        new Header("none", null))
                        : Headers.empty();
                long timestamp = 1_700_000_000_000L + i;
                long offset = producer.send(new ProducerRecord<>(TOPIC, p, timestamp, key, value, headers)).join().offset();
                assertEquals(out.get(p).size(), offset);
                out.get(p).add(new ConsumerRecord<>(TOPIC, p, offset, timestamp, key, value, headers));
            }
        }
        return out;
    }

    private static List<List<ConsumerRecord<String, String>>> perPartition(List<ConsumerRecord<String, String>> records) {
        List<List<ConsumerRecord<String, String>>> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new ArrayList<>());
        }
        for (ConsumerRecord<String, String> r : records) {
            out.get(r.partition()).add(r);
        }
        return out;
    }

    /** A copy of what a view shows, as a string record. */
    private static ConsumerRecord<String, String> copy(RecordView v) {
        return new ConsumerRecord<>(v.topic(), v.partition(), v.offset(), v.timestamp(), string(v.key(), v.keySize()),
                string(v.value(), v.valueSize()), v.headers());
    }

    private static String string(ByteBuffer b, int size) {
        if (b == null) {
            assertEquals(-1, size);
            return null;
        }
        assertEquals(size, b.remaining());
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void replayHandsOverEveryRecordOnceInOffsetOrderPerPartitionAndReturnsTheEndOffsets() {
        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.createTopic(TOPIC, smallSegments());
            List<List<ConsumerRecord<String, String>>> expected = fill(log, 1000);
            assertTrue(((LogAccess) log).partitionLog(new TopicPartition(TOPIC, 0)).segmentCount() > 3,
                    "the replay crosses segments");

            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            ReplayResult result = log.replay(TOPIC, Serdes.string(), Serdes.string(), got::add);

            assertEquals(expected, perPartition(got));
            // Partition by partition, in ascending order (documented, though not the contract).
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i - 1).partition() <= got.get(i).partition(), "partition order at " + i);
            }
            assertEquals(1000, result.records());
            assertEquals(TOPIC, result.topic());
            long size = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(topic.partition(p).endOffset(), result.endOffsets().get(new TopicPartition(TOPIC, p)));
                size += topic.partition(p).sizeInBytes();
            }
            assertEquals(PARTITIONS, result.endOffsets().size());
            assertEquals(size, result.bytes(), "every batch of the topic was read once");
            assertTrue(result.recordsPerSecond() > 0);
        }
    }

    @Test
    void viewsShowTheSameRecordsAsTheDeserializingReplay() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            List<List<ConsumerRecord<String, String>>> expected = fill(log, 1000);
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            RecordView[] seen = new RecordView[1];
            ReplayResult result = log.replayViews(TOPIC, v -> {
                if (seen[0] != null) {
                    assertSame(seen[0], v, "one view object, reused");
                }
                seen[0] = v;
                got.add(copy(v));
                for (int h = 0; h < v.headerCount(); h++) {
                    Header header = v.headers().get(h);
                    assertEquals(header.key(), v.headerKey(h));
                    ByteBuffer hv = v.headerValue(h);
                    if (header.value() == null) {
                        assertNull(hv);
                    } else {
                        byte[] bytes = new byte[hv.remaining()];
                        hv.get(bytes);
                        assertArrayEquals(header.value(), bytes);
                    }
                }
            });
            assertEquals(expected, perPartition(got));
            assertEquals(1000, result.records());
        }
    }

    @Test
    void viewBuffersAreReadOnlyWindowsThatAreEmptiedAfterTheCallback() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 100);
            List<ByteBuffer> kept = new ArrayList<>();
            log.replayViews(TOPIC, v -> {
                ByteBuffer value = v.value();
                if (value != null) {
                    assertTrue(value.isReadOnly());
                    int at = value.position();
                    byte first = value.get(at);
                    assertThrows(ReadOnlyBufferException.class, () -> value.put(at, (byte) 'X'));
                    assertEquals(first, value.get(at));
                    assertEquals('v', (char) first, "the value starts at position()");
                    kept.add(value); // never do this outside a test
                }
            });
            assertTrue(kept.size() > 50);
            for (ByteBuffer b : kept) {
                assertEquals(0, b.remaining(), "a window kept past its callback reads nothing");
            }
            // The log itself is unchanged: a second replay sees the same values.
            List<ConsumerRecord<String, String>> again = new ArrayList<>();
            log.replay(TOPIC, Serdes.string(), Serdes.string(), again::add);
            assertTrue(again.stream().allMatch(r -> r.value() == null || r.value().startsWith("value-")));
        }
    }

    @Test
    void recordsAppendedDuringTheReplayAreNotHandedOver() {
        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.createTopic(TOPIC, smallSegments());
            fill(log, 200);
            Map<TopicPartition, Long> before = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                before.put(new TopicPartition(TOPIC, p), topic.partition(p).endOffset());
            }
            try (Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string())) {
                // Every record replayed appends another one to the same partition.
                ReplayResult result = log.replay(TOPIC, Serdes.string(), Serdes.string(), r -> producer.send(
                        new ProducerRecord<>(TOPIC, r.partition(), null, r.key(), "echo", null)).join());
                assertEquals(200, result.records());
                assertEquals(before, result.endOffsets());
            }
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(2 * before.get(new TopicPartition(TOPIC, p)), topic.partition(p).endOffset());
            }
        }
    }

    @Test
    void fromOffsetsStartThosePartitionsThereEvenInsideABatchAndTheOthersAtTheirStart() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, PARTITIONS);
            // Batches of 10 records, so that a start offset can fall inside a batch.
            for (int p = 0; p < PARTITIONS; p++) {
                for (int b = 0; b < 5; b++) {
                    ((LogAccess) log).partitionLog(new TopicPartition(TOPIC, p)).append(batchOf(10, p * 1000 + b * 10));
                }
            }
            Map<TopicPartition, Long> from = Map.of(new TopicPartition(TOPIC, 1), 15L, new TopicPartition(TOPIC, 2), 50L,
                    new TopicPartition(TOPIC, 3), 0L);
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            ReplayResult result = log.replay(TOPIC, from, Serdes.string(), Serdes.string(), got::add);
            List<List<ConsumerRecord<String, String>>> parts = perPartition(got);
            assertEquals(50, parts.get(0).size(), "no entry: from the start");
            assertEquals(35, parts.get(1).size());
            assertEquals(15, parts.get(1).get(0).offset(), "inside a batch: the records before are skipped");
            assertEquals("v1015", parts.get(1).get(0).value());
            assertEquals(0, parts.get(2).size(), "from the end offset: nothing");
            assertEquals(50, parts.get(3).size());
            for (List<ConsumerRecord<String, String>> part : parts) {
                for (int i = 1; i < part.size(); i++) {
                    assertEquals(part.get(i - 1).offset() + 1, part.get(i).offset());
                }
            }
            assertEquals(135, result.records());

            List<Long> viewOffsets = new ArrayList<>();
            log.replayViews(TOPIC, from, v -> viewOffsets.add(v.partition() * 1000L + v.offset()));
            assertEquals(got.stream().map(r -> r.partition() * 1000L + r.offset()).toList(), viewOffsets);
        }
    }

    /** One batch of {@code n} records with values {@code v<first>}, {@code v<first+1>}, ... */
    private static ByteBuffer batchOf(int n, int first) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        RecordBatchWriter w = new RecordBatchWriter().begin(buffer, 0, buffer.capacity(), 0,
                RecordBatchDescriptor.NO_TIMESTAMP);
        for (int i = 0; i < n; i++) {
            assertTrue(w.append(1_700_000_000_000L, null, ("v" + (first + i)).getBytes(StandardCharsets.UTF_8),
                    Headers.empty()));
        }
        buffer.limit(w.finish());
        return buffer;
    }

    @Test
    void badInputIsRefusedBeforeAnyRecordIsHandedOver() {
        AtomicInteger calls = new AtomicInteger();
        ReplayHandler<String, String> counting = r -> calls.incrementAndGet();
        RecordViewHandler countingViews = v -> calls.incrementAndGet();
        Serde<String> s = Serdes.string();
        CommitLog log = CommitLog.open(dir);
        try {
            log.createTopic(TOPIC, PARTITIONS);
            fill(log, 40);
            TopicPartition p1 = new TopicPartition(TOPIC, 1);

            assertThrows(UnknownTopicException.class, () -> log.replay("nope", s, s, counting));
            assertThrows(UnknownTopicException.class, () -> log.replayViews("not a topic name!", countingViews));
            UnknownTopicException noPartition = assertThrows(UnknownTopicException.class,
                    () -> log.replay(TOPIC, Map.of(new TopicPartition(TOPIC, 9), 0L), s, s, counting));
            assertTrue(noPartition.getMessage().contains("no partition 9"), noPartition.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> log.replayViews(TOPIC, Map.of(new TopicPartition("other", 0), 0L), countingViews));
            OffsetOutOfRangeException above = assertThrows(OffsetOutOfRangeException.class,
                    () -> log.replay(TOPIC, Map.of(p1, 11L), s, s, counting));
            assertEquals(p1, above.partition());
            assertEquals(11, above.offset());
            assertThrows(OffsetOutOfRangeException.class, () -> log.replayViews(TOPIC, Map.of(p1, -1L), countingViews));
            Map<TopicPartition, Long> nullOffset = new HashMap<>();
            nullOffset.put(p1, null);
            assertThrows(NullPointerException.class, () -> log.replay(TOPIC, nullOffset, s, s, counting));
            assertThrows(NullPointerException.class, () -> log.replay(null, s, s, counting));
            assertThrows(NullPointerException.class, () -> log.replay(TOPIC, null, s, s, counting));
            assertThrows(NullPointerException.class, () -> log.replay(TOPIC, null, s, counting));
            assertThrows(NullPointerException.class, () -> log.replay(TOPIC, s, s, null));
            assertThrows(NullPointerException.class, () -> log.replayViews(TOPIC, null));
            assertEquals(0, calls.get(), "no record was handed over");
            assertEquals(30, log.replay(TOPIC, Map.of(p1, 10L), s, s, counting).records(),
                    "the end offset is allowed: nothing from that partition");
        } finally {
            log.close();
        }
        assertThrows(LogClosedException.class, () -> log.replay(TOPIC, s, s, counting));
        assertThrows(LogClosedException.class, () -> log.replayViews(TOPIC, countingViews));
    }

    @Test
    void anExceptionOfTheHandlerStopsTheReplayAndPropagatesUnwrapped() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 300);
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicInteger calls = new AtomicInteger();
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> log.replay(TOPIC, Serdes.string(), Serdes.string(), r -> {
                        if (calls.incrementAndGet() == 100) {
                            throw boom;
                        }
                    }));
            assertSame(boom, thrown);
            assertEquals(100, calls.get());

            calls.set(0);
            // Also an exception type the replay itself throws: it must pass through untouched.
            LogClosedException closed = new LogClosedException("the handler's own producer is closed");
            assertSame(closed, assertThrows(LogClosedException.class, () -> log.replayViews(TOPIC, v -> {
                if (calls.incrementAndGet() == 7) {
                    throw closed;
                }
            })));
            assertEquals(7, calls.get());
            // The log is fine afterwards.
            assertEquals(300, log.replayViews(TOPIC, v -> { }).records());
        }
    }

    @Test
    void aValueThatFailsToDeserializeIsReportedWithPartitionAndOffsetAfterTheRecordsBeforeIt() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, PARTITIONS);
            fill(log, 100);
            Serde<String> picky = new Serde<>() {
                @Override
                public byte[] serialize(String value) {
                    return Serdes.string().serialize(value);
                }

                @Override
                public String deserialize(byte[] bytes) {
                    String s = Serdes.string().deserialize(bytes);
                    if ("value-42".equals(s)) {
                        throw new IllegalArgumentException("not today");
                    }
                    return s;
                }
            };
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            SerializationException e = assertThrows(SerializationException.class,
                    () -> log.replay(TOPIC, Serdes.string(), picky, got::add));
            // Record 42 went to partition (42 * 7) % 4 = 2, at offset 10 (i = 2, 6, 10, ..., 42).
            assertEquals(new TopicPartition(TOPIC, 2), e.topicPartition());
            assertEquals(10, e.offset());
            assertTrue(e.getCause() instanceof IllegalArgumentException);
            assertEquals(25 + 25 + 10, got.size(), "partitions 0 and 1, then partition 2 up to the bad record");
        }
    }

    @Test
    void aCorruptBatchStopsTheReplayWithCorruptLogExceptionAfterEveryRecordBeforeIt() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 400);
        }
        // Flip a byte of the value "value-8" (partition 0, offset 2): covered by its batch's CRC.
        // It lies in the first segment, which a clean open does not scan.
        Path partition0 = dir.resolve(TOPIC + "-0");
        Path first;
        try (Stream<Path> files = Files.list(partition0)) {
            first = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(first);
        int at = indexOf(bytes, "value-8".getBytes(StandardCharsets.UTF_8));
        assertTrue(at > 0);
        bytes[at] ^= 0x20;
        Files.write(first, bytes);

        try (CommitLog log = CommitLog.open(dir)) {
            List<Long> offsets = new ArrayList<>();
            CorruptLogException e = assertThrows(CorruptLogException.class,
                    () -> log.replay(TOPIC, Serdes.string(), Serdes.string(), r -> offsets.add(r.offset())));
            assertEquals(List.of(0L, 1L), offsets, "the records before the corrupt batch");
            assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("CRC"), e.getMessage());

            AtomicLong views = new AtomicLong();
            assertThrows(CorruptLogException.class, () -> log.replayViews(TOPIC, v -> views.incrementAndGet()));
            assertEquals(2, views.get());
            // Past the corrupt batch, the rest of the log replays: 97 records of partition 0, 300 of the others.
            assertEquals(97 + 300,
                    log.replayViews(TOPIC, Map.of(new TopicPartition(TOPIC, 0), 3L), v -> { }).records());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (i + needle.length < haystack.length && Character.isDigit(haystack[i + needle.length])) {
                continue; // "value-8" must not match "value-80"
            }
            return i;
        }
        return -1;
    }

    @Test
    void deletingTheTopicDuringItsReplayEndsItWithUnknownTopic() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 400);
            AtomicInteger calls = new AtomicInteger();
            UnknownTopicException e = assertThrows(UnknownTopicException.class, () -> log.replayViews(TOPIC, v -> {
                if (calls.incrementAndGet() == 10) {
                    log.deleteTopic(TOPIC);
                }
                assertNotNull(v.topic());
            }));
            assertTrue(e.getMessage().contains("deleted during its replay"), e.getMessage());
            assertTrue(calls.get() < 400);
        }
    }

    @Test
    void closingTheLogDuringAReplayEndsItWithLogClosed() {
        CommitLog log = CommitLog.open(dir);
        try {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 400);
            AtomicInteger calls = new AtomicInteger();
            assertThrows(LogClosedException.class, () -> log.replay(TOPIC, Serdes.string(), Serdes.string(), r -> {
                if (calls.incrementAndGet() == 10) {
                    log.close();
                }
            }));
            assertTrue(calls.get() < 400);
        } finally {
            log.close();
        }
    }

    @Test
    void progressIsReportedWhileTheReplayRunsAndOnceAtTheEnd() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, smallSegments());
            fill(log, 2000);
            long[] now = {0};
            List<String> lines = new ArrayList<>();
            // A clock that moves 1 s per look, and a report due every 2 s.
            ReplayResult result = Replayer.replayViews((LogAccess) log, TOPIC, Map.of(), v -> { },
                    2_000_000_000L, () -> now[0] += 1_000_000_000L, lines::add);
            assertTrue(lines.size() >= 3, String.join("\n", lines));
            String summary = lines.get(lines.size() - 1);
            assertTrue(summary.startsWith("replayed events: 2,000 records"), summary);
            assertTrue(summary.contains("from 4 partitions"), summary);
            assertTrue(summary.endsWith("end offsets [500, 500, 500, 500]"), summary);
            int lastShare = -1;
            int lastPartition = 0;
            for (String line : lines.subList(0, lines.size() - 1)) {
                assertTrue(line.startsWith("replay of events: "), line);
                int share = Integer.parseInt(line.substring("replay of events: ".length(), line.indexOf(" %")));
                int partition = Integer.parseInt(line.substring(line.indexOf("; partition ") + 12,
                        line.indexOf(" (", line.indexOf("; partition "))));
                assertTrue(share >= lastShare && share <= 100, line);
                assertTrue(partition >= lastPartition, line);
                assertTrue(line.contains("records/s"), line);
                lastShare = share;
                lastPartition = partition;
            }
            assertEquals(2000, result.records());
        }
    }
}
