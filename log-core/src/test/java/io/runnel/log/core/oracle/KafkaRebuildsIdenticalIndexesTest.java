package io.runnel.log.core.oracle;

import static io.runnel.log.core.oracle.Oracle.NO_TIME_ROLL;
import static io.runnel.log.core.oracle.Oracle.assertSameIndex;
import static io.runnel.log.core.oracle.Oracle.copyDir;
import static io.runnel.log.core.oracle.Oracle.files;
import static io.runnel.log.core.oracle.Oracle.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.runnel.log.Headers;
import io.runnel.log.core.index.OffsetIndex;
import io.runnel.log.core.index.TimeIndex;
import io.runnel.log.core.oracle.Oracle.Timestamps;
import io.runnel.log.core.oracle.Oracle.Workload;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.LogSegment;
import io.runnel.log.core.storage.PartitionLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decision 1 of DESIGN.md, the index half: the {@code .index} and {@code .timeindex} files
 * Runnel writes are byte for byte the ones Kafka's own {@code UnifiedLog} (kafka-storage 4.1.0)
 * rebuilds from Runnel's {@code .log} files when they are missing.
 *
 * <p>Why byte-identical is the right expectation: Kafka's recovery rebuilds a segment's indexes
 * with the same rule as its appends (an entry before a batch once more than
 * {@code index.interval.bytes} were written since the last entry, the time index holding the
 * running maximum timestamp and the last offset of the batch that reached it), adds the final
 * time index entry that a roll or close adds, and trims; closing Kafka's log trims the active
 * segment's preallocated indexes. So a rebuilt index equals one written in a single session
 * and closed cleanly, which is what Runnel's must equal. (Across a restart Kafka itself keeps
 * the time index entry added at the earlier close; {@link #indexesMatchKafkasAfterAReopenAndMoreAppends}
 * accounts for exactly that.)
 */
class KafkaRebuildsIdenticalIndexesTest {
    private static final int DEFAULT_INDEX_BYTES = 10 * 1024 * 1024;
    private static final int MAX_MESSAGE = 1024 * 1024 + 4096;

    @TempDir
    Path tmp;

