package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.InvalidTopicException;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetReset;
import io.runnel.log.RebalanceListener;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.WakeupException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 4 for the consumer's group side: each bad call fails with the exception its javadoc
 * names, with a message that says what was expected, and changes nothing.
 */
class ConsumerBadInputTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;
    private CommitLog log;

    @BeforeEach
    void open() {
        log = CommitLog.open(dir);
        log.createTopic("t", 2);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private Consumer<String, String> consumer(String group) {
        return log.consumer(ConsumerConfig.builder().groupId(group).enableAutoCommit(false)
                .autoOffsetReset(OffsetReset.EARLIEST).build(), Serdes.string(), Serdes.string());
    }

    @Test
    void subscribingOrCommittingWithoutAGroupIsAConfigurationError() {
        try (Consumer<String, String> c = log.consumer(ConsumerConfig.defaults(), Serdes.string(), Serdes.string())) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.subscribe(List.of("t")));
            assertTrue(e.getMessage().contains("groupId (group.id)"), e.getMessage());
            c.assign(List.of(T0));
            assertThrows(InvalidConfigException.class, c::commitSync);
            assertThrows(InvalidConfigException.class, () -> c.commitSync(Map.of(T0, 1L)));
            assertThrows(InvalidConfigException.class, () -> c.committed(T0));
            assertThrows(InvalidConfigException.class, () -> c.subscribe(List.of("t"), listener()));
            assertEquals(java.util.Set.of(T0), c.assignment(), "unchanged");
        }
    }

    @Test
    void nullAndInvalidTopicsAreRefusedBeforeAnythingChanges() {
        try (Consumer<String, String> c = consumer("g")) {
            assertThrows(NullPointerException.class, () -> c.subscribe(null));
            assertThrows(NullPointerException.class, () -> c.subscribe(Arrays.asList("t", null)));
            assertThrows(NullPointerException.class, () -> c.subscribe(List.of("t"), null));
            InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> c.subscribe(List.of("t", "no spaces")));
            assertTrue(e.getMessage().contains("illegal character"), e.getMessage());
            assertThrows(InvalidTopicException.class, () -> c.subscribe(List.of("")));
            assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO), "still not subscribed");
            assertThrows(NullPointerException.class, () -> c.assign(null));
            assertThrows(NullPointerException.class, () -> c.committed(null));
            assertThrows(NullPointerException.class, () -> c.commitSync(null));
        }
    }

    @Test
    void subscribeAndAssignDoNotMix() {
        try (Consumer<String, String> c = consumer("g")) {
            c.assign(List.of(T0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.subscribe(List.of("t")));
            assertTrue(e.getMessage().contains("assign"), e.getMessage());
            c.assign(List.of());
            c.subscribe(List.of("t"));
            assertThrows(IllegalStateException.class, () -> c.assign(List.of(T0)));
            c.poll(Duration.ZERO);
            assertEquals(2, c.assignment().size());
        }
    }

    @Test
    void commitsOfPartitionsNotOwnedOrOfNegativeOffsetsAreRefused() {
        try (Consumer<String, String> a = consumer("g"); Consumer<String, String> b = consumer("g")) {
            a.subscribe(List.of("t"));
            a.poll(Duration.ZERO); // a owns both
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                    () -> a.commitSync(Map.of(T0, -1L)));
            assertTrue(neg.getMessage().contains(">= 0"), neg.getMessage());
            Map<TopicPartition, Long> nullOffset = new HashMap<>();
            nullOffset.put(T0, null);
            assertThrows(NullPointerException.class, () -> a.commitSync(nullOffset));
            assertThrows(IllegalStateException.class, () -> a.commitSync(Map.of(new TopicPartition("other", 0), 1L)));

            b.subscribe(List.of("t"));
            IllegalStateException notB = assertThrows(IllegalStateException.class, () -> b.commitSync(Map.of(T0, 1L)));
            assertTrue(notB.getMessage().contains("not assigned to this consumer"), notB.getMessage());

            // A consumer using assign() in the same group cannot commit what a member owns; its
            // automatic commits are refused too, and only logged, as Kafka's.
            try (Consumer<String, String> manual = consumer("g");
                 Consumer<String, String> auto = log.consumer(ConsumerConfig.builder().groupId("g")
                         .autoCommitIntervalMs(0).autoOffsetReset(OffsetReset.EARLIEST).build(),
                         Serdes.string(), Serdes.string())) {
                manual.assign(List.of(T1));
                IllegalStateException owned = assertThrows(IllegalStateException.class,
                        () -> manual.commitSync(Map.of(T1, 1L)));
                assertTrue(owned.getMessage().contains("owned by member"), owned.getMessage());
                auto.assign(List.of(T1));
                auto.poll(Duration.ZERO);
                auto.poll(Duration.ZERO); // its automatic commit is refused: logged, not thrown
            }
            assertEquals(OptionalLong.empty(), a.committed(T0), "nothing was committed");
            assertEquals(OptionalLong.empty(), a.committed(T1));
        }
    }

    @Test
    void aSecondThreadPollingGetsConcurrentModificationException() throws Exception {
        try (Consumer<String, String> c = consumer("g")) {
            CountDownLatch inside = new CountDownLatch(1);
            c.subscribe(List.of("t"), insidePoll(inside));
            CompletableFuture<ConsumerRecords<String, String>> first =
                    CompletableFuture.supplyAsync(() -> c.poll(Duration.ofMinutes(5)));
            assertTrue(inside.await(60, TimeUnit.SECONDS), "the first poll never started");
            ConcurrentModificationException seen = assertThrows(ConcurrentModificationException.class,
                    () -> c.poll(Duration.ZERO));
            assertTrue(seen.getMessage().contains("one thread at a time"), seen.getMessage());
            c.wakeup();
            ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof WakeupException, e.getCause().toString());
            c.poll(Duration.ZERO); // usable again from this thread
        }
    }

    @Test
    void aCallRacingCloseFromAnotherThreadGetsLogClosedException() throws Exception {
        Consumer<String, String> c = consumer("g");
        CompletableFuture<Throwable> racing = new CompletableFuture<>();
        c.subscribe(List.of("t"), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // close() holds the consumer here; another thread's poll races it (CloseUnderLoadTest found it)
                Thread t = new Thread(() -> {
                    try {
                        c.poll(Duration.ZERO);
                        racing.complete(null);
                    } catch (Throwable e) {
                        racing.complete(e);
                    }
                });
                t.start();
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        c.poll(Duration.ZERO);
        assertEquals(2, c.assignment().size(), "owns both partitions, so close() revokes them");
        c.close();
        Throwable seen = racing.get(60, TimeUnit.SECONDS);
        assertTrue(seen instanceof LogClosedException, "expected LogClosedException, got " + seen);
    }

    @Test
    void pollInsideARebalanceListenerIsRefused() {
        try (Consumer<String, String> c = consumer("g")) {
            c.subscribe(List.of("t"), new RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    c.poll(Duration.ZERO);
                }
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO));
            assertTrue(e.getMessage().contains("RebalanceListener"), e.getMessage());
        }
    }

    @Test
    void badTimeoutsAreRefused() {
        try (Consumer<String, String> c = consumer("g")) {
            c.subscribe(List.of("t"));
            assertThrows(NullPointerException.class, () -> c.poll(null));
            assertThrows(IllegalArgumentException.class, () -> c.poll(Duration.ofMillis(-1)));
            c.wakeup(); // a timeout too long for nanoseconds saturates instead of overflowing into the past
            assertThrows(WakeupException.class, () -> c.poll(Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    @Test
    void closingFromAnotherThreadEndsTheBlockedPollAndLeavesTheGroup() throws Exception {
        Consumer<String, String> a = consumer("g");
        CountDownLatch inside = new CountDownLatch(1);
        a.subscribe(List.of("t"), insidePoll(inside));
        CompletableFuture<ConsumerRecords<String, String>> blocked =
                CompletableFuture.supplyAsync(() -> a.poll(Duration.ofMinutes(5)));
        assertTrue(inside.await(60, TimeUnit.SECONDS), "a's poll never started");
        a.close(); // from this thread, while a's poll waits on the other
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
        try (Consumer<String, String> b = consumer("g")) {
            b.subscribe(List.of("t"));
            b.poll(Duration.ZERO);
            assertEquals(2, b.assignment().size(), "a left the group");
        }
        assertThrows(LogClosedException.class, () -> a.poll(Duration.ZERO));
        assertThrows(LogClosedException.class, () -> a.subscribe(List.of("t")));
        assertThrows(LogClosedException.class, a::commitSync);
        a.wakeup(); // nothing, once closed
        a.close(); // again: nothing
    }

    /** Counts down in onPartitionsAssigned, which runs inside the poll that then goes on to wait. */
    private static RebalanceListener insidePoll(CountDownLatch latch) {
        return new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                latch.countDown();
            }
        };
    }

    private static RebalanceListener listener() {
        return new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
    }
}
