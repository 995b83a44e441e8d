package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.CompressionType;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.CorruptLogException;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.testing.TestFiles;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File fuzzing (issue 6): one pristine log (two topics, one gzip-compressed, small segments, dense
 * indexes, and committed offsets of a consumer group in {@code __consumer_offsets}) is built once
 * and closed cleanly; each case copies it, damages one to three of its files with {@link Damage}
 * (bit flips, truncation, zeroed or overwritten ranges, garbage appended) and opens the copy, in
 * process, on a worker thread with a deadline. Files damaged: segments ({@code .log}), indexes
 * ({@code .index}, {@code .timeindex}), both checkpoints ({@code recovery-point-offset-checkpoint},
 * {@code leader-epoch-checkpoint}), {@code topic-metadata}, the clean-shutdown marker and the
 * files of {@code __consumer_offsets}.
 *
 * <p>Three ways to open, one per case:
 * <ul>
 *   <li><b>clean</b>: the clean-shutdown marker is kept, so the open trusts the files and scans
 *       only the tail of each last segment;</li>
 *   <li><b>crash</b>: the marker is removed; the recovery points say every segment but the last
 *       is flushed, so only the last ones are recovered;</li>
 *   <li><b>crash, full recovery</b>: the marker and the recovery-point checkpoint are removed, so
 *       every segment is validated batch by batch.</li>
 * </ul>
 *
 * <p>What must hold, in every mode: the open ends within its deadline, and the JVM survives
 * (a SIGBUS or SIGSEGV from a mapping would end the build). Either the open throws
 * {@link CorruptLogException} naming a file under the log directory, damaged or in the directory
 * of a damaged one, and a position; or it opens, and then for every partition:
 * <ul>
 *   <li>every record a consumer reads is the one written at its offset (key, value, timestamp,
 *       headers), offsets dense from 0: a valid prefix of what was written;</li>
 *   <li>in full recovery, the whole partition reads to its end offset without error; in the
 *       other modes, where segments are trusted, damage to a trusted segment may instead be
 *       found on read, as {@link CorruptLogException} naming file and position, after the
 *       records before it (it is never a wrong record);</li>
 *   <li>{@code offsetForTimestamp} gives the right offset or throws {@link CorruptLogException};</li>
 *   <li>the group's committed offsets are ones it committed (or none);</li>
 *   <li>an append goes to the end offset; and (one case in three) after a clean close and a
 *       reopen, everything reads back again.</li>
 * </ul>
 *
 * <p>The seed is printed; {@code -Dfuzz.files.seed=<seed>} replays every case,
 * {@code -Dfuzz.files.cases=<n>} sets how many run, {@code -Dfuzz.files.from=<n>} skips to case n.
 */
@Tag("slow")
class FileFuzzTest {
    private static final long SEED = Long.getLong("fuzz.files.seed", System.nanoTime());
    private static final int CASES = Integer.getInteger("fuzz.files.cases", 2000);
    /** The first case to run: {@code -Dfuzz.files.from=<n>} replays case n of a seed at once. */
    private static final int FROM = Integer.getInteger("fuzz.files.from", 0);
    private static final Duration CASE_DEADLINE = Duration.ofSeconds(60);
    /** After this many failed cases the test stops and reports them. */
    private static final int MAX_FAILURES = 10;
    private static final long BASE_TIME = 1_700_000_000_000L;
    private static final String GROUP = "fuzzers";
    private static final String OFFSETS_DIR = "__consumer_offsets-0";

    private enum Mode { CLEAN, CRASH, CRASH_FULL_RECOVERY }

    private enum Kind { LOG, INDEX, TIME_INDEX, OFFSETS_TOPIC, LEADER_EPOCH, RECOVERY_POINTS, METADATA, MARKER }

    private enum Outcome { READ_IN_FULL, CORRUPT_ON_OPEN, CORRUPT_ON_READ }

    @TempDir(factory = ShmTempDirFactory.class)
    Path dir;

