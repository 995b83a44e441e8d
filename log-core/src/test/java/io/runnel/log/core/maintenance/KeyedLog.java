package io.runnel.log.core.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.runnel.log.CompressionType;
import io.runnel.log.Headers;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.testing.PartitionRecords;

import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Test helper: writes a seeded stream of keyed records, updates and tombstones into a partition
 * (single records and multi-record batches, some gzip-compressed), remembers every record by its
 * offset, and knows what a compacted read must return.
 */
final class KeyedLog {
    /** A record as written or read: key, value (null for a tombstone), timestamp. */
    record Rec(long offset, String key, String value, long timestamp) {
    }

    private final PartitionLog log;
    private final Random random;
    private final Map<Long, Rec> written = new HashMap<>();
    private final RecordBatchWriter writer = new RecordBatchWriter();

    KeyedLog(PartitionLog log, long seed) {
        this.log = log;
        this.random = new Random(seed);
    }

    /**
     * Appends {@code count} records with keys from {@code keys} distinct ones, a tombstone with
     * probability {@code tombstones}.
     */
    void append(int count, int keys, double tombstones, long timestamp) {
        int done = 0;
        while (done < count) {
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(Math.min(20, count - done)) : 1;
            n = Math.min(n, count - done);
            List<Rec> recs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "key-" + random.nextInt(keys);
                String value = random.nextDouble() < tombstones ? null : "value-" + random.nextInt(1_000_000) + "-"
                        + "x".repeat(random.nextInt(40));
                recs.add(new Rec(-1, key, value, timestamp));
            }
            long base;
            if (n == 1 && random.nextBoolean()) {
                Rec r = recs.get(0);
                base = log.appendRecord(timestamp, bytes(r.key()), bytes(r.value()), Headers.empty());
            } else {
                ByteBuffer buf = ByteBuffer.allocate(64 << 10);
                writer.begin(buf, 0, buf.capacity(), 0, RecordBatchDescriptor.NO_TIMESTAMP);
                if (random.nextInt(3) == 0) {
                    writer.compression(CompressionType.GZIP);
                }
                for (Rec r : recs) {
                    if (!writer.append(timestamp, bytes(r.key()), bytes(r.value()), Headers.empty())) {
                        throw new IllegalStateException("batch too small");
                    }
                }
                buf.limit(writer.finish());
                base = log.append(buf);
            }
            for (int i = 0; i < n; i++) {
                Rec r = recs.get(i);
                written.put(base + i, new Rec(base + i, r.key(), r.value(), r.timestamp()));
            }
            done += n;
        }
    }

    /** Every record written, by offset. */
    Map<Long, Rec> written() {
        return written;
    }

    /** The latest record of each key below {@code end}, in offset order; tombstones only if {@code withTombstones}. */
    List<Rec> latestPerKey(long end, boolean withTombstones) {
        Map<String, Rec> latest = new HashMap<>();
        for (Rec r : written.values()) {
            if (r.offset() < end) {
                latest.merge(r.key(), r, (a, b) -> a.offset() > b.offset() ? a : b);
            }
        }
        return latest.values().stream().filter(r -> withTombstones || r.value() != null)
                .sorted((a, b) -> Long.compare(a.offset(), b.offset())).toList();
    }

    /** Every record the log returns from its start, CRC checked, in order. */
    static List<Rec> read(PartitionLog log) {
        List<Rec> out = new ArrayList<>();
        PartitionRecords.forEach(log, (offset, timestamp, key, value) ->
                out.add(new Rec(offset, text(key), text(value), timestamp)));
        return out;
    }

    /**
     * Kafka's FileRecords opens every inactive segment of the partition (the active one is
     * preallocated past its end while open): every batch valid; returns the records.
     */
    static List<Rec> readWithKafka(PartitionLog log) throws IOException {
        List<Rec> out = new ArrayList<>();
        Path partitionDir = log.dir();
        Path active = log.segments()[log.segmentCount() - 1].logFile();
        List<Path> files;
        try (Stream<Path> s = Files.list(partitionDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".log") && !p.equals(active)).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "segments in " + partitionDir);
        for (Path f : files) {
            try (FileRecords records = FileRecords.open(f.toFile(), false)) {
                long last = -1;
                for (RecordBatch batch : records.batches()) {
                    batch.ensureValid();
                    assertTrue(batch.baseOffset() > last, "batches in offset order in " + f);
                    last = batch.lastOffset();
                    for (Record r : batch) {
                        out.add(new Rec(r.offset(), text(r.key()), text(r.value()), r.timestamp()));
                    }
                }
            }
        }
        return out;
    }

    static void assertSameRecords(List<Rec> expected, List<Rec> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": record count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ": record " + i);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
