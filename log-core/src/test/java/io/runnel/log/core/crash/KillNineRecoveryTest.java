package io.runnel.log.core.crash;

import static io.runnel.log.core.crash.CrashingWriter.PARTITIONS;
import static io.runnel.log.core.crash.CrashingWriter.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.FlushPolicy;
import io.runnel.log.OffsetReset;
import io.runnel.log.Partition;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.client.Murmur2;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md decision 5 ("acknowledged means in the OS") and 6 (recovery), end to end: a child JVM
 * ({@link CrashingWriter}) appends from two threads and reports each acknowledged record; at a
 * random moment it is killed with SIGKILL; this JVM then reopens the log (recovering it) and
 * checks that
 * <ul>
 *   <li>every acknowledged record is at its acknowledged partition and offset with its exact value;</li>
 *   <li>every partition's offsets are dense from 0 to its end offset, and what earlier rounds verified
 *       is still there unchanged;</li>
 *   <li>every record read back is one that was written (key and value parse, the key's partition is
 *       Kafka's), none is duplicated, each writer's records form a gap-free prefix of its sequence
 *       (a writer sends the next record only after the previous one was acknowledged) and run at most
 *       two past its last reported acknowledgement (one acknowledged but not yet printed, one in flight);</li>
 *   <li>appends continue after the recovery, and survive a clean close and reopen.</li>
 * </ul>
 * All rounds share one directory, so later rounds recover logs that went through recovery before;
 * in some rounds the next child opens the crashed directory itself (a crash of a log that was
 * recovered by the process that crashed), and a child is killed while it opens (recovers) such a
 * log. Flush policies alternate: none, always, every 100.
 *
 * <p>The kill points come from a seeded {@link Random}; the seed is printed, and
 * {@code -Dcrash.seed=<seed>} replays the same targets (the exact kill moment still depends on
 * timing). {@code -Dcrash.rounds=<n>} runs more rounds.
 */
@Tag("slow")
class KillNineRecoveryTest {
    static final String[] POLICIES = {"none", "always", "every100"};
    static final int DEFAULT_ROUNDS = 24;
    static final int MIN_ACKS = 50;
    static final int MAX_ACKS = 3000;
    /** The writer id of records the parent appends after each recovery. */
    static final int PARENT_WRITER = 9;
    static final int PARENT_RECORDS = 6;
    /** The first writer id of a child killed while it opens the log. */
    static final int OPEN_KILL_WRITER = 2;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** One acknowledged record, as the child reported it. */
    record Ack(int round, int partition, long offset, String value) {
    }

    /** Totals over the test. */
    static final class Stats {
        long acksChecked;
        long recoveredBeyondAcks;
        long parentRecords;
    }

    /** The highest sequence number each (round, writer) reported as acknowledged. */
    private final Map<String, Long> maxAcked = new HashMap<>();

    @Test
    void everyAcknowledgedRecordSurvivesKillNine() {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int rounds = Integer.getInteger("crash.rounds", DEFAULT_ROUNDS);
        System.out.println("KillNineRecoveryTest seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = tmp.resolve("log");
        long started = System.nanoTime();

        List<List<String>> verified = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            verified.add(new ArrayList<>());
        }
        List<Ack> pending = new ArrayList<>();
        Stats stats = new Stats();
        int openKills = 0;
        int killsDuringRecovery = 0;
        for (int round = 0; round < rounds; round++) {
            String policy = POLICIES[round % POLICIES.length];
            int target = MIN_ACKS + random.nextInt(MAX_ACKS - MIN_ACKS + 1);
            long t0 = System.nanoTime();
            String openKill = "";
            if (round % 4 == 3) {
                // The last round left a crashed log nobody recovered: kill a child while it opens
                // (recovers) it, before the next one recovers it again. Whatever it acknowledged
                // before the kill landed (if its open was quick) is checked like any other.
                Run early = runAndKill(dir, round, policy, 0, OPEN_KILL_WRITER, pending);
                openKill = ", a child killed " + early.killedAt() + " first (" + early.acks() + " acks)";
                openKills++;
                if (early.killedAt().startsWith("during")) {
                    killsDuringRecovery++;
                }
            }
            int acks = runAndKill(dir, round, policy, target, 0, pending).acks();
            // Every fourth round the next child recovers this crash itself; the parent checks both later.
            boolean checkNow = round % 4 != 2 || round == rounds - 1;
            String outcome = "";
            if (checkNow) {
                long before = stats.recoveredBeyondAcks;
                verified = verify(dir, round, policy, verified, pending, stats, new Random(seed + round));
                outcome = ", checked " + pending.size() + " acks, " + (stats.recoveredBeyondAcks - before)
                        + " more recovered, log now " + verified.stream().mapToInt(List::size).sum() + " records";
                pending.clear();
            }
            System.out.printf("round %d: policy %s%s, killed after %d acks (target %d) in %d ms%s%n", round, policy,
                    openKill, acks, target, (System.nanoTime() - t0) / 1_000_000, outcome);
        }
        assertTrue(pending.isEmpty(), "the last round was not checked");
        System.out.printf("KillNineRecoveryTest: %d rounds, %d acknowledged records checked, %d records recovered "
                        + "beyond the acknowledged ones, %d appended after recovery, %d records in the log, "
                        + "%d of %d kills at open landed during recovery, %.1f s%n",
                rounds, stats.acksChecked, stats.recoveredBeyondAcks, stats.parentRecords,
                verified.stream().mapToInt(List::size).sum(), killsDuringRecovery, openKills,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * What one child did.
     *
     * @param acks     how many acknowledgements it reported
     * @param killedAt when it was killed
     */
    record Run(int acks, String killedAt) {
    }

    /**
     * Starts a writer, lets it get {@code target} acknowledgements, kills it. With {@code target}
     * 0 it is killed during its open instead: as soon as it logs that it recovers a segment (the
     * log line comes after the scan, before the truncation and the index rebuild), or, when it has
     * nothing to recover, once it is open.
     */
    private Run runAndKill(Path dir, int round, String policy, int target, int firstWriter, List<Ack> pending) {
        String name = round + "-" + firstWriter;
        Path hookMarker = tmp.resolve("shutdown-hook-ran-" + name);
        Path stderr = tmp.resolve("child-" + name + ".stderr");
        int acks = 0;
        String killedAt = "after " + target + " acks";
        try (ChildJvm child = ChildJvm.start(CrashingWriter.class, stderr, dir.toString(), policy,
                Integer.toString(round), hookMarker.toString(), Integer.toString(firstWriter))) {
            child.expectLine("OPENING", TIMEOUT);
            if (target > 0) {
                child.expectLine("READY", TIMEOUT);
            } else {
                for (;;) {
                    ChildJvm.Line line = child.nextEvent(TIMEOUT);
                    if (line == null) {
                        fail("round " + round + ": the writer died while opening the log\n" + child.stderrText());
                    }
                    if (line.stderr() && line.text().contains("recovery of")) {
                        killedAt = "during recovery";
                        break;
                    }
                    if (!line.stderr()) {
                        assertEquals("READY", line.text(), "round " + round + ": first line after OPENING");
                        killedAt = "once open";
                        break;
                    }
                }
            }
            while (acks < target) {
                String line = child.nextLine(TIMEOUT);
                if (line == null) {
                    fail("round " + round + ": the writer died by itself after " + acks + " acks\n"
                            + child.stderrText());
                }
                acks += onLine(child, round, line, false, pending);
            }
            child.kill9(TIMEOUT);
            if (target > 0) {
                assertFalse(Files.exists(dir.resolve(".clean-shutdown")), "an open log has a clean-shutdown marker");
            }
            // Lines already in the pipe were printed before the kill: acknowledged too. The last
            // one may be cut in the middle by the kill.
            List<String> rest = child.drain(TIMEOUT);
            for (int i = 0; i < rest.size(); i++) {
                acks += onLine(child, round, rest.get(i), i == rest.size() - 1, pending);
            }
        }
        assertFalse(Files.exists(hookMarker), "round " + round + ": a shutdown hook ran: the child was not killed -9");
        return new Run(acks, killedAt);
    }

    /** Parses one line of the child; returns 1 for an acknowledgement. */
    private int onLine(ChildJvm child, int round, String line, boolean mayBeTorn, List<Ack> pending) {
        if (line.equals("READY")) {
            return 0;
        }
        if (!line.endsWith(" $")) {
            if (mayBeTorn && (line.startsWith("ACK ") || "ACK ".startsWith(line) || "READY".startsWith(line))) {
                return 0;
            }
            fail("round " + round + ": unexpected line from the writer: " + line + "\n" + child.stderrText());
        }
        String[] f = line.split(" ");
        if (f.length != 5 || !f[0].equals("ACK")) {
            fail("round " + round + ": malformed line from the writer: " + line + "\n" + child.stderrText());
        }
        int partition = Integer.parseInt(f[1]);
        long offset = Long.parseLong(f[2]);
        String value = f[3];
        CrashRecord r = CrashRecord.parseValue(value);
        assertEquals(round, r.round(), "round of an acknowledged value: " + line);
        maxAcked.merge(round + "/" + r.writer(), r.seq(), Math::max);
        pending.add(new Ack(round, partition, offset, value));
        return 1;
    }

    /**
     * Reopens the log after a crash and checks it (see the class comment); appends a few records,
     * closes, reopens and checks again.
     *
     * @return the values per partition now in the log
     */
    private List<List<String>> verify(Path dir, int round, String policy, List<List<String>> before,
                                      List<Ack> pending, Stats stats, Random random) {
        List<List<String>> expected = new ArrayList<>();
        try (CommitLog log = CommitLog.builder(dir).flushPolicy(CrashingWriter.policy(policy)).open()) {
            List<List<ConsumerRecord<String, String>>> data = readAll(log, round);
            long fresh = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                List<ConsumerRecord<String, String>> now = data.get(p);
                List<String> old = before.get(p);
                assertTrue(now.size() >= old.size(), "round " + round + ": partition " + p + " shrank from "
                        + old.size() + " to " + now.size() + " records");
                for (int i = 0; i < old.size(); i++) {
                    assertEquals(old.get(i), now.get(i).value(), "round " + round + ": partition " + p + " offset " + i
                            + " changed since the last check");
                }
                fresh += now.size() - old.size();
            }
            for (Ack a : pending) {
                List<ConsumerRecord<String, String>> part = data.get(a.partition());
                if (a.offset() >= part.size()) {
                    fail("round " + round + ": acknowledged record lost: " + a + "; partition " + a.partition()
                            + " ends at " + part.size());
                }
                assertEquals(a.value(), part.get((int) a.offset()).value(), "round " + round
                        + ": acknowledged record changed: " + a);
            }
            stats.acksChecked += pending.size();
            stats.recoveredBeyondAcks += fresh - pending.size();
            checkContents(data, round);
            checkLookups(log, data, round, random);

            for (List<ConsumerRecord<String, String>> part : data) {
                expected.add(new ArrayList<>(part.stream().map(ConsumerRecord::value).toList()));
            }
            try (Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string())) {
                for (int i = 0; i < PARENT_RECORDS; i++) {
                    CrashRecord r = new CrashRecord(round, PARENT_WRITER, i);
                    RecordMetadata md = producer.send(ProducerRecord.of(TOPIC, r.key(), r.value())).join();
                    int p = md.topicPartition().partition();
                    assertEquals(expected.get(p).size(), md.offset(), "round " + round
                            + ": an append after recovery got an unexpected offset");
                    expected.get(p).add(r.value());
                    stats.parentRecords++;
                }
            }
        }
        try (CommitLog log = CommitLog.open(dir)) {
            List<List<ConsumerRecord<String, String>>> data = readAll(log, round);
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(expected.get(p), data.get(p).stream().map(ConsumerRecord::value).toList(),
                        "round " + round + ": partition " + p + " after appending, closing and reopening");
            }
            checkContents(data, round);
            checkLookups(log, data, round, random);
        }
        return expected;
    }

    /**
     * Reads through the recovered (rebuilt) indexes: a seek to a random offset returns that
     * record; {@code offsetForTimestamp(t)} is the first offset whose timestamp is at least t (every
     * batch here holds one record, so Kafka's time index makes that exact).
     */
    private static void checkLookups(CommitLog log, List<List<ConsumerRecord<String, String>>> data, int round,
                                     Random random) {
        Topic topic = log.topic(TOPIC).orElseThrow();
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(1)
                .build();
        try (Consumer<String, String> consumer = log.consumer(config, Serdes.string(), Serdes.string())) {
            for (int p = 0; p < PARTITIONS; p++) {
                List<ConsumerRecord<String, String>> records = data.get(p);
                Partition partition = topic.partition(p);
                TopicPartition tp = partition.id();
                consumer.assign(List.of(tp));
                if (records.isEmpty()) {
                    assertTrue(partition.offsetForTimestamp(0).isEmpty());
                    continue;
                }
                long[] prefixMax = new long[records.size()];
                long max = Long.MIN_VALUE;
                for (int i = 0; i < records.size(); i++) {
                    max = Math.max(max, records.get(i).timestamp());
                    prefixMax[i] = max;
                }
                for (int k = 0; k < 40; k++) {
                    int o = random.nextInt(records.size());
                    consumer.seek(tp, o);
                    List<ConsumerRecord<String, String>> got = new ArrayList<>();
                    long deadline = System.nanoTime() + TIMEOUT.toNanos();
                    while (got.isEmpty() && System.nanoTime() < deadline) {
                        consumer.poll(Duration.ofMillis(500)).forEach(got::add);
                    }
                    assertFalse(got.isEmpty(), "round " + round + ": nothing read after a seek to " + tp + " " + o);
                    assertEquals(o, got.get(0).offset(), "round " + round + ": seek to " + tp + " " + o);
                    assertEquals(records.get(o).value(), got.get(0).value(), "round " + round + ": seek to " + tp
                            + " " + o);

                    long t = records.get(random.nextInt(records.size())).timestamp();
                    int first = 0;
                    while (prefixMax[first] < t) {
                        first++;
                    }
                    assertEquals(OptionalLong.of(first), partition.offsetForTimestamp(t), "round " + round
                            + ": offsetForTimestamp(" + t + ") of " + tp);
                }
                assertEquals(OptionalLong.of(0), partition.offsetForTimestamp(0));
                assertTrue(partition.offsetForTimestamp(max + 1).isEmpty(), "round " + round
                        + ": offsetForTimestamp past the newest record of " + tp);
            }
        }
    }

    /** Reads every partition from its start; checks offsets are dense from 0 to the end offset. */
    private static List<List<ConsumerRecord<String, String>>> readAll(CommitLog log, int round) {
        Topic topic = log.topic(TOPIC).orElseThrow(() -> new AssertionError("round " + round + ": topic is gone"));
        assertEquals(PARTITIONS, topic.partitionCount());
        List<List<ConsumerRecord<String, String>>> out = new ArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(5000)
                .build();
        try (Consumer<String, String> consumer = log.consumer(config, Serdes.string(), Serdes.string())) {
            for (int p = 0; p < PARTITIONS; p++) {
                Partition partition = topic.partition(p);
                TopicPartition tp = partition.id();
                assertEquals(0, partition.startOffset(), "round " + round + ": start offset of " + tp);
                long end = partition.endOffset();
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        assertEquals(p, r.partition());
                        assertEquals(records.size(), r.offset(), "round " + round + ": offsets of " + tp
                                + " are not dense");
                        records.add(r);
                    }
                    if (System.nanoTime() > deadline) {
                        fail("round " + round + ": reading " + tp + " stalled at " + consumer.position(tp)
                                + " of " + end);
                    }
                }
                assertEquals(end, records.size(), "round " + round + ": records of " + tp + " up to its end offset");
                out.add(records);
            }
        }
        return out;
    }

    /**
     * Every record is one that was written: its key and value parse and agree, it sits in its key's
     * partition, it appears once, and each writer's records are a gap-free prefix of its sequence
     * reaching at most two past what it reported.
     */
    private void checkContents(List<List<ConsumerRecord<String, String>>> data, int round) {
        Map<String, Set<Long>> seqs = new HashMap<>();
        for (int p = 0; p < data.size(); p++) {
            for (ConsumerRecord<String, String> rec : data.get(p)) {
                CrashRecord r;
                try {
                    r = CrashRecord.parse(rec.key(), rec.value());
                } catch (IllegalArgumentException e) {
                    throw new AssertionError("round " + round + ": " + rec.topic() + "-" + p + " offset " + rec.offset()
                            + " holds a record that was never written: " + e.getMessage(), e);
                }
                assertEquals(Murmur2.partition(rec.key().getBytes(StandardCharsets.UTF_8), PARTITIONS), p,
                        "round " + round + ": " + r + " is in the wrong partition");
                if (!seqs.computeIfAbsent(r.round() + "/" + r.writer(), k -> new HashSet<>()).add(r.seq())) {
                    fail("round " + round + ": " + r + " appears twice");
                }
            }
        }
        for (Map.Entry<String, Set<Long>> e : seqs.entrySet()) {
            Set<Long> s = e.getValue();
            long max = s.stream().mapToLong(Long::longValue).max().orElse(-1);
            assertEquals(max + 1, s.size(), "round " + round + ": writer " + e.getKey() + " has gaps: "
                    + s.size() + " records up to sequence " + max);
            if (e.getKey().endsWith("/" + PARENT_WRITER)) {
                assertEquals(PARENT_RECORDS, s.size(), "records appended by the parent in round " + e.getKey());
            } else {
                long acked = maxAcked.getOrDefault(e.getKey(), -1L);
                assertTrue(max <= acked + 2, "round " + round + ": writer " + e.getKey() + " reached sequence " + max
                        + " but reported only up to " + acked);
            }
        }
    }
}