    private final Ledger ledger = new Ledger();
    /** Offsets the group committed, per partition. */
    private final Map<TopicPartition, Set<Long>> committed = new HashMap<>();
    private final List<TopicPartition> partitions = new ArrayList<>();

    private final Map<Mode, Integer> casesByMode = new EnumMap<>(Mode.class);
    private final Map<Kind, Integer> faultsByKind = new EnumMap<>(Kind.class);
    private final Map<Damage, Integer> faultsByDamage = new EnumMap<>(Damage.class);
    private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private long timestampLookups;
    private long appendsChecked;
    private long reopened;

    @Test
    void damagedFilesOpenToAValidPrefixOrFailNamingTheFileAndNeverToAWrongRecord() throws Exception {
        System.out.println("FileFuzzTest seed " + SEED + " (-Dfuzz.files.seed=" + SEED + "), " + CASES + " cases");
        Path pristine = dir.resolve("pristine");
        buildPristineLog(pristine, new Random(SEED));
        List<Path> files;
        try (Stream<Path> s = Files.walk(pristine)) {
            files = s.filter(Files::isRegularFile).map(pristine::relativize).sorted().toList();
        }
        System.out.println("FileFuzzTest: pristine log of " + files.size() + " files, layout fingerprint "
                + layoutFingerprint(pristine, files));
        Random master = new Random(SEED);
        long t0 = System.nanoTime();
        List<Throwable> failures = new ArrayList<>();
        try (Bounded worker = new Bounded("file-fuzz-case"); CapturedStderr log = new CapturedStderr()) {
            for (int i = 0; i < CASES && failures.size() < MAX_FAILURES; i++) {
                long caseSeed = master.nextLong();
                if (i < FROM) {
                    continue;
                }
                Path work = dir.resolve("case");
                log.clear();
                String what = "case " + i + " of seed " + SEED;
                try {
                    worker.run(CASE_DEADLINE, what, () -> runCase(pristine, files, work, new Random(caseSeed), what));
                } catch (Bounded.HangError e) {
                    failures.add(e);
                    break; // the worker is stuck: later cases cannot run
                } catch (Throwable e) {
                    failures.add(e);
                    System.out.println("FileFuzzTest: FAILED " + FaultReports.summary(e) + "\n  its log:\n"
                            + FaultReports.lastLines(log.text(), 20));
                }
            }
        }
        FaultReports.throwIfAny("FileFuzzTest seed " + SEED, failures);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("FileFuzzTest: %d cases in %d ms %s; faults by file %s, by damage %s; outcomes %s;"
                        + " %d records compared with what was written, %d timestamp lookups, %d appends after recovery,"
                        + " %d reopened after recovery and a clean close%n",
                CASES, ms, casesByMode, faultsByKind, faultsByDamage, outcomes, ledger.checked(), timestampLookups,
                appendsChecked, reopened);
        assertEquals(CASES - FROM, outcomes.values().stream().mapToInt(Integer::intValue).sum());
        for (Outcome o : Outcome.values()) {
            assertTrue(CASES - FROM < 500 || outcomes.getOrDefault(o, 0) > 0, "no case ended as " + o + ": " + outcomes);
        }
    }

    // ------------------------------------------------------------------ the pristine log

