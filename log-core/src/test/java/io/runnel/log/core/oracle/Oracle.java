package io.runnel.log.core.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;

import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.LogOffsetsListener;
import org.apache.kafka.storage.internals.log.ProducerStateManagerConfig;
import org.apache.kafka.storage.internals.log.UnifiedLog;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;

/**
 * What the Kafka oracle tests share: seeded random records, a workload that writes them through
 * {@link PartitionLog} (single-record appends and multi-record, multi-batch appends), record
 * comparison against Kafka's reader, and recovery of a partition directory by Kafka's
 * {@link UnifiedLog} (kafka-storage 4.1.0).
 */
final class Oracle {
    /** The partition the tests write; its directory is {@code oracle-0}. */
    static final TopicPartition TP = new TopicPartition("oracle", 0);
    /** Runs background work (flushes of rolled segments) on the caller's thread. */
    static final Executor DIRECT = Runnable::run;
    /** Never roll by time in these tests. */
    static final long NO_TIME_ROLL = Long.MAX_VALUE / 2;

    static {
        // Kafka's log loading reports every segment at INFO; keep the build output readable
        // (-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info brings it back).
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
    }

    private Oracle() {
    }

    /**
     * A record as it was written, to compare with what a reader hands back.
     *
     * @param offset    the offset the log gave it
     * @param timestamp its timestamp
     * @param key       the key, or null
     * @param value     the value, or null
     * @param headers   the headers (never null)
     */
    record Rec(long offset, long timestamp, byte[] key, byte[] value, Headers headers) {
        @Override
        public String toString() {
            return "Rec[offset=" + offset + ", ts=" + timestamp + ", key=" + len(key) + ", value=" + len(value)
                    + ", headers=" + headers + "]";
        }

        private static String len(byte[] b) {
            return b == null ? "null" : b.length + " bytes";
        }
    }

    /**
     * The seed for a test's random data: {@code -Doracle.seed=N} replays a run; printed either way.
     *
     * @param test the test's name, for the printed line
     * @return the seed
     */
    static long seed(String test) {
        long seed = Long.getLong("oracle.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Doracle.seed=" + seed + ")");
        return seed;
    }

    static byte[] randomBytes(Random r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }

    /** A key: null, empty, or up to 40 random bytes. */
    static byte[] randomKey(Random r) {
        int p = r.nextInt(100);
        if (p < 20) {
            return null;
        }
        if (p < 25) {
            return new byte[0];
        }
        return randomBytes(r, 1 + r.nextInt(40));
    }

    /** A value: null, empty, small, medium or a few KiB. */
    static byte[] randomValue(Random r) {
        int p = r.nextInt(100);
        if (p < 8) {
            return null;
        }
        if (p < 16) {
            return new byte[0];
        }
        if (p < 60) {
            return randomBytes(r, r.nextInt(200));
        }
        if (p < 92) {
            return randomBytes(r, 200 + r.nextInt(1800));
        }
        return randomBytes(r, 2000 + r.nextInt(7000));
    }

    private static final String[] HEADER_KEYS = {"trace-id", "", "content-type", "ключ", "émoji-✓", "x"};

    /** Zero to three headers; values may be null, empty or random. Keys repeat sometimes. */
    static Headers randomHeaders(Random r) {
        int n = r.nextInt(100) < 50 ? 0 : 1 + r.nextInt(3);
        if (n == 0) {
            return Headers.empty();
        }
        Header[] hs = new Header[n];
        for (int i = 0; i < n; i++) {
            String key = HEADER_KEYS[r.nextInt(HEADER_KEYS.length)];
            int p = r.nextInt(100);
            byte[] value = p < 25 ? null : p < 35 ? new byte[0] : randomBytes(r, r.nextInt(64));
            hs[i] = new Header(key, value);
        }
        return Headers.of(hs);
    }

    /** How timestamps move from record to record. */
    enum Timestamps {
        /** Never decreasing: the time index gets an entry at most index points. */
        INCREASING,
        /** Jumping back and forth, with repeats: the time index keeps the running maximum. */
        JUMPY
    }

