package io.runnel.log.core.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.FlushPolicy;
import io.runnel.log.LogLockedException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md decision 7: one writer process per directory. While another JVM holds the log open,
 * an open here fails with {@link LogLockedException} (and leaves nothing behind that would block
 * a later open); once that JVM is killed -9 the OS drops its lock and the open succeeds,
 * recovering what it acknowledged.
 */
class SecondProcessLockTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aSecondProcessCannotOpenTheLogUntilTheFirstIsKilled() {
        Path dir = tmp.resolve("log");
        long offset;
        try (ChildJvm child = ChildJvm.start(LockHolder.class, tmp.resolve("holder.stderr"), dir.toString())) {
            String ack = child.nextLine(TIMEOUT);
            assertTrue(ack != null && ack.startsWith("ACK 0 "), "the holder's first line: " + ack + "\n"
                    + child.stderrText());
            offset = Long.parseLong(ack.substring("ACK 0 ".length()));
            child.expectLine("READY", TIMEOUT);

            LogLockedException e = assertThrows(LogLockedException.class, () -> CommitLog.open(dir));
            assertTrue(e.getMessage().contains(dir.getFileName().toString()), "names the directory: " + e.getMessage());
            // A refused open releases what it took: a second try is refused the same way, not by a leftover of ours.
            assertThrows(LogLockedException.class,
                    () -> CommitLog.builder(dir).flushPolicy(FlushPolicy.always()).open());

            child.kill9(TIMEOUT);
        }
        assertFalse(Files.exists(dir.resolve(".clean-shutdown")), "the killed holder did not close the log");

        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.topic(LockHolder.TOPIC).orElseThrow();
            assertEquals(offset + 1, topic.partition(0).endOffset());
            TopicPartition tp = topic.partition(0).id();
            ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).build();
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            try (Consumer<String, String> consumer = log.consumer(config, Serdes.string(), Serdes.string())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (consumer.position(tp) < offset + 1 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(read::add);
                }
            }
            assertEquals(1, read.size());
            assertEquals(offset, read.get(0).offset());
            assertEquals(LockHolder.VALUE, read.get(0).value());
            // This JVM holds it now: the same refusal from inside the process.
            assertThrows(LogLockedException.class, () -> CommitLog.open(dir));
        }
        // And once closed, it opens again.
        try (CommitLog log = CommitLog.open(dir)) {
            assertEquals(offset + 1, log.topic(LockHolder.TOPIC).orElseThrow().partition(0).endOffset());
        }
    }
}