    private void buildPristineLog(Path at, Random rnd) throws Exception {
        TopicConfig small = TopicConfig.builder().partitions(2).segmentBytes(3000).segmentIndexBytes(4096)
                .indexIntervalBytes(150).build();
        TopicConfig zipped = small.toBuilder().partitions(1).build();
        try (CommitLog log = CommitLog.open(at)) {
            log.createTopic("events", small);
            log.createTopic("zipped", zipped);
            // Batches close when full or at each round's flush, never by time: the same seed builds
            // the same segments, so a failed case replays.
            ProducerConfig batching = ProducerConfig.builder().batchSize(700).lingerMs(600_000).build();
            try (Producer<String, String> plain = log.producer(batching, Serdes.string(), Serdes.string());
                 Producer<String, String> gzip = log.producer(batching.toBuilder()
                         .compressionType(CompressionType.GZIP).build(), Serdes.string(), Serdes.string())) {
                for (int round = 0; round < 12; round++) {
                    List<CompletableFuture<Void>> sent = new ArrayList<>();
                    for (int j = 0; j < 10; j++) {
                        int n = round * 10 + j;
                        sent.add(send(plain, record("events", 0, n, rnd)));
                        sent.add(send(plain, record("events", 1, n, rnd)));
                        sent.add(send(gzip, record("zipped", 0, n, rnd)));
                    }
                    plain.flush();
                    gzip.flush();
                    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
                }
            }
            for (Topic t : log.topics()) {
                for (int p = 0; p < t.partitionCount(); p++) {
                    partitions.add(new TopicPartition(t.name(), p));
                }
            }
            ConsumerConfig group = ConsumerConfig.builder().groupId(GROUP).build();
            try (Consumer<String, String> c = log.consumer(group, Serdes.string(), Serdes.string())) {
                c.assign(partitions);
                for (int k = 1; k <= 12; k++) {
                    Map<TopicPartition, Long> offsets = new HashMap<>();
                    for (TopicPartition tp : partitions) {
                        long next = Math.min(ledger.partition(tp).size(), k * (7L + tp.partition()) + rnd.nextInt(5));
                        offsets.put(tp, next);
                        committed.computeIfAbsent(tp, x -> new HashSet<>()).add(next);
                    }
                    c.commitSync(offsets);
                }
            }
        }
        assertTrue(Files.isDirectory(at.resolve(OFFSETS_DIR)), "the group's commits are in " + OFFSETS_DIR);
    }