    /**
     * Writes records to a partition log the ways a producer and a replica would, and remembers
     * them.
     */
    static final class Workload {
        private final Random random;
        private final Timestamps timestamps;
        private final List<Rec> written = new ArrayList<>();
        private long clock = 1_700_000_000_000L;

        Workload(Random random, Timestamps timestamps) {
            this.random = random;
            this.timestamps = timestamps;
        }

        List<Rec> written() {
            return written;
        }

        long nextTimestamp() {
            if (timestamps == Timestamps.INCREASING) {
                clock += random.nextInt(4) == 0 ? 0 : random.nextInt(20);
                return clock;
            }
            int p = random.nextInt(100);
            if (p < 15) {
                return Math.max(0, clock - random.nextInt(100_000));
            }
            if (p < 25) {
                return clock;
            }
            clock += random.nextInt(50);
            return clock;
        }

        /**
         * Appends {@code operations} times: mostly single records, about one in five a buffer
         * of one to three batches of one to fifteen records each.
         *
         * @param log        the log to append to
         * @param operations the number of appends
         */
        void run(PartitionLog log, int operations) {
            for (int i = 0; i < operations; i++) {
                if (random.nextInt(5) == 0) {
                    appendBatches(log, 1 + random.nextInt(3), 15);
                } else {
                    appendOne(log, randomKey(random), randomValue(random), randomHeaders(random));
                }
            }
        }

        /** One record as a batch of its own, through {@link PartitionLog#appendRecord}. */
        void appendOne(PartitionLog log, byte[] key, byte[] value, Headers headers) {
            appendAt(log, nextTimestamp(), key, value, headers);
        }

        /** One record with the given timestamp as a batch of its own. */
        void appendAt(PartitionLog log, long ts, byte[] key, byte[] value, Headers headers) {
            long expected = log.endOffset();
            long offset = log.appendRecord(ts, key, value, headers);
            assertEquals(expected, offset, "offset of a single-record append");
            written.add(new Rec(offset, ts, key, value, headers));
        }

        /**
         * Encodes {@code batches} batches of random records with {@link RecordBatchWriter} into
         * one buffer and appends it through {@link PartitionLog#append(ByteBuffer)}.
         */
        void appendBatches(PartitionLog log, int batches, int maxRecords) {
            List<List<Rec>> plan = new ArrayList<>();
            int capacity = 0;
            for (int b = 0; b < batches; b++) {
                int n = 1 + random.nextInt(maxRecords);
                List<Rec> batch = new ArrayList<>();
                long firstTs = 0;
                capacity += RecordBatchDescriptor.HEADER_SIZE;
                for (int i = 0; i < n; i++) {
                    long ts = nextTimestamp();
                    if (i == 0) {
                        firstTs = ts;
                    }
                    byte[] key = randomKey(random);
                    byte[] value = random.nextInt(4) == 0 ? randomValue(random) : randomBytes(random, random.nextInt(120));
                    Headers headers = randomHeaders(random);
                    batch.add(new Rec(-1, ts, key, value, headers));
                    capacity += RecordBatchWriter.sizeOfRecord(ts - firstTs, i, key == null ? -1 : key.length,
                            value == null ? -1 : value.length, headers);
                }
                plan.add(batch);
            }
            ByteBuffer buffer = ByteBuffer.allocate(capacity);
            RecordBatchWriter writer = new RecordBatchWriter();
            int position = 0;
            for (List<Rec> batch : plan) {
                // Base offset 0: the log stamps the real one.
                writer.begin(buffer, position, capacity - position, 0, RecordBatchDescriptor.NO_TIMESTAMP);
                for (Rec rec : batch) {
                    assertTrue(writer.append(rec.timestamp(), rec.key(), rec.value(), rec.headers()),
                            "a record fits the size computed for it");
                }
                position += writer.finish();
            }
            assertEquals(capacity, position, "batches take exactly the computed size");
            long expected = log.endOffset();
            long first = log.append(buffer.slice(0, position));
            assertEquals(expected, first, "base offset of a multi-batch append");
            long offset = first;
            for (List<Rec> batch : plan) {
                for (Rec rec : batch) {
                    written.add(new Rec(offset++, rec.timestamp(), rec.key(), rec.value(), rec.headers()));
                }
            }
            assertEquals(offset, log.endOffset(), "end offset after a multi-batch append");
        }
    }

