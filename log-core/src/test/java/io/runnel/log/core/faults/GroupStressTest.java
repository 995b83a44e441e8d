package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.GroupDescription;
import io.runnel.log.GroupPartitionOffsets;
import io.runnel.log.OffsetReset;
import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RebalanceListener;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stress (issue 6): producer threads send to 24 partitions of two topics for a few seconds while
 * two consumer groups of three members each (one group range-assigned, one round-robin) read
 * them; in each group one member leaves and another joins half-way. Members commit after their
 * polls and in {@code onPartitionsRevoked}. When the producers stop and the groups have caught
 * up:
 * <ul>
 *   <li>per partition, the acknowledged offsets are dense from 0 and the log's end offset is
 *       their count (no loss, no gap);</li>
 *   <li>per group and partition, the offsets delivered to the group's members, in delivery order,
 *       are exactly 0, 1, 2, ... to the end offset: every record once (no duplicate within the
 *       group's committed progress, no record missed), each the acknowledged one;</li>
 *   <li>each group's committed offset of every partition is its end offset, also after the log
 *       is reopened, and the reopened log holds every acknowledged record.</li>
 * </ul>
 * The seed is printed; {@code -Dstress.seed=<seed>} replays the members' choices.
 */
class GroupStressTest {
    private static final long SEED = Long.getLong("stress.seed", System.nanoTime());
    private static final Duration LOAD = Duration.ofSeconds(3);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Sorted maps: their order, and so the seeded choices, is the same in every JVM. */
    private static final Map<String, Integer> TOPICS = new java.util.TreeMap<>(Map.of("orders", 16, "payments", 8));
    private static final Map<String, PartitionAssignmentStrategy> GROUPS = new java.util.TreeMap<>(
            Map.of("billing", PartitionAssignmentStrategy.RANGE, "audit", PartitionAssignmentStrategy.ROUND_ROBIN));
    private static final int PRODUCER_THREADS = 3;
    private static final int MEMBERS = 3;

    @TempDir
    Path dir;

    private final Ledger ledger = new Ledger();
    /** Per group and partition, the offsets delivered to its members, in delivery order. */
    private final Map<String, Map<TopicPartition, List<ConsumerRecord<String, String>>>> delivered =
            new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deliveredCount = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    @Test
    void twoGroupsUnderLoadEachSeeEveryRecordOnceInOrderAndCommitToTheEnd() throws Exception {
        System.out.println("GroupStressTest seed " + SEED + " (-Dstress.seed=" + SEED + ")");
        Random rnd = new Random(SEED);
        Path root = dir.resolve("log");
        List<TopicPartition> all = new ArrayList<>();
        long total;
        try (CapturedStderr logs = new CapturedStderr()) {
            try (CommitLog log = CommitLog.open(root)) {
                for (Map.Entry<String, Integer> t : TOPICS.entrySet()) {
                    log.createTopic(t.getKey(), TopicConfig.builder().partitions(t.getValue()).segmentBytes(64 << 10)
                            .build());
                    for (int p = 0; p < t.getValue(); p++) {
                        all.add(new TopicPartition(t.getKey(), p));
                    }
                }
                List<Member> members = new ArrayList<>();
                for (String group : GROUPS.keySet()) {
                    delivered.put(group, new ConcurrentHashMap<>());
                    deliveredCount.put(group, new AtomicLong());
                    for (int m = 0; m < MEMBERS; m++) {
                        members.add(new Member(log, group, group + "-" + m, rnd.nextLong()));
                    }
                }
                members.forEach(Member::start);

                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch producersDone = new CountDownLatch(PRODUCER_THREADS);
                List<CompletableFuture<RecordMetadata>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
                Producer<String, String> shared = log.producer(ProducerConfig.builder().lingerMs(1).build(),
                        Serdes.string(), Serdes.string());
                for (int w = 0; w < PRODUCER_THREADS; w++) {
                    int writer = w;
                    Producer<String, String> p = w == 0 ? log.producer(Serdes.string(), Serdes.string()) : shared;
                    Thread t = new Thread(() -> {
                        try {
                            List<String> names = List.copyOf(TOPICS.keySet());
                            for (int seq = 0; !stop.get() && errors.isEmpty(); seq++) {
                                String topic = names.get(seq % names.size());
                                ProducerRecord<String, String> r = ProducerRecord.of(topic, "key-" + (seq % 1000),
                                        "w" + writer + "-" + seq);
                                CompletableFuture<RecordMetadata> f = p.send(r);
                                futures.add(f);
                                f.whenComplete((md, e) -> {
                                    if (e != null) {
                                        errors.add(e);
                                    } else {
                                        ledger.acknowledged(md, r);
                                    }
                                });
                                if (seq % 256 == 255) {
                                    f.join(); // bounded backlog
                                }
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        } finally {
                            producersDone.countDown();
                        }
                    }, "stress-producer-" + w);
                    t.start();
                }

                // Half-way, in each group one member leaves and another joins.
                sleepWhileLoaded(LOAD.dividedBy(2));
                for (String group : GROUPS.keySet()) {
                    List<Member> running = members.stream().filter(m -> m.group.equals(group) && !m.stopping).toList();
                    running.get(rnd.nextInt(running.size())).stopAndJoin();
                    Member joiner = new Member(log, group, group + "-joined", rnd.nextLong());
                    members.add(joiner);
                    joiner.start();
                }
                sleepWhileLoaded(LOAD.dividedBy(2));
                stop.set(true);
                assertTrue(producersDone.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "producers stopped");
                for (CompletableFuture<RecordMetadata> f : futures) {
                    f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                }
                total = ledger.size();
                for (String group : GROUPS.keySet()) {
                    awaitCondition(() -> deliveredCount.get(group).get() >= total || !errors.isEmpty(),
                            group + " to receive all " + total + " records");
                }
                for (Member m : members) {
                    m.stopAndJoin();
                }
                failOnErrors();

                long end = 0;
                for (TopicPartition tp : all) {
                    NavigableMap<Long, Ledger.Entry> acked = ledger.partition(tp);
                    long endOffset = log.topic(tp.topic()).orElseThrow().partition(tp.partition()).endOffset();
                    assertEquals(endOffset, acked.size(), tp + ": every appended record was acknowledged");
                    assertTrue(acked.isEmpty() || acked.lastKey() == endOffset - 1, tp + ": acknowledged offsets dense");
                    end += endOffset;
                }
                assertEquals(total, end);
                for (String group : GROUPS.keySet()) {
                    checkGroup(log, group, all);
                }
            } catch (Throwable e) {
                System.out.println("GroupStressTest: failed; the end of the log:\n"
                        + FaultReports.lastLines(logs.text(), 40));
                throw e;
            }
            try (CommitLog reopened = CommitLog.open(root)) {
                long checked = ledger.checkEverything(reopened, "seed " + SEED + ", reopened");
                for (String group : GROUPS.keySet()) {
                    checkCommittedAtEnd(reopened, group, all);
                }
                System.out.printf("GroupStressTest: %d records acknowledged in %d partitions in %s; each of %d groups"
                                + " got all of them once, in order; %d records checked after reopening%n", total,
                        all.size(), LOAD, GROUPS.size(), checked);
            }
        }
    }

    private void checkGroup(CommitLog log, String group, List<TopicPartition> all) {
        long n = 0;
        for (TopicPartition tp : all) {
            List<ConsumerRecord<String, String>> got = delivered.get(group).getOrDefault(tp, List.of());
            List<ConsumerRecord<String, String>> copy;
            synchronized (got) {
                copy = List.copyOf(got);
            }
            long end = ledger.partition(tp).size();
            for (int i = 0; i < copy.size(); i++) {
                if (copy.get(i).offset() != i) {
                    fail("seed " + SEED + ", group " + group + ", " + tp + ": delivery " + i + " was offset "
                            + copy.get(i).offset() + " (a duplicate, a gap or out of order); " + copy.size()
                            + " deliveries for " + end + " records");
                }
                ledger.check(copy.get(i), "seed " + SEED + ", group " + group);
            }
            assertEquals(end, copy.size(), "seed " + SEED + ", group " + group + ", " + tp + ": deliveries");
            n += copy.size();
        }
        checkCommittedAtEnd(log, group, all);
        assertEquals(ledger.size(), n, group + " saw every record");
    }

    private void checkCommittedAtEnd(CommitLog log, String group, List<TopicPartition> all) {
        GroupDescription d = log.describeGroup(group).orElseThrow(() -> new AssertionError("no group " + group));
        Map<TopicPartition, OptionalLong> committed = new java.util.HashMap<>();
        for (GroupPartitionOffsets o : d.offsets()) {
            committed.put(o.partition(), o.committedOffset());
        }
        for (TopicPartition tp : all) {
            long end = ledger.partition(tp).size();
            OptionalLong c = committed.getOrDefault(tp, OptionalLong.empty());
            assertEquals(end == 0 ? c : OptionalLong.of(end), c, "seed " + SEED + ", group " + group + ", " + tp
                    + ": committed offset");
        }
    }

    private void failOnErrors() {
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("seed " + SEED + ": " + errors.size() + " errors, the first: "
                    + errors.peek(), errors.peek());
            throw e;
        }
    }

    /** Lets the load run for a while, returning early on an error. */
    private void sleepWhileLoaded(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - until < 0 && errors.isEmpty()) {
            LockSupport.parkNanos(10_000_000);
        }
    }

    private void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("seed " + SEED + ": timed out waiting for " + what + "\n" + Bounded.threadDump());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** A group member on a thread of its own: polls, records what it got, commits. */
    private final class Member {
        final String group;
        final String name;
        final Random rnd;
        final Thread thread;
        volatile boolean stopping;

        Member(CommitLog log, String group, String name, long seed) {
            this.group = group;
            this.name = name;
            this.rnd = new Random(seed);
            this.thread = new Thread(() -> run(log), "stress-" + name);
        }

        void start() {
            thread.start();
        }

        void stopAndJoin() throws InterruptedException {
            stopping = true;
            thread.join(DEADLINE.toMillis());
            assertTrue(!thread.isAlive(), name + " stopped");
        }

        private void run(CommitLog log) {
            ConsumerConfig config = ConsumerConfig.builder().groupId(group).enableAutoCommit(false)
                    .autoOffsetReset(OffsetReset.EARLIEST).partitionAssignmentStrategy(GROUPS.get(group))
                    .maxPollRecords(1 + rnd.nextInt(400)).build();
            try (Consumer<String, String> c = log.consumer(config, Serdes.string(), Serdes.string())) {
                c.subscribe(List.copyOf(TOPICS.keySet()), new RebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        c.commitSync();
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        errors.add(new AssertionError(name + " lost " + partitions + ": no member should be evicted"));
                    }
                });
                while (!stopping && errors.isEmpty()) {
                    int n = 0;
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(20))) {
                        List<ConsumerRecord<String, String>> list = delivered.get(group)
                                .computeIfAbsent(r.topicPartition(), k -> new ArrayList<>());
                        synchronized (list) {
                            list.add(r);
                        }
                        n++;
                    }
                    deliveredCount.get(group).addAndGet(n);
                    if (n > 0 && rnd.nextInt(3) > 0) {
                        c.commitSync();
                    }
                }
                c.commitSync();
            } catch (Throwable e) {
                errors.add(new AssertionError(name + ": " + e, e));
            }
        }
    }
}
