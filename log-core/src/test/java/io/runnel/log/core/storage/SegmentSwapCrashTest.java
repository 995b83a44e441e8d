package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CommitLog;
import io.runnel.log.Headers;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.testing.PartitionRecords;
import io.runnel.log.core.testing.TestFiles;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A compaction swap stopped after each of its steps, and the directory copied at that moment as
 * a crash would leave it: the copy opens, rolls back (before the commit point) or forward
 * (after it), and holds the latest record of every key with nothing that was not written.
 */
class SegmentSwapCrashTest {
    private static final TopicPartition TP = new TopicPartition("kv", 0);

    @TempDir
    Path tmp;

    @AfterEach
    void noFault() {
        SegmentSwap.failAfterStep = -1;
    }

    @ParameterizedTest(name = "stopped after swap step {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void aSwapStoppedAfterAnyStepRecoversToTheOldOrTheCleanedSegments(int step) throws Exception {
        Path dir = tmp.resolve("log");
        Path crashed = tmp.resolve("crashed");
        Map<Long, String[]> written = new HashMap<>();
        Map<String, Long> latest = new HashMap<>();
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(4096).cleanupPolicy(CleanupPolicy.COMPACT)
                    .build());
            PartitionLog plog = ((LogAccess) log).partitionLog(TP);
            Random random = new Random(step);
            for (int i = 0; i < 2_000; i++) {
                String key = "k" + random.nextInt(50);
                String value = key + "=" + i;
                long offset = plog.appendRecord(i, key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), Headers.empty());
                written.put(offset, new String[] {key, value});
                latest.put(key, offset);
            }
            plog.roll(0);
            SegmentSwap.failAfterStep = step;
            IllegalStateException e = assertThrows(IllegalStateException.class, log::runMaintenance);
            assertTrue(e.getMessage().contains("swap step " + step), e.getMessage());
            TestFiles.copyTree(dir, crashed);
            SegmentSwap.failAfterStep = -1;
        }
        if (step == 0) {
            // As a crash while the cleaned segment was being written leaves it (the live process
            // removed its staging directory on the way out).
            Path staging = crashed.resolve("kv-0").resolve(SegmentSwap.STAGING_DIR);
            Files.createDirectories(staging);
            Files.write(staging.resolve("00000000000000000000.log"), new byte[] {1, 2, 3});
        }
        boolean swapFiles = hasName(crashed, ".swap");
        assertEquals(step >= 1 && step < 3, swapFiles, "the .swap files are the commit point's mark");
        try (CommitLog log = CommitLog.open(crashed)) {
            PartitionLog plog = ((LogAccess) log).partitionLog(TP);
            Map<Long, String[]> read = read(plog);
            for (Map.Entry<Long, String[]> r : read.entrySet()) {
                String[] w = written.get(r.getKey());
                assertTrue(w != null && w[0].equals(r.getValue()[0]) && w[1].equals(r.getValue()[1]),
                        "offset " + r.getKey() + " holds what was written there");
            }
            for (long offset : latest.values()) {
                assertTrue(read.containsKey(offset), "the latest record at " + offset + " is there");
            }
            if (step >= 1) {
                // Rolled forward: the first group is cleaned (one record per key at most in it).
                List<String> keys = new ArrayList<>();
                long firstGroupEnd = plog.segments()[0].nextOffset();
                read.forEach((o, r) -> {
                    if (o < firstGroupEnd) {
                        keys.add(r[0]);
                    }
                });
                assertEquals(keys.size(), keys.stream().distinct().count(), "the cleaned group has one record per key");
            } else {
                assertEquals(written.size(), read.size(), "rolled back: every record still there");
            }
            assertFalse(hasName(crashed, ".swap") || hasName(crashed, ".cleaned"), "nothing left over");
        }
    }

    private static Map<Long, String[]> read(PartitionLog log) {
        Map<Long, String[]> out = new HashMap<>();
        PartitionRecords.forEach(log, (offset, timestamp, key, value) -> out.put(offset,
                new String[] {new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8)}));
        return out;
    }

    private static boolean hasName(Path dir, String part) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().contains(part));
        }
    }
}
