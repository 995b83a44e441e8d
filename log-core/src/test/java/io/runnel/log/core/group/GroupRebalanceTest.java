package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.GroupDescription;
import io.runnel.log.GroupPartitionOffsets;
import io.runnel.log.GroupState;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.MemberDescription;
import io.runnel.log.OffsetReset;
import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RebalanceListener;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group membership and handover through the public API: members share partitions; a partition
 * moves only after its owner gave it up in its own poll (revoked callback first, the receiver's
 * assigned callback after); close leaves; a member that stops polling is evicted after its
 * session timeout and a late poll finds its partitions lost and rejoins; topics created or
 * deleted after subscribing are picked up; positions resume from commits; describe shows it all.
 */
class GroupRebalanceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private CommitLog log;

    @BeforeEach
    void open() {
        log = CommitLog.open(dir);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private static ConsumerConfig.Builder config() {
        return ConsumerConfig.builder().groupId("g").autoOffsetReset(OffsetReset.EARLIEST).enableAutoCommit(false);
    }

    private Consumer<String, String> consumer(ConsumerConfig config) {
        return log.consumer(config, Serdes.string(), Serdes.string());
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    /** Polls until the condition holds, failing after {@link #WAIT}. */
    private static void pollUntil(Consumer<?, ?> c, BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            c.poll(Duration.ofMillis(20));
        }
    }

    /** Records every callback as "name:revoked:[...]" etc. */
    static class Events implements RebalanceListener {
        final String name;
        final List<String> events;

        Events(String name, List<String> events) {
            this.name = name;
            this.events = events;
        }

        static String sorted(Collection<TopicPartition> parts) {
            return parts.stream().map(TopicPartition::toString).sorted().collect(Collectors.joining(",", "[", "]"));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add(name + ":revoked:" + sorted(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add(name + ":assigned:" + sorted(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add(name + ":lost:" + sorted(partitions));
        }
    }

    @Test
    void aJoiningMemberGetsPartitionsOnlyAfterTheOwnerRevokedThemInItsOwnPoll() {
        log.createTopic("t", 4);
        List<String> events = new CopyOnWriteArrayList<>();
        Consumer<String, String> a = consumer(config().build());
        Consumer<String, String> b = consumer(config().build());
        a.subscribe(List.of("t"), new Events("a", events) {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                super.onPartitionsRevoked(partitions);
                // Still a's while the callback runs: nobody else owns them, and a may commit them.
                GroupDescription d = log.describeGroup("g").orElseThrow();
                for (MemberDescription m : d.members()) {
                    if (!m.assignment().containsAll(partitions)) {
                        for (TopicPartition p : partitions) {
                            assertFalse(m.assignment().contains(p), p + " owned twice: " + d);
                        }
                    }
                }
                a.commitSync();
            }
        });
        a.poll(Duration.ZERO);
        assertEquals(Set.of(tp("t", 0), tp("t", 1), tp("t", 2), tp("t", 3)), a.assignment());
        assertEquals(List.of("a:assigned:[t-0,t-1,t-2,t-3]"), events);

        b.subscribe(List.of("t"), new Events("b", events));
        b.poll(Duration.ZERO);
        assertEquals(Set.of(), b.assignment(), "a has not given anything up yet");
        assertEquals("b:assigned:[]", events.get(1), "a new generation, nothing free yet");
        GroupDescription rebalancing = log.describeGroup("g").orElseThrow();
        assertEquals(GroupState.REBALANCING, rebalancing.state());

        a.poll(Duration.ZERO);
        assertEquals(2, a.assignment().size());
        Set<TopicPartition> moved = new HashSet<>(Set.of(tp("t", 0), tp("t", 1), tp("t", 2), tp("t", 3)));
        moved.removeAll(a.assignment());
        assertEquals("a:revoked:" + Events.sorted(moved), events.get(2));
        assertEquals("a:assigned:[]", events.get(3), "a sees the new generation, as Kafka's cooperative protocol");
        b.poll(Duration.ZERO);
        assertEquals(moved, b.assignment());
        assertEquals("b:assigned:" + Events.sorted(moved), events.get(4));
        assertEquals(5, events.size(), events.toString());
        assertEquals(GroupState.STABLE, log.describeGroup("g").orElseThrow().state());

        a.close();
        assertEquals("a:revoked:" + Events.sorted(Set.of(tp("t", 0), tp("t", 1), tp("t", 2), tp("t", 3))
                .stream().filter(p -> !moved.contains(p)).toList()), events.get(5), "close revokes");
        b.poll(Duration.ZERO);
        assertEquals(4, b.assignment().size(), "a's partitions go to b once a closed");
        b.close();
    }

    @Test
    void positionsOfReceivedPartitionsResumeFromTheGroupsCommitsElseTheResetPolicy() {
        log.createTopic("t", 2);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        for (int i = 0; i < 10; i++) {
            p.send(new ProducerRecord<>("t", i % 2, null, "k", "v" + i, null)).join();
        }
        try (Consumer<String, String> a = consumer(config().build())) {
            a.subscribe(List.of("t"));
            a.poll(Duration.ZERO);
            a.commitSync(Map.of(tp("t", 0), 3L));
        }
        try (Consumer<String, String> b = consumer(config().autoOffsetReset(OffsetReset.LATEST).build())) {
            b.subscribe(List.of("t"));
            List<Long> read = new ArrayList<>();
            for (ConsumerRecord<String, String> r : b.poll(Duration.ZERO)) {
                assertEquals(0, r.partition(), "nothing from t-1: no commit there, so latest");
                read.add(r.offset());
            }
            assertEquals(List.of(3L, 4L), read, "t-0 from its commit");
            assertEquals(5, b.position(tp("t", 1)));
            b.seek(tp("t", 0), 3);
            assertEquals(OptionalLong.of(3), b.committed(tp("t", 0)));
            assertEquals(2, b.lag(tp("t", 0)));
            assertEquals(0, b.lag(tp("t", 1)));
        }
    }

    @Test
    void aMemberThatStopsPollingIsEvictedAndItsLatePollFindsThemLostAndRejoins() {
        log.createTopic("t", 2);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        for (int i = 0; i < 20; i++) {
            p.send(new ProducerRecord<>("t", i % 2, null, "k", "v" + i, null)).join();
        }
        List<String> events = new CopyOnWriteArrayList<>();
        // a: a short session; b: long, and it reads one record per poll so that a's partition keeps data.
        Consumer<String, String> a = consumer(config().sessionTimeoutMs(200).maxPollRecords(1).build());
        Consumer<String, String> b = consumer(config().maxPollRecords(1).build());
        a.subscribe(List.of("t"), new Events("a", events));
        b.subscribe(List.of("t"), new Events("b", events));
        a.poll(Duration.ZERO);
        b.poll(Duration.ZERO);
        pollUntil(a, () -> a.assignment().size() == 1, "a to give one partition up");
        pollUntil(b, () -> b.assignment().size() == 1, "b to take one partition");
        TopicPartition asPartition = a.assignment().iterator().next();
        TopicPartition bsPartition = b.assignment().iterator().next();
        String aId = log.describeGroup("g").orElseThrow().members().get(0).memberId();
        // Drain b's own partition so that only a's has records left.
        while (b.lag(bsPartition) > 0) {
            b.poll(Duration.ZERO);
        }
        // a stops polling. b's next poll waits inside; it must wake at a's expiry, take a's partition
        // and return a record of it, well before its own 60 s timeout.
        long start = System.nanoTime();
        ConsumerRecords<String, String> got = b.poll(WAIT);
        assertFalse(got.isEmpty(), "b's poll returned empty after " + WAIT);
        assertTrue(System.nanoTime() - start < WAIT.toNanos() / 2, "b waited for its timeout, not for a's expiry");
        for (ConsumerRecord<String, String> r : got) {
            assertEquals(asPartition.partition(), r.partition());
        }
        assertEquals(Set.of(asPartition, bsPartition), b.assignment());
        GroupDescription d = log.describeGroup("g").orElseThrow();
        assertEquals(1, d.members().size(), d.toString());
        assertNotEquals(aId, d.members().get(0).memberId());

        // a's commit fails (it is not the owner any more); its next poll calls onPartitionsLost and rejoins.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.commitSync());
        assertTrue(e.getMessage().contains("evicted"), e.getMessage());
        a.poll(Duration.ZERO);
        assertTrue(events.contains("a:lost:[" + asPartition + "]"), events.toString());
        assertEquals(2, log.describeGroup("g").orElseThrow().members().size(), "a rejoined");
        a.close();
        b.close();
    }

    @Test
    void aMemberWaitingInsideALongPollIsNeverEvicted() throws Exception {
        log.createTopic("t", 2);
        Consumer<String, String> a = consumer(config().sessionTimeoutMs(50).build());
        a.subscribe(List.of("t"));
        a.poll(Duration.ZERO);
        assertEquals(2, a.assignment().size());
        java.util.concurrent.CompletableFuture<ConsumerRecords<String, String>> polled =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> a.poll(Duration.ofMinutes(5)));
        // A second member's join and describe calls run the eviction check many session timeouts later.
        Consumer<String, String> b = consumer(config().build());
        b.subscribe(List.of("t"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (b.assignment().size() < 1) {
            assertTrue(System.nanoTime() < deadline, "b never got a partition");
            b.poll(Duration.ofMillis(20)); // a, woken inside its poll, hands one over
        }
        for (int i = 0; i < 5; i++) {
            b.poll(Duration.ofMillis(60)); // more than a's session timeout each
            assertEquals(2, log.describeGroup("g").orElseThrow().members().size(), "a was evicted while in poll");
        }
        a.wakeup();
        assertThrows(java.util.concurrent.ExecutionException.class, () -> polled.get(60, java.util.concurrent.TimeUnit.SECONDS));
        a.close();
        b.close();
    }

    @Test
    void topicsCreatedOrDeletedAfterSubscribingArePickedUp() {
        log.createTopic("now", 1);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Consumer<String, String> c = consumer(config().build())) {
            c.subscribe(List.of("now", "later"), new Events("c", events));
            c.poll(Duration.ZERO);
            assertEquals(Set.of(tp("now", 0)), c.assignment());
            log.createTopic("later", 2);
            c.poll(Duration.ZERO);
            assertEquals(Set.of(tp("now", 0), tp("later", 0), tp("later", 1)), c.assignment());
            log.deleteTopic("now");
            c.poll(Duration.ZERO); // no UnknownTopicException: the group revokes it
            assertEquals(Set.of(tp("later", 0), tp("later", 1)), c.assignment());
            assertEquals(List.of("c:assigned:[now-0]", "c:assigned:[later-0,later-1]", "c:revoked:[now-0]",
                    "c:assigned:[]"), events);
        }
    }

    @Test
    void deletingASubscribedTopicDoesNotFailAutoOrListenerCommits() {
        log.createTopic("gone", 1);
        log.createTopic("kept", 1);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        p.send(ProducerRecord.of("gone", "k", "v")).join();
        p.send(ProducerRecord.of("kept", "k", "v")).join();
        List<String> events = new CopyOnWriteArrayList<>();
        ConsumerConfig auto = config().enableAutoCommit(true).autoCommitIntervalMs(0).build();
        try (Consumer<String, String> c = consumer(auto)) {
            c.subscribe(List.of("gone", "kept"), new Events("c", events) {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    super.onPartitionsRevoked(partitions);
                    c.commitSync(); // skips the deleted topic's partition
                }
            });
            assertEquals(2, c.poll(Duration.ofSeconds(5)).count() + c.poll(Duration.ZERO).count());
            log.deleteTopic("gone");
            c.poll(Duration.ZERO); // revokes gone-0 with an automatic and a listener commit: no exception
            assertEquals(Set.of(tp("kept", 0)), c.assignment());
            assertTrue(events.contains("c:revoked:[gone-0]"), events.toString());
            assertEquals(OptionalLong.of(1), c.committed(tp("kept", 0)));
            assertEquals(OptionalLong.empty(), c.committed(tp("gone", 0)));
            assertThrows(IllegalStateException.class, () -> c.commitSync(Map.of(tp("gone", 0), 1L)),
                    "not assigned any more");
        }
    }

    @Test
    void describeShowsMembersThreadsAssignmentsCommittedEndOffsetsAndLag() {
        log.createTopic("t", 2);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        for (int i = 0; i < 7; i++) {
            p.send(new ProducerRecord<>("t", i % 2, null, "k", "v" + i, null)).join();
        }
        assertTrue(log.describeGroups().isEmpty());
        assertTrue(log.describeGroup("g").isEmpty());
        Consumer<String, String> c = consumer(config().partitionAssignmentStrategy(PartitionAssignmentStrategy.RANGE)
                .build());
        c.subscribe(List.of("t"));
        c.poll(Duration.ZERO);
        c.commitSync(Map.of(tp("t", 0), 1L));
        GroupDescription d = log.describeGroup("g").orElseThrow();
        assertEquals(GroupState.STABLE, d.state());
        assertEquals(PartitionAssignmentStrategy.RANGE, d.strategy());
        assertEquals(1, d.members().size());
        MemberDescription m = d.members().get(0);
        assertEquals(Thread.currentThread().getName(), m.clientThread());
        assertEquals(Set.of(tp("t", 0), tp("t", 1)), m.assignment());
        assertEquals(List.of(new GroupPartitionOffsets(tp("t", 0), OptionalLong.of(1), 4, OptionalLong.of(3)),
                new GroupPartitionOffsets(tp("t", 1), OptionalLong.empty(), 3, OptionalLong.empty())), d.offsets());
        assertThrows(UnsupportedOperationException.class, () -> d.members().clear());
        assertEquals(List.of(d), log.describeGroups());
        c.close();
        GroupDescription empty = log.describeGroup("g").orElseThrow();
        assertEquals(GroupState.EMPTY, empty.state());
        assertEquals(List.of(), empty.members());
        assertEquals(1, empty.offsets().size(), "only the committed partition: " + empty);
    }

    @Test
    void aConsumerWithAnotherStrategyCannotJoinTheGroup() {
        log.createTopic("t", 1);
        try (Consumer<String, String> a = consumer(config().build());
             Consumer<String, String> b = consumer(config()
                     .partitionAssignmentStrategy(PartitionAssignmentStrategy.ROUND_ROBIN).build())) {
            a.subscribe(List.of("t"));
            a.poll(Duration.ZERO);
            b.subscribe(List.of("t"));
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> b.poll(Duration.ZERO));
            assertTrue(e.getMessage().startsWith("partitionAssignmentStrategy (partition.assignment.strategy)"),
                    e.getMessage());
        }
    }

    @Test
    void unsubscribingRevokesAndLeavesAndAutoCommitCommitsOnRevokeAndClose() {
        log.createTopic("t", 2);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        for (int i = 0; i < 6; i++) {
            p.send(new ProducerRecord<>("t", i % 2, null, "k", "v" + i, null)).join();
        }
        List<String> events = new CopyOnWriteArrayList<>();
        ConsumerConfig auto = config().enableAutoCommit(true).autoCommitIntervalMs(3_600_000).build();
        Consumer<String, String> a = consumer(auto);
        a.subscribe(List.of("t"), new Events("a", events) {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                super.onPartitionsRevoked(partitions);
                for (TopicPartition tp : partitions) {
                    events.add("committed before revoke " + tp + "=" + a.committed(tp).orElse(-1));
                }
            }
        });
        assertEquals(6, a.poll(Duration.ofSeconds(5)).count() + a.poll(Duration.ZERO).count());
        assertEquals(OptionalLong.empty(), a.committed(tp("t", 0)), "the interval has not passed");
        a.subscribe(List.of());
        assertEquals(Set.of(), a.assignment());
        assertTrue(events.contains("committed before revoke t-0=3"), events.toString());
        assertTrue(events.contains("committed before revoke t-1=3"), events.toString());
        assertTrue(log.describeGroup("g").orElseThrow().members().isEmpty());
        assertThrows(IllegalStateException.class, () -> a.poll(Duration.ZERO), "neither subscribed nor assigned");

        // Auto-commit on close of a consumer using assign() with a group.
        p.send(new ProducerRecord<>("t", 0, null, "k", "late", null)).join();
        try (Consumer<String, String> b = consumer(auto)) {
            b.assign(List.of(tp("t", 0)));
            assertEquals("late", b.poll(Duration.ofSeconds(5)).iterator().next().value());
        }
        assertEquals(OptionalLong.of(4), a.committed(tp("t", 0)));
        a.close();
    }

    @Test
    void autoCommitRunsInPollOnceTheIntervalPassed() {
        log.createTopic("t", 1);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        try (Consumer<String, String> c = consumer(config().enableAutoCommit(true).autoCommitIntervalMs(0).build())) {
            c.subscribe(List.of("t"));
            c.poll(Duration.ZERO);
            p.send(ProducerRecord.of("t", "k", "v")).join();
            assertEquals(1, c.poll(Duration.ofSeconds(5)).count());
            assertEquals(OptionalLong.of(0), c.committed(tp("t", 0)), "a poll commits what earlier polls returned");
            c.poll(Duration.ZERO);
            assertEquals(OptionalLong.of(1), c.committed(tp("t", 0)));
        }
    }

    @Test
    void aListenerExceptionIsThrownFromPollAfterTheRebalanceIsDone() {
        log.createTopic("t", 2);
        List<Integer> seen = new ArrayList<>();
        try (Consumer<String, String> c = consumer(config().build())) {
            c.subscribe(List.of("t"), new RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    seen.add(partitions.size());
                    throw new IllegalArgumentException("listener failed");
                }
            });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.poll(Duration.ZERO));
            assertEquals("listener failed", e.getMessage());
            assertEquals(2, c.assignment().size(), "the rebalance completed");
            assertEquals(List.of(2), seen);
        }
    }
}