    /**
     * Opens (creating) the log of {@link #TP} in {@code partitionDir}.
     *
     * @param partitionDir  the partition directory
     * @param config        the log settings
     * @param cleanShutdown false to make it recover
     * @return the open log
     */
    static PartitionLog open(Path partitionDir, LogConfig config, boolean cleanShutdown) {
        return PartitionLog.open(TP, partitionDir, config, FlushPolicy.none(), DIRECT, cleanShutdown, 0);
    }

    /** Up to {@code max} records from {@code offset} on, through {@link PartitionLog#read}. */
    static List<Rec> readFrom(PartitionLog log, long offset, int max) {
        List<Rec> out = new ArrayList<>();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long next = offset;
        while (next < log.endOffset() && out.size() < max) {
            long from = next;
            next = log.read(next, 64 * 1024, true, view, batch -> {
                cursor.reset(batch);
                while (cursor.next()) {
                    if (cursor.offset() >= from && out.size() < max) {
                        out.add(new Rec(cursor.offset(), cursor.timestamp(), cursor.key(), cursor.value(),
                                cursor.headers()));
                    }
                }
                return out.size() < max;
            });
            assertTrue(next > from, "read makes progress from " + from);
        }
        return out;
    }

    // ------------------------------------------------------------------ comparing with Kafka's reader

    /**
     * Asserts that a record Kafka read is the one written.
     *
     * @param expected what was written
     * @param actual   what Kafka's reader returned
     * @param where    the file and batch, for the message
     */
    static void assertSameRecord(Rec expected, Record actual, String where) {
        String at = where + ", record at offset " + expected.offset() + " (" + expected + ")";
        assertEquals(expected.offset(), actual.offset(), "offset, " + at);
        assertEquals(expected.timestamp(), actual.timestamp(), "timestamp, " + at);
        assertArrayEquals(expected.key(), actual.hasKey() ? Utils.toArray(actual.key()) : null, "key, " + at);
        assertArrayEquals(expected.value(), actual.hasValue() ? Utils.toArray(actual.value()) : null, "value, " + at);
        org.apache.kafka.common.header.Header[] headers = actual.headers();
        assertEquals(expected.headers().size(), headers.length, "header count, " + at);
        for (int i = 0; i < headers.length; i++) {
            Header h = expected.headers().get(i);
            assertEquals(h.key(), headers[i].key(), "header " + i + " key, " + at);
            assertArrayEquals(h.value(), headers[i].value(), "header " + i + " value, " + at);
        }
    }

    /**
     * Asserts that a record Runnel read is the one written.
     *
     * @param expected what was written
     * @param actual   what Runnel's reader returned
     */
    static void assertSameRecord(Rec expected, Rec actual) {
        String at = "record at offset " + expected.offset() + " (" + expected + ")";
        assertEquals(expected.offset(), actual.offset(), "offset, " + at);
        assertEquals(expected.timestamp(), actual.timestamp(), "timestamp, " + at);
        assertArrayEquals(expected.key(), actual.key(), "key, " + at);
        assertArrayEquals(expected.value(), actual.value(), "value, " + at);
        assertEquals(expected.headers(), actual.headers(), "headers, " + at);
    }

    // ------------------------------------------------------------------ files

    /**
     * The files of a directory ending in {@code suffix}, by name (so by base offset).
     *
     * @param dir    a partition directory
     * @param suffix such as {@code .log}
     * @return the sorted paths
     */
    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The base offset a segment file is named by.
     *
     * @param file a {@code .log}, {@code .index} or {@code .timeindex}
     * @return its base offset
     */
    static long baseOffsetOf(Path file) {
        return Long.parseLong(file.getFileName().toString().substring(0, 20));
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the regular files of {@code from} into the new directory {@code to}. */
    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path f : files(from, "")) {
            if (Files.isRegularFile(f)) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /**
     * Decodes index entries for failure messages: offset index entries as {@code (relative
     * offset, position)}, time index entries as {@code (timestamp, relative offset)}.
     *
     * @param bytes     the file's bytes
     * @param timeIndex whether it is a time index
     * @return one entry per element
     */
    static List<String> entries(byte[] bytes, boolean timeIndex) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int size = timeIndex ? 12 : 8;
        List<String> out = new ArrayList<>();
        for (int p = 0; p + size <= bytes.length; p += size) {
            out.add(timeIndex ? "(" + b.getLong(p) + ", " + b.getInt(p + 8) + ")"
                    : "(" + b.getInt(p) + ", " + b.getInt(p + 4) + ")");
        }
        if (bytes.length % size != 0) {
            out.add("<" + bytes.length % size + " trailing bytes>");
        }
        return out;
    }

