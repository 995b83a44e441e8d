package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The progress and summary lines of a replay, and how often the clock is read. */
class ReplayProgressTest {

    @Test
    void progressLineGivesShareCountsRatesTimeLeftAndTheCurrentPartition() {
        long[] now = {0};
        List<String> lines = new ArrayList<>();
        ReplayProgress progress = new ReplayProgress("orders", new long[] {0, 500}, new long[] {1_000_000, 1_500},
                5_000_000_000L, () -> now[0], lines::add);
        progress.onPartition(0);
        now[0] = 2_000_000_000L;
        // 250,500 records of 100 bytes in 2 s: partition 0 at 250,500 of 1,000,000.
        progress.onBatch(0, 250_500, 250_500, 25_050_000);
        assertEquals("replay of orders: 25 % (250,500 records, 25.1 MB) in 2.0 s, 125,250 records/s, 12.5 MB/s,"
                + " about 6 s left; partition 0 (1 of 2) at offset 250,500 of 1,000,000", progress.progressLine(now[0]));
        assertTrue(lines.isEmpty(), "no report before the interval");
        progress.onPartition(1);
        assertTrue(progress.progressLine(now[0]).endsWith("; partition 1 (2 of 2) at offset 500 of 1,500"),
                progress.progressLine(now[0]));
    }

    @Test
    void reportsComeEveryIntervalAndTheClockIsNotReadForEverySmallBatch() {
        long[] reads = {0};
        long[] now = {0};
        List<String> lines = new ArrayList<>();
        ReplayProgress progress = new ReplayProgress("t", new long[] {0}, new long[] {1_000_000}, 5_000_000_000L,
                () -> {
                    reads[0]++;
                    return now[0];
                }, lines::add);
        long startReads = reads[0];
        for (int i = 0; i < 600; i++) {
            progress.onBatch(0, i + 1, 1, 100);
        }
        assertTrue(reads[0] - startReads <= 10, "the clock was read " + (reads[0] - startReads)
                + " times for 600 one-record batches");
        now[0] = 6_000_000_000L;
        for (int i = 600; i < 1200; i++) {
            progress.onBatch(0, i + 1, 1, 100);
        }
        assertEquals(1, lines.size(), "one report once 5 s have passed: " + lines);
        for (int i = 1200; i < 1800; i++) {
            progress.onBatch(0, i + 1, 1, 100);
        }
        assertEquals(1, lines.size(), "the next one 5 s later");
        now[0] = 11_000_000_000L;
        progress.onBatch(0, 1801, 2000, 100);
        assertEquals(2, lines.size(), "a batch of many records looks at the clock at once");
    }

    @Test
    void summaryLineListsTheEndOffsetsOfUpToSixteenPartitions() {
        long[] from = new long[20];
        long[] end = new long[20];
        for (int p = 0; p < 20; p++) {
            end[p] = p * 10;
        }
        ReplayProgress progress = new ReplayProgress("many", from, end, 1, () -> 0, line -> { });
        progress.onBatch(0, 0, 1900, 3_000_000);
        String line = progress.summaryLine(1_500_000_000L);
        assertEquals("replayed many: 1,900 records, 3.0 MB from 20 partitions in 1.500 s (1,267 records/s, 2.0 MB/s);"
                + " end offsets [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, ...]", line);
        ReplayProgress one = new ReplayProgress("one", new long[] {0}, new long[] {7}, 1, () -> 0, l -> { });
        assertTrue(one.summaryLine(0).contains("from 1 partition in"), one.summaryLine(0));
    }
}
