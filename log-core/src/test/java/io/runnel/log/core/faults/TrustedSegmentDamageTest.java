package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.Partition;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damage the file fuzz test found in segments that an open trusts (all of them after a clean
 * shutdown; those below the recovery point after a crash), each pinned down: reads report it as
 * {@code CorruptLogException} after the good records, never hand out a wrong record or skip one,
 * and never fail with an undocumented exception.
 */
class TrustedSegmentDamageTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long BASE_TIME = 1_700_000_000_000L;
    private static final int RECORDS = 200;

    @TempDir
    Path dir;

    private final Ledger ledger = new Ledger();
    private Path root;

    @BeforeEach
    void writeALogOfSeveralSegments() {
        root = dir.resolve("log");
        try (CommitLog log = CommitLog.open(root)) {
            log.createTopic(TP.topic(), TopicConfig.builder().partitions(1).segmentBytes(2048).indexIntervalBytes(100)
                    .build());
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                for (int i = 0; i < RECORDS; i++) {
                    ledger.sendAndRecord(p, new ProducerRecord<>(TP.topic(), 0, BASE_TIME + 10L * i, "k" + i,
                            "value-" + i, null));
                }
            }
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("t-0"))) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    /** Positions where batches start in a segment file. */
    private static List<Integer> batchStarts(Path segment) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Integer> starts = new ArrayList<>();
        for (int pos = 0; pos < buf.limit(); pos += 12 + buf.getInt(pos + 8)) {
            starts.add(pos);
        }
        return starts;
    }

    private void crashMarkerRemoved() throws IOException {
        Files.delete(root.resolve(".clean-shutdown"));
    }

    /** Reads the partition: a dense prefix of what was written, then corruption reported in the partition. */
    private Ledger.ReadBack readExpectingCorruption(CommitLog log) {
        Ledger.ReadBack back = Ledger.readAll(log, TP, Duration.ofSeconds(30));
        ledger.checkDense(TP, 0, back.records(), "read");
        assertNotNull(back.failure(), "the damage is reported; read " + back.records().size() + " records");
        assertTrue(back.failure().file().startsWith(root.resolve("t-0")), back.failure().getMessage());
        assertTrue(back.failure().position() >= 0, back.failure().getMessage());
        return back;
    }

    /** Opens the log and reads it: the records before the damage, then corruption named in {@code file}. */
    private void assertAReadReportsDamageIn(Path file) {
        try (CommitLog log = CommitLog.open(root)) {
            Ledger.ReadBack back = readExpectingCorruption(log);
            assertEquals(file, back.failure().file(), back.failure().getMessage());
        }
    }

    @Test
    void aMiddleSegmentCutAtABatchBoundaryIsAGapThatReadsReportInsteadOfSkipping() throws IOException {
        Path middle = segments().get(1);
        List<Integer> starts = batchStarts(middle);
        try (RandomAccessFile f = new RandomAccessFile(middle.toFile(), "rw")) {
            f.setLength(starts.get(starts.size() / 2));
        }
        crashMarkerRemoved(); // the recovery points still say the middle segment is flushed: it is trusted
        try (CommitLog log = CommitLog.open(root)) {
            Ledger.ReadBack back = readExpectingCorruption(log);
            assertTrue(back.records().size() < RECORDS, "stops at the gap");
            assertTrue(back.failure().getMessage().contains("missing"), back.failure().getMessage());
        }
    }

    @Test
    void aDamagedBaseOffsetInATrustedSegmentIsReportedNotReadAsOtherOffsets() throws IOException {
        Path middle = segments().get(1);
        int at = batchStarts(middle).get(3);
        try (RandomAccessFile f = new RandomAccessFile(middle.toFile(), "rw")) {
            f.seek(at);
            long base = f.readLong();
            f.seek(at);
            f.writeLong(base - 2); // outside the CRC: the batch still passes its CRC check
        }
        assertAReadReportsDamageIn(middle);
    }

    @Test
    void aFewBytesOfGarbageAfterARolledSegmentAreReportedAsCorruption() throws IOException {
        Path middle = segments().get(1);
        Files.write(middle, new byte[] {1, 2, 3, 4, 5}, java.nio.file.StandardOpenOption.APPEND);
        assertAReadReportsDamageIn(middle);
    }

    @Test
    void aTruncatedTimeIndexIsNotTrustedForTheSegmentsLargestTimestamp() throws IOException {
        Path middle = segments().get(1);
        Path timeIndex = Path.of(middle.toString().replace(".log", ".timeindex"));
        assertTrue(Files.size(timeIndex) >= 24, "the time index has entries to lose: " + Files.size(timeIndex));
        try (RandomAccessFile f = new RandomAccessFile(timeIndex.toFile(), "rw")) {
            f.setLength(12);
        }
        long base = Long.parseLong(middle.getFileName().toString().substring(0, 20));
        try (CommitLog log = CommitLog.open(root)) {
            Partition p = log.topic(TP.topic()).orElseThrow().partition(0);
            long end = Long.parseLong(segments().get(2).getFileName().toString().substring(0, 20));
            for (long o = base; o < end; o++) {
                assertEquals(OptionalLong.of(o), p.offsetForTimestamp(BASE_TIME + 10 * o - 5), "record " + o);
            }
        }
    }

    @Test
    void anOffsetIndexEntryDamagedIntoALargerOffsetDoesNotBreakAppendsToTheLastSegment() throws IOException {
        Path last = segments().get(segments().size() - 1);
        Path index = Path.of(last.toString().replace(".log", ".index"));
        assertTrue(Files.size(index) >= 16, "the last segment's index has two entries: " + Files.size(index));
        try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
            long lastEntry = f.length() - 8;
            f.seek(lastEntry);
            int relative = f.readInt();
            f.seek(lastEntry);
            f.writeInt(relative + (1 << 30)); // still increasing: passes the sanity check
        }
        try (CommitLog log = CommitLog.open(root)) {
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                ledger.sendAndRecord(p, new ProducerRecord<>(TP.topic(), 0, BASE_TIME + 10L * RECORDS, "k", "after",
                        null));
            }
        }
        try (CommitLog log = CommitLog.open(root)) {
            assertEquals(RECORDS + 1, ledger.checkComplete(log, TP, "reopened after an append"));
        }
    }
}