    /**
     * Asserts two index files hold the same bytes; on failure names the first differing entry.
     *
     * @param expected  Kafka's file
     * @param actual    Runnel's file
     * @param timeIndex whether they are time indexes
     */
    static void assertSameIndex(Path expected, Path actual, boolean timeIndex) {
        byte[] e = read(expected);
        byte[] a = read(actual);
        if (Arrays.equals(e, a)) {
            return;
        }
        List<String> ee = entries(e, timeIndex);
        List<String> ae = entries(a, timeIndex);
        int i = 0;
        while (i < Math.min(ee.size(), ae.size()) && ee.get(i).equals(ae.get(i))) {
            i++;
        }
        fail(actual.getFileName() + " differs from Kafka's: Kafka has " + e.length + " bytes (" + ee.size()
                + " entries), Runnel " + a.length + " bytes (" + ae.size() + " entries); first difference at entry "
                + i + ": Kafka " + (i < ee.size() ? ee.get(i) : "<none>") + ", Runnel "
                + (i < ae.size() ? ae.get(i) : "<none>"));
    }

    // ------------------------------------------------------------------ Kafka's UnifiedLog

    /**
     * Kafka's log settings matching Runnel's: segment size (through Kafka's
     * {@code internal.segment.bytes}, since {@code segment.bytes} has a 1 MiB floor), index size,
     * index interval, max message size.
     *
     * @param config Runnel's settings
     * @return Kafka's
     */
    static org.apache.kafka.storage.internals.log.LogConfig kafkaConfig(LogConfig config) {
        return new org.apache.kafka.storage.internals.log.LogConfig(Map.of(
                org.apache.kafka.storage.internals.log.LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, config.segmentBytes(),
                org.apache.kafka.common.config.TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, config.segmentIndexBytes(),
                org.apache.kafka.common.config.TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, config.indexIntervalBytes(),
                org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG, config.maxMessageBytes()));
    }

    /**
     * Lets Kafka's {@link UnifiedLog} load a partition directory as after a crash (not shut down
     * cleanly, recovery point 0, so every segment is recovered and indexes missing are rebuilt),
     * then closes it cleanly (which trims the active segment's indexes).
     *
     * @param partitionDir a directory named {@code <topic>-<partition>}
     * @param config       Runnel's settings of the log that wrote it
     * @return Kafka's log end offset after recovery
     * @throws Exception when Kafka fails to load the log
     */
    static long recoverWithKafka(Path partitionDir, LogConfig config) throws Exception {
        KafkaScheduler scheduler = new KafkaScheduler(1, true, "kafka-oracle-");
        scheduler.startup();
        try (BrokerTopicStats stats = new BrokerTopicStats(false)) {
            UnifiedLog log = UnifiedLog.create(partitionDir.toFile(), kafkaConfig(config),
                    0L,                                     // log start offset
                    0L,                                     // recovery point: recover every segment
                    scheduler, stats, Time.SYSTEM,
                    900_000,                                // max transaction timeout (ms)
                    new ProducerStateManagerConfig(86_400_000, false),
                    600_000,                                // producer id expiration check interval (ms)
                    new LogDirFailureChannel(1),
                    false,                                  // last shutdown clean: no
                    Optional.empty(),                       // topic id
                    new ConcurrentHashMap<>(),              // remaining segments to recover, per dir
                    false,                                  // remote storage
                    LogOffsetsListener.NO_OP_OFFSETS_LISTENER);
            try {
                return log.logEndOffset();
            } finally {
                log.close();
                log.removeLogMetrics();
            }
        } finally {
            scheduler.shutdown();
        }
    }
}
