package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.runnel.log.CorruptLogException;
import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files on an unclean open: the log keeps the valid prefix (dense offsets, intact
 * values), or, where it cannot, names the file and position; it never hangs or crashes.
 */
class RecoveryTest {
    static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    Path pdir() {
        return dir.resolve("t-0");
    }

    PartitionLog open(boolean clean) {
        return PartitionLog.open(TP, pdir(), PartitionLogTest.smallSegments(), FlushPolicy.none(), Runnable::run, clean, 0);
    }

    void write(int n) {
        try (PartitionLog log = open(true)) {
            for (int i = 0; i < n; i++) {
                log.appendRecord(i, null, ("value-" + i).getBytes(StandardCharsets.UTF_8), Headers.empty());
            }
        }
    }

    List<Path> logs() throws IOException {
        try (Stream<Path> s = Files.list(pdir())) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    /** Every record readable is value-i at offset i: a valid prefix. Returns how many. */
    static int checkPrefix(PartitionLog log) {
        List<String> values = new ArrayList<>();
        List<long[]> recs = PartitionLogTest.readAll(log, log.startOffset(), values);
        for (int i = 0; i < recs.size(); i++) {
            assertEquals(i, recs.get(i)[0]);
            assertEquals("value-" + i, values.get(i));
        }
        assertEquals(recs.size(), log.endOffset());
        return recs.size();
    }

    @Test
    void truncatedTailBatchIsCutAndAppendsContinue() throws IOException {
        write(100);
        Path last = logs().get(logs().size() - 1);
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size - 7);
        }
        try (PartitionLog log = open(false)) {
            assertEquals(99, checkPrefix(log));
            assertEquals(99, log.appendRecord(1, null, "value-99".getBytes(StandardCharsets.UTF_8), Headers.empty()));
            assertEquals(100, checkPrefix(log));
        }
    }

    @Test
    void zeroedTailIsDropped() throws IOException {
        write(50);
        Path last = logs().get(logs().size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(Files.size(last) + 100_000);
        }
        try (PartitionLog log = open(false)) {
            assertEquals(50, checkPrefix(log));
        }
    }

    @Test
    void flippedByteInTheMiddleKeepsTheRecordsBeforeIt() throws IOException {
        write(300);
        List<Path> logs = logs();
        Path victim = logs.get(1);
        long size = Files.size(victim);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            long pos = size / 2;
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x40);
        }
        try (PartitionLog log = open(false)) {
            int kept = checkPrefix(log);
            assertTrue(kept > 0 && kept < 300, "kept " + kept);
            assertEquals(2, log.segmentCount(), "later segments deleted");
        }
    }

    @Test
    void randomDamageOfTheLastSegmentAlwaysLeavesAValidPrefix() throws IOException {
        long seed = System.nanoTime();
        System.out.println("RecoveryTest seed " + seed);
        Random rnd = new Random(seed);
        for (int round = 0; round < 30; round++) {
            deleteAll();
            write(120);
            List<Path> logs = logs();
            Path victim = logs.get(rnd.nextInt(logs.size()));
            long size = Files.size(victim);
            try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
                switch (rnd.nextInt(3)) {
                    case 0 -> f.setLength(rnd.nextInt((int) size + 1));
                    case 1 -> {
                        long pos = rnd.nextInt((int) size);
                        f.seek(pos);
                        int b = f.read();
                        f.seek(pos);
                        f.write(b ^ (1 << rnd.nextInt(8)));
                    }
                    default -> {
                        long pos = rnd.nextInt((int) size);
                        f.seek(pos);
                        f.write(new byte[(int) Math.min(64, size - pos)]);
                    }
                }
            }
            try (PartitionLog log = open(false)) {
                int kept = checkPrefix(log);
                assertTrue(kept <= 120, "seed " + seed + " round " + round);
            } catch (CorruptLogException e) {
                assertTrue(e.getMessage().contains(".log") || e.getMessage().contains("t-0"), e.getMessage());
            }
        }
    }

    @Test
    void aSegmentMissingFromTheMiddleCutsTheLogThereInsteadOfLeavingAGap() throws IOException {
        write(300);
        List<Path> logs = logs();
        assertTrue(logs.size() >= 4, "segments: " + logs.size());
        Path middle = logs.get(2);
        Files.delete(middle);
        try (PartitionLog log = open(false)) {
            int kept = checkPrefix(log);
            assertEquals(2, log.segmentCount());
            assertTrue(kept > 0 && kept < 300, "kept " + kept);
        }
    }

    @Test
    void missingIndexesAreRebuiltOnCleanOpen() throws IOException {
        write(300);
        try (Stream<Path> s = Files.list(pdir())) {
            for (Path p : s.filter(p -> p.toString().endsWith("index")).toList()) {
                Files.delete(p);
            }
        }
        try (PartitionLog log = open(true)) {
            assertEquals(300, checkPrefix(log));
            assertEquals(java.util.OptionalLong.of(150), log.offsetForTimestamp(150));
        }
    }

    @Test
    void garbageIndexesAreDetectedAndRebuilt() throws IOException {
        write(300);
        Random rnd = new Random(42);
        try (Stream<Path> s = Files.list(pdir())) {
            for (Path p : s.filter(p -> p.toString().endsWith("index")).toList()) {
                byte[] junk = new byte[(int) Files.size(p)];
                rnd.nextBytes(junk);
                Files.write(p, junk);
            }
        }
        try (PartitionLog log = open(true)) {
            assertEquals(300, checkPrefix(log));
            for (int t = 0; t < 300; t += 7) {
                assertEquals(java.util.OptionalLong.of(t), log.offsetForTimestamp(t));
            }
        }
    }

    @Test
    void leftOverDeletedAndTmpFilesAreRemoved() throws IOException {
        write(500);
        Files.write(pdir().resolve("00000000000000000077.log.deleted"), new byte[10]);
        Files.write(pdir().resolve("leader-epoch-checkpoint.tmp"), new byte[10]);
        Files.write(pdir().resolve("00000000000000099999.index"), new byte[16]);
        Files.write(pdir().resolve("00000000000000000001.timeindex"), new byte[12]);
        List<Path> segments = logs();
        assertTrue(segments.size() > 2, "several segments: " + segments);
        try (PartitionLog log = open(true)) {
            assertEquals(500, checkPrefix(log));
            assertEquals(segments.size(), log.segmentCount());
        }
        assertTrue(Files.notExists(pdir().resolve("00000000000000000001.timeindex")));
        for (Path log : segments) { // the indexes of every segment are kept
            String base = log.getFileName().toString().substring(0, 20);
            assertTrue(Files.exists(pdir().resolve(base + ".index")), base);
            assertTrue(Files.exists(pdir().resolve(base + ".timeindex")), base);
        }
        assertTrue(Files.notExists(pdir().resolve("00000000000000000077.log.deleted")));
        assertTrue(Files.notExists(pdir().resolve("leader-epoch-checkpoint.tmp")));
        assertTrue(Files.notExists(pdir().resolve("00000000000000099999.index")));
    }

    private void deleteAll() throws IOException {
        if (Files.exists(pdir())) {
            try (Stream<Path> s = Files.list(pdir())) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
