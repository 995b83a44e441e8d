package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RebalanceListener;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.WaitStrategy;
import io.runnel.log.WakeupException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link WaitStrategy} waits the same way as seen from outside: a waiting poll returns the
 * record another thread appends, or the partitions another member gives up, long before its
 * timeout; {@code wakeup()} ends the wait; with nothing to read it returns empty at its timeout.
 * And Agrona's idle strategies need no JVM flag and print no JVM warning (checked in a child JVM
 * with this JVM's java, so also on JDK 25 when the build runs there).
 */
class WaitStrategyTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static ConsumerConfig config(WaitStrategy strategy) {
        return ConsumerConfig.builder().groupId("g").waitStrategy(strategy).autoOffsetReset(OffsetReset.EARLIEST)
                .enableAutoCommit(false).build();
    }

    /** Counts down in onPartitionsAssigned: the poll that calls it goes on to wait. */
    private static RebalanceListener signal(CountDownLatch latch) {
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

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void aWaitingPollReturnsARecordAnotherThreadAppends(WaitStrategy strategy) throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 3);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            try (Consumer<String, String> c = log.consumer(config(strategy), Serdes.string(), Serdes.string())) {
                CountDownLatch inside = new CountDownLatch(1);
                c.subscribe(List.of("t"), signal(inside));
                CompletableFuture<ConsumerRecords<String, String>> polled =
                        CompletableFuture.supplyAsync(() -> c.poll(LONG));
                assertTrue(inside.await(LONG.toSeconds(), TimeUnit.SECONDS));
                long start = System.nanoTime();
                p.send(new ProducerRecord<>("t", 2, null, "k", "hello", null)).join();
                ConsumerRecords<String, String> got = polled.get(LONG.toSeconds(), TimeUnit.SECONDS);
                assertEquals("hello", got.iterator().next().value());
                assertTrue(System.nanoTime() - start < LONG.toNanos() / 2, "woken by the append, not the timeout");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void wakeupEndsAWaitingPoll(WaitStrategy strategy) throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            try (Consumer<String, String> c = log.consumer(config(strategy), Serdes.string(), Serdes.string())) {
                CountDownLatch inside = new CountDownLatch(1);
                c.subscribe(List.of("t"), signal(inside));
                CompletableFuture<ConsumerRecords<String, String>> polled =
                        CompletableFuture.supplyAsync(() -> c.poll(LONG));
                assertTrue(inside.await(LONG.toSeconds(), TimeUnit.SECONDS));
                c.wakeup();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof WakeupException, e.getCause().toString());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void aWaitingMemberTakesThePartitionsAnotherMemberGivesUp(WaitStrategy strategy) throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            Consumer<String, String> a = log.consumer(config(strategy), Serdes.string(), Serdes.string());
            a.subscribe(List.of("t"));
            a.poll(Duration.ZERO); // a owns both partitions
            try (Consumer<String, String> b = log.consumer(config(strategy), Serdes.string(), Serdes.string())) {
                CountDownLatch joined = new CountDownLatch(1);
                b.subscribe(List.of("t"), signal(joined));
                CompletableFuture<ConsumerRecords<String, String>> polled =
                        CompletableFuture.supplyAsync(() -> b.poll(LONG));
                assertTrue(joined.await(LONG.toSeconds(), TimeUnit.SECONDS));
                p.send(new ProducerRecord<>("t", 0, null, "k", "for whoever owns t-0", null)).join();
                p.send(new ProducerRecord<>("t", 1, null, "k", "for whoever owns t-1", null)).join();
                a.close(); // b, waiting, is signalled, takes both and reads
                ConsumerRecords<String, String> got = polled.get(LONG.toSeconds(), TimeUnit.SECONDS);
                assertTrue(got.count() >= 1, "b returned " + got.count());
                assertEquals(2, b.assignment().size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void withNothingToReadAPollReturnsEmptyAtItsTimeout(WaitStrategy strategy) {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            try (Consumer<String, String> c = log.consumer(config(strategy), Serdes.string(), Serdes.string())) {
                c.assign(List.of(new TopicPartition("t", 0)));
                long start = System.nanoTime();
                assertTrue(c.poll(Duration.ofMillis(50)).isEmpty());
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
                assertTrue(c.poll(Duration.ZERO).isEmpty());
            }
        }
    }

    @Test
    void theIdleStrategiesNeedNoJvmFlagAndPrintNoWarning() throws Exception {
        Path out = dir.resolve("child.out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WaitStrategyChild.class.getName(),
                dir.resolve("log").toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        String text = read(out);
        assertEquals(0, child.exitValue(), text);
        assertTrue(text.contains(WaitStrategyChild.DONE), text);
        for (String line : text.split("\n")) {
            assertTrue(!line.contains("WARNING"), "the JVM warned (java " + System.getProperty("java.version") + "): "
                    + line + "\n" + text);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