    static Stream<Arguments> layouts() {
        // name, segment.bytes, index.interval.bytes, segment.index.bytes, timestamps, appends
        return Stream.of(
                Arguments.of("index.interval.bytes 256, jumpy timestamps", 64 * 1024, 256, DEFAULT_INDEX_BYTES,
                        Timestamps.JUMPY, 1500),
                Arguments.of("index.interval.bytes 256, increasing timestamps", 64 * 1024, 256, DEFAULT_INDEX_BYTES,
                        Timestamps.INCREASING, 1500),
                Arguments.of("default index.interval.bytes 4096, jumpy timestamps", 256 * 1024, 4096,
                        DEFAULT_INDEX_BYTES, Timestamps.JUMPY, 1500),
                Arguments.of("default index.interval.bytes 4096, increasing timestamps", 256 * 1024, 4096,
                        DEFAULT_INDEX_BYTES, Timestamps.INCREASING, 1500),
                Arguments.of("index.interval.bytes 0: an entry before every batch but the first", 64 * 1024, 0,
                        DEFAULT_INDEX_BYTES, Timestamps.JUMPY, 1500),
                // Indexes of 10 time / 15 offset entries: segments roll because an index is full.
                Arguments.of("120-byte indexes fill up and roll segments, increasing timestamps", 1024 * 1024, 256,
                        120, Timestamps.INCREASING, 300),
                // 8 time / 12 offset entries.
                Arguments.of("96-byte indexes fill up and roll segments, jumpy timestamps", 1024 * 1024, 128, 96,
                        Timestamps.JUMPY, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void kafkaRebuildsByteIdenticalIndexesFromEverySegmentWeWrite(String name, int segmentBytes, int indexInterval,
            int indexBytes, Timestamps timestamps, int appends) throws Exception {
        Random random = new Random(Oracle.seed("KafkaRebuildsIdenticalIndexesTest[" + name + "]"));
        LogConfig config = new LogConfig(segmentBytes, NO_TIME_ROLL, indexBytes, MAX_MESSAGE, indexInterval);
        Path ours = tmp.resolve("runnel").resolve("oracle-0");
        Workload workload = new Workload(random, timestamps);
        long end;
        long started = System.nanoTime();
        try (PartitionLog log = Oracle.open(ours, config, true)) {
            workload.run(log, appends);
            for (int i = 0; i < 2; i++) {
                // Larger than a 64 KiB segment: a segment of its own, larger than segment.bytes.
                workload.appendOne(log, null, Oracle.randomBytes(random, 100 * 1024 + random.nextInt(300 * 1024)),
                        Oracle.randomHeaders(random));
                workload.run(log, appends / 2);
            }
            end = log.endOffset();
            assertTrue(log.segmentCount() >= 5, "several segments: " + log.segmentCount());
        }
        System.out.println("Runnel wrote " + ours + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertIndexesNotTrivial(ours, config);
        Path theirs = tmp.resolve("kafka").resolve("oracle-0");
        int compared = assertKafkaRebuildsTheSameIndexes(ours, theirs, config, end, -1, null);
        System.out.println(name + ": " + compared + " segments' indexes byte-identical to Kafka's, end offset " + end);
    }

    @Test
    void ourCrashRecoveryRebuildsTheSameIndexesAsKafkas() throws Exception {
        Random random = new Random(Oracle.seed("KafkaRebuildsIdenticalIndexesTest[recovery]"));
        LogConfig config = new LogConfig(64 * 1024, NO_TIME_ROLL, DEFAULT_INDEX_BYTES, MAX_MESSAGE, 256);
        Path written = tmp.resolve("written").resolve("oracle-0");
        long end;
        try (PartitionLog log = Oracle.open(written, config, true)) {
            new Workload(random, Timestamps.JUMPY).run(log, 1500);
            end = log.endOffset();
        }
        // Runnel recovers a copy whose indexes are gone, as after a crash.
        Path recovered = tmp.resolve("recovered").resolve("oracle-0");
        copyDir(written, recovered);
        deleteIndexes(recovered);
        try (PartitionLog log = Oracle.open(recovered, config, false)) {
            assertEquals(end, log.endOffset(), "end offset after our recovery");
        }
        Path theirs = tmp.resolve("kafka").resolve("oracle-0");
        int compared = assertKafkaRebuildsTheSameIndexes(recovered, theirs, config, end, -1, null);
        assertTrue(compared >= 5, "segments compared: " + compared);
    }

    @Test
    void indexFilesDeletedBehindACleanlyClosedLogAreRebuiltAsKafkaRebuildsThem() throws Exception {
        Random random = new Random(Oracle.seed("KafkaRebuildsIdenticalIndexesTest[deleted indexes]"));
        LogConfig config = new LogConfig(64 * 1024, NO_TIME_ROLL, DEFAULT_INDEX_BYTES, MAX_MESSAGE, 256);
        Path written = tmp.resolve("written").resolve("oracle-0");
        Workload workload = new Workload(random, Timestamps.JUMPY);
        long end;
        try (PartitionLog log = Oracle.open(written, config, true)) {
            workload.run(log, 1000);
            end = log.endOffset();
        }
        // A clean shutdown, but the index files are gone (deleted by hand, restored from a backup
        // of the .log files only): Kafka rebuilds a missing offset index; so must we, the active
        // segment's included, or its time index loses the segment's largest timestamp.
        Path reopened = tmp.resolve("reopened").resolve("oracle-0");
        copyDir(written, reopened);
        deleteIndexes(reopened);
        try (PartitionLog log = Oracle.open(reopened, config, true)) {
            assertEquals(end, log.endOffset(), "end offset");
            List<Oracle.Rec> all = Oracle.readFrom(log, 0, Integer.MAX_VALUE);
            assertEquals(workload.written().size(), all.size(), "records read");
            for (int i = 0; i < all.size(); i++) {
                Oracle.assertSameRecord(workload.written().get(i), all.get(i));
            }
        }
        Path theirs = tmp.resolve("kafka").resolve("oracle-0");
        int compared = assertKafkaRebuildsTheSameIndexes(reopened, theirs, config, end, -1, null);
        assertTrue(compared >= 5, "segments compared: " + compared);
    }

    @Test
    void indexesMatchKafkasAfterAReopenAndMoreAppends() throws Exception {
        Random random = new Random(Oracle.seed("KafkaRebuildsIdenticalIndexesTest[reopen]"));
        LogConfig config = new LogConfig(64 * 1024, NO_TIME_ROLL, DEFAULT_INDEX_BYTES, MAX_MESSAGE, 256);
        Path ours = tmp.resolve("runnel").resolve("oracle-0");
        Workload workload = new Workload(random, Timestamps.JUMPY);
        long high = 2_000_000_000_000L;
        try (PartitionLog log = Oracle.open(ours, config, true)) {
            workload.run(log, 700);
            // End on a record with the highest timestamp yet that got no index entry of its own,
            // so the close adds a final time index entry that no index point of a rebuild has.
            do {
                workload.appendAt(log, ++high, null, new byte[8], Headers.empty());
            } while (lastTimeIndexTimestamp(log) == high);
        }
        // The segment that stays active across the restart, and the time index entry its close added.
        List<Path> timeIndexes = files(ours, ".timeindex");
        Path carried = timeIndexes.get(timeIndexes.size() - 1);
        long carriedBase = Oracle.baseOffsetOf(carried);
        byte[] atClose = read(carried);
        assertTrue(atClose.length >= TimeIndex.ENTRY_SIZE, "the close added a final time index entry");
        byte[] closeEntry = Arrays.copyOfRange(atClose, atClose.length - TimeIndex.ENTRY_SIZE,
                atClose.length);
        assertEquals(high, ByteBuffer.wrap(closeEntry).getLong(0), "the close's entry holds the largest timestamp");
        long end;
        boolean rolledAtOnce;
        try (PartitionLog log = Oracle.open(ours, config, true)) {
            // A new maximum first: Kafka's rebuild has no entry at the earlier close's maximum
            // (unless this append rolls the segment, which then keeps that maximum to the end).
            int segments = log.segmentCount();
            workload.appendAt(log, high + 1000, null, new byte[8], Headers.empty());
            rolledAtOnce = log.segmentCount() > segments;
            workload.run(log, 700);
            end = log.endOffset();
        }
        Path theirs = tmp.resolve("kafka").resolve("oracle-0");
        int compared = assertKafkaRebuildsTheSameIndexes(ours, theirs, config, end, carriedBase, closeEntry);
        assertTrue(compared >= 5, "segments compared: " + compared);
        assertEquals(rolledAtOnce ? 0 : TimeIndex.ENTRY_SIZE,
                Files.size(carried) - Files.size(theirs.resolve(carried.getFileName())),
                "our carried time index holds the earlier close's entry on top of Kafka's rebuilt ones");
    }

    /**
     * Copies our partition to {@code theirs}, deletes the indexes there, lets Kafka recover it,
     * and compares: the same end offset, the same {@code .log} files untouched by Kafka's
     * recovery, and byte-identical {@code .index} and {@code .timeindex} files.
     *
     * @param carriedBase base offset of a segment that was active across a reopen, or -1
     * @param closeEntry  the time index entry the close before the reopen added to it: ours
     *                    may hold it on top of Kafka's entries, as Kafka's own would
     * @return the number of segments compared
     */
    private static int assertKafkaRebuildsTheSameIndexes(Path ours, Path theirs, LogConfig config, long end,
            long carriedBase, byte[] closeEntry) throws Exception {
        copyDir(ours, theirs);
        deleteIndexes(theirs);
        long started = System.nanoTime();
        long kafkaEnd = Oracle.recoverWithKafka(theirs, config);
        System.out.println("Kafka recovered " + theirs + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertEquals(end, kafkaEnd, "Kafka's log end offset after recovering our partition");

        List<Path> ourLogs = files(ours, ".log");
        List<Path> theirLogs = files(theirs, ".log");
        assertEquals(names(ourLogs), names(theirLogs), "segments after Kafka's recovery");
        for (int i = 0; i < ourLogs.size(); i++) {
            assertEquals(-1L, Files.mismatch(ourLogs.get(i), theirLogs.get(i)),
                    "Kafka's recovery left " + ourLogs.get(i).getFileName() + " as we wrote it");
        }
        List<Path> ourIndexes = files(ours, ".index");
        List<Path> theirIndexes = files(theirs, ".index");
        assertEquals(names(ourLogs).stream().map(n -> n.replace(".log", ".index")).toList(), names(theirIndexes),
                "Kafka rebuilt an offset index per segment");
        assertEquals(names(theirIndexes), names(ourIndexes), "offset index files");
        for (int i = 0; i < ourIndexes.size(); i++) {
            assertSameIndex(theirIndexes.get(i), ourIndexes.get(i), false);
        }
        List<Path> ourTimeIndexes = files(ours, ".timeindex");
        List<Path> theirTimeIndexes = files(theirs, ".timeindex");
        assertEquals(names(ourLogs).stream().map(n -> n.replace(".log", ".timeindex")).toList(),
                names(theirTimeIndexes), "Kafka rebuilt a time index per segment");
        assertEquals(names(theirTimeIndexes), names(ourTimeIndexes), "time index files");
        for (int i = 0; i < ourTimeIndexes.size(); i++) {
            Path theirFile = theirTimeIndexes.get(i);
            Path ourFile = ourTimeIndexes.get(i);
            if (Oracle.baseOffsetOf(theirFile) == carriedBase) {
                byte[] expected = withEntry(read(theirFile), closeEntry);
                assertArrayEquals(expected, read(ourFile), () -> "time index " + theirFile.getFileName()
                        + " carried across the reopen: Kafka's plus the earlier close's "
                        + Oracle.entries(expected, true) + ", ours " + Oracle.entries(read(ourFile), true));
            } else {
                assertSameIndex(theirFile, ourTimeIndexes.get(i), true);
            }
        }
        return ourLogs.size();
    }

    private static long lastTimeIndexTimestamp(PartitionLog log) {
        LogSegment[] segments = log.segments();
        return segments[segments.length - 1].timeIndex().lastTimestamp();
    }

    /** Kafka's time index entries with {@code entry} added in its place, unless already there. */
    private static byte[] withEntry(byte[] index, byte[] entry) {
        ByteBuffer e = ByteBuffer.wrap(entry);
        long ts = e.getLong(0);
        ByteBuffer out = ByteBuffer.allocate(index.length + entry.length);
        boolean placed = false;
        for (int p = 0; p < index.length; p += TimeIndex.ENTRY_SIZE) {
            long t = ByteBuffer.wrap(index).getLong(p);
            if (!placed && t >= ts) {
                if (t == ts) {
                    return index;
                }
                out.put(entry);
                placed = true;
            }
            out.put(index, p, TimeIndex.ENTRY_SIZE);
        }
        if (!placed) {
            out.put(entry);
        }
        return out.array();
    }

    /** Checks the workload gave the comparison something to compare. */
    private static void assertIndexesNotTrivial(Path dir, LogConfig config) throws IOException {
        long offsetEntries = 0;
        long timeEntries = 0;
        int fullRolls = 0;
        int maxOffsetEntries = config.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE;
        int maxTimeEntries = config.segmentIndexBytes() / TimeIndex.ENTRY_SIZE;
        for (Path f : files(dir, ".index")) {
            long n = Files.size(f) / OffsetIndex.ENTRY_SIZE;
            offsetEntries += n;
            Path ti = dir.resolve(f.getFileName().toString().replace(".index", ".timeindex"));
            long t = Files.size(ti) / TimeIndex.ENTRY_SIZE;
            timeEntries += t;
            if (n == maxOffsetEntries || t >= maxTimeEntries - 1) {
                fullRolls++;
            }
        }
        assertTrue(offsetEntries > 20, "offset index entries: " + offsetEntries);
        assertTrue(timeEntries > 10, "time index entries: " + timeEntries);
        if (config.segmentIndexBytes() < 1024) {
            assertTrue(fullRolls > 3, "segments rolled because an index filled up: " + fullRolls);
        }
    }

    private static void deleteIndexes(Path dir) throws IOException {
        for (Path f : files(dir, ".index")) {
            Files.delete(f);
        }
        for (Path f : files(dir, ".timeindex")) {
            Files.delete(f);
        }
    }

    private static List<String> names(List<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p.getFileName().toString());
        }
        return out;
    }
}