    /**
     * A fingerprint of the pristine log's layout: each file's name and size. Batches hold random
     * producer ids and commit times, but the same seed puts the same batches at the same positions.
     */
    private static String layoutFingerprint(Path pristine, List<Path> files) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (Path f : files) {
            crc.update((f + "=" + Files.size(pristine.resolve(f)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return String.format("%08x", crc.getValue());
    }

    private ProducerRecord<String, String> record(String topic, int partition, int n, Random rnd) {
        String value = topic + "-" + partition + "-" + n + "-" + "x".repeat(rnd.nextInt(80));
        Headers headers = n % 3 == 0 ? Headers.of(new Header("n", Integer.toString(n).getBytes(StandardCharsets.UTF_8)))
                : Headers.empty();
        return new ProducerRecord<>(topic, partition, BASE_TIME + 10L * n, "k" + n, value, headers);
    }

    private CompletableFuture<Void> send(Producer<String, String> p, ProducerRecord<String, String> r) {
        return p.send(r).thenAccept(md -> ledger.acknowledged(md, r));
    }

    // ------------------------------------------------------------------ one case

    private void runCase(Path pristine, List<Path> files, Path work, Random rnd, String what) throws IOException {
        TestFiles.deleteRecursively(work);
        TestFiles.copyTree(pristine, work);
        Mode mode = Mode.values()[rnd.nextInt(Mode.values().length)];
        casesByMode.merge(mode, 1, Integer::sum);
        if (mode != Mode.CLEAN) {
            Files.delete(work.resolve(".clean-shutdown"));
        }
        if (mode == Mode.CRASH_FULL_RECOVERY) {
            Files.delete(work.resolve("recovery-point-offset-checkpoint"));
        }
        List<Path> damaged = new ArrayList<>();
        StringBuilder description = new StringBuilder(what).append(", ").append(mode);
        int faults = 1 + (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0);
        for (int f = 0; f < faults; f++) {
            Kind kind = pickKind(rnd, mode);
            List<Path> candidates = files.stream().filter(p -> kindOf(p) == kind && Files.exists(work.resolve(p)))
                    .toList();
            Path victim = work.resolve(candidates.get(rnd.nextInt(candidates.size())));
            Damage damage = Damage.values()[rnd.nextInt(Damage.values().length)];
            description.append("; ").append(work.relativize(victim)).append(": ").append(damage.apply(victim, rnd));
            damaged.add(victim);
            faultsByKind.merge(kind, 1, Integer::sum);
            faultsByDamage.merge(damage, 1, Integer::sum);
        }
        String context = description.toString();
        Outcome outcome;
        try {
            outcome = openAndCheck(work, mode, damaged, rnd, context);
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": " + e, e);
        }
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private static Kind pickKind(Random rnd, Mode mode) {
        for (;;) {
            Kind k = switch (rnd.nextInt(12)) {
                case 0, 1, 2 -> Kind.LOG;
                case 3 -> Kind.INDEX;
                case 4 -> Kind.TIME_INDEX;
                case 5, 6 -> Kind.OFFSETS_TOPIC;
                case 7, 8 -> Kind.LEADER_EPOCH;
                case 9 -> Kind.RECOVERY_POINTS;
                case 10 -> Kind.METADATA;
                default -> Kind.MARKER;
            };
            if ((k == Kind.MARKER && mode != Mode.CLEAN)
                    || (k == Kind.RECOVERY_POINTS && mode == Mode.CRASH_FULL_RECOVERY)) {
                continue;
            }
            return k;
        }
    }

    private static Kind kindOf(Path relative) {
        String name = relative.getFileName().toString();
        boolean offsets = relative.getNameCount() > 1 && relative.getName(0).toString().equals(OFFSETS_DIR);
        if (offsets && !name.equals("leader-epoch-checkpoint")) {
            return Kind.OFFSETS_TOPIC;
        }
        if (name.endsWith(".log")) {
            return Kind.LOG;
        }
        if (name.endsWith(".timeindex")) {
            return Kind.TIME_INDEX;
        }
        if (name.endsWith(".index")) {
            return Kind.INDEX;
        }
        return switch (name) {
            case "leader-epoch-checkpoint" -> Kind.LEADER_EPOCH;
            case "recovery-point-offset-checkpoint" -> Kind.RECOVERY_POINTS;
            case "topic-metadata" -> Kind.METADATA;
            case ".clean-shutdown" -> Kind.MARKER;
            default -> null; // .lock: never read
        };
    }

    private Outcome openAndCheck(Path work, Mode mode, List<Path> damaged, Random rnd, String context) {
        CommitLog log;
        try {
            log = CommitLog.open(work);
        } catch (CorruptLogException e) {
            checkNamesDamage(e, work, damaged, context);
            return Outcome.CORRUPT_ON_OPEN;
        }
        boolean reopen = rnd.nextInt(3) == 0;
        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        boolean lazy = false;
        try {
            for (TopicPartition tp : partitions) {
                Optional<Topic> topic = log.topic(tp.topic());
                assertTrue(topic.isPresent(), context + ": topic " + tp.topic() + " lost");
                Ledger.ReadBack back = Ledger.readAll(log, tp, Duration.ofSeconds(30));
                assertEquals(0, topic.get().partition(tp.partition()).startOffset(), context + ": start offset of " + tp);
                ledger.checkDense(tp, 0, back.records(), context);
                if (back.failure() != null) {
                    if (mode == Mode.CRASH_FULL_RECOVERY) {
                        throw new AssertionError(context + ": every segment was recovered, yet reading " + tp
                                + " failed after " + back.records().size() + " records", back.failure());
                    }
                    checkNamesDamage(back.failure(), work, damaged, context);
                    lazy = true;
                    continue;
                }
                long end = topic.get().partition(tp.partition()).endOffset();
                assertEquals(end, back.records().size(), context + ": " + tp + " read to its end offset");
                checkTimestampLookups(topic.get(), tp, end, mode, work, damaged, rnd, context);
                ends.put(tp, end);
            }
            checkCommitted(log, context);
            appendToEachHealthyPartition(log, ends, context);
        } finally {
            log.close();
        }
        if (!reopen) {
            return lazy ? Outcome.CORRUPT_ON_READ : Outcome.READ_IN_FULL;
        }
        reopened++;
        try (CommitLog again = CommitLog.open(work)) {
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                Ledger.ReadBack back = Ledger.readAll(again, tp, Duration.ofSeconds(30));
                if (back.failure() != null) {
                    throw new AssertionError(context + ": after recovery, an append and a clean close, reading " + tp
                            + " failed", back.failure());
                }
                List<io.runnel.log.ConsumerRecord<String, String>> records = back.records();
                assertEquals(e.getValue() + 1, records.size(), context + ": " + tp + " after reopening");
                ledger.checkDense(tp, 0, records.subList(0, records.size() - 1), context + ", reopened");
                assertEquals(appendedValue(tp), records.get(records.size() - 1).value(), context + ": the append");
            }
        }
        return lazy ? Outcome.CORRUPT_ON_READ : Outcome.READ_IN_FULL;
    }

    private static String appendedValue(TopicPartition tp) {
        return "appended-after-recovery-" + tp;
    }

    private void appendToEachHealthyPartition(CommitLog log, Map<TopicPartition, Long> ends, String context) {
        try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                RecordMetadata md = p.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, null,
                        appendedValue(tp), null)).join();
                assertEquals(e.getValue(), md.offset(), context + ": an append after recovery goes to the end of " + tp);
                appendsChecked++;
            }
        }
    }

    /** Timestamps increase by 10 with the offset: the first offset at or after {@code t} is known. */
    private void checkTimestampLookups(Topic topic, TopicPartition tp, long end, Mode mode, Path work,
                                       List<Path> damaged, Random rnd, String context) {
        NavigableMap<Long, Ledger.Entry> written = ledger.partition(tp);
        for (int i = 0; i < 3; i++) {
            long t = BASE_TIME - 5 + rnd.nextInt(10 * written.size() + 10);
            long expected = -1;
            for (Map.Entry<Long, Ledger.Entry> e : written.headMap(end).entrySet()) {
                if (e.getValue().timestamp() >= t) {
                    expected = e.getKey();
                    break;
                }
            }
            OptionalLong found;
            try {
                found = topic.partition(tp.partition()).offsetForTimestamp(t);
            } catch (CorruptLogException e) {
                if (mode == Mode.CRASH_FULL_RECOVERY) {
                    throw new AssertionError(context + ": offsetForTimestamp(" + t + ") of " + tp, e);
                }
                checkNamesDamage(e, work, damaged, context);
                continue;
            }
            timestampLookups++;
            assertEquals(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected), found,
                    context + ": offsetForTimestamp(" + t + ") of " + tp);
        }
    }

    private void checkCommitted(CommitLog log, String context) {
        try (Consumer<String, String> c = log.consumer(ConsumerConfig.builder().groupId(GROUP).build(),
                Serdes.string(), Serdes.string())) {
            for (TopicPartition tp : partitions) {
                OptionalLong offset = c.committed(tp);
                if (offset.isPresent()) {
                    assertTrue(committed.get(tp).contains(offset.getAsLong()), context + ": committed offset "
                            + offset.getAsLong() + " of " + tp + " was never committed; committed were "
                            + committed.get(tp));
                }
            }
        }
    }

    /** A CorruptLogException names a file under the log directory that was damaged, or whose directory was. */
    private static void checkNamesDamage(CorruptLogException e, Path work, List<Path> damaged, String context) {
        Path named = e.file().toAbsolutePath().normalize();
        String message = e.getMessage();
        assertTrue(message.contains(e.file().toString()) && message.contains("position " + e.position()),
                context + ": the message names file and position: " + message);
        assertTrue(e.position() >= 0, context + ": a position is known: " + message);
        assertTrue(named.startsWith(work.toAbsolutePath().normalize()), context + ": names a file of the log: " + message);
        for (Path d : damaged) {
            Path dn = d.toAbsolutePath().normalize();
            if (named.equals(dn) || named.equals(dn.getParent()) || named.getParent().equals(dn.getParent())) {
                return;
            }
        }
        fail(context + ": names " + named + ", which was not damaged: " + message, e);
    }

}
