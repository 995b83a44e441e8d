package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ReadHint} only makes reads faster: reads that tail the log with one, across rolls,
 * after a truncation and after a seek elsewhere, return exactly what reads without one return.
 */
class ReadHintTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long SEED = Long.getLong("hint.seed", System.nanoTime());

    @TempDir
    Path dir;

    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();

    private PartitionLog open() {
        return PartitionLog.open(TP, dir.resolve("t-0"), PartitionLogTest.smallSegments(), FlushPolicy.none(),
                PartitionLogTest.DIRECT, true, 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads from {@code from} to the end in fetches of {@code maxBytes}, with the hint (or none). */
    private List<String> read(PartitionLog log, long from, int maxBytes, ReadHint hint) {
        List<String> out = new ArrayList<>();
        long next = from;
        while (next < log.endOffset()) {
            long start = next;
            next = log.read(next, maxBytes, true, view, batch -> {
                cursor.reset(batch);
                while (cursor.next()) {
                    if (cursor.offset() >= start) {
                        out.add(cursor.offset() + "=" + new String(cursor.value(), StandardCharsets.UTF_8));
                    }
                }
                return true;
            }, hint);
            assertTrue(next > start, "read made progress from " + start);
        }
        return out;
    }

    @Test
    void tailingWithAHintSeesWhatAReadWithoutOneSees() {
        Random rnd = new Random(SEED);
        try (PartitionLog log = open()) {
            ReadHint hint = new ReadHint();
            List<String> tailed = new ArrayList<>();
            int written = 0;
            for (int round = 0; round < 200; round++) {
                int n = 1 + rnd.nextInt(8);
                for (int i = 0; i < n; i++, written++) {
                    log.appendRecord(written, null, bytes("v" + written + "-" + "x".repeat(rnd.nextInt(40))),
                            Headers.empty());
                }
                tailed.addAll(read(log, tailed.size(), 1 + rnd.nextInt(600), hint));
            }
            assertTrue(log.segmentCount() > 3, "seed " + SEED + ": the tail crossed rolls: " + log.segmentCount());
            assertEquals(read(log, 0, 1 << 20, null), tailed, "seed " + SEED);
        }
    }

    @Test
    void aTruncationMakesTheHintStale() {
        try (PartitionLog log = open()) {
            for (int i = 0; i < 30; i++) {
                log.appendRecord(i, null, bytes("old-" + i), Headers.empty());
            }
            ReadHint hint = new ReadHint();
            assertEquals(30, read(log, 0, 1 << 20, hint).size());
            // The hint now points at offset 30, at the old end. After cutting back and appending
            // longer records, that byte position lies inside the batch of another offset.
            log.truncateTo(25);
            for (int i = 25; i < 40; i++) {
                log.appendRecord(i, null, bytes("renewed-" + i), Headers.empty());
            }
            List<String> after = read(log, 30, 1 << 20, hint);
            assertEquals(10, after.size());
            assertEquals("30=renewed-30", after.get(0));
            assertEquals(read(log, 30, 1 << 20, null), after);
        }
    }

    @Test
    void aReadElsewhereIgnoresTheHint() {
        try (PartitionLog log = open()) {
            for (int i = 0; i < 100; i++) {
                log.appendRecord(i, null, bytes("v" + i), Headers.empty());
            }
            ReadHint hint = new ReadHint();
            read(log, 0, 1 << 20, hint);
            assertEquals(read(log, 17, 1 << 20, null), read(log, 17, 1 << 20, hint));
            hint.clear();
            assertEquals(read(log, 3, 1 << 20, null), read(log, 3, 1 << 20, hint));
        }
    }
}
