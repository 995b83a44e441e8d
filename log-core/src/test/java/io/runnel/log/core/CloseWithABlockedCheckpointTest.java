package io.runnel.log.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloseWithABlockedCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void closeDoesNotWaitForACheckpointThatWaitsForTheAdminLock() throws Exception {
        CommitLog log = CommitLog.open(dir);
        log.createTopic("t", 1);
        Producer<String, String> p = log.producer(ProducerConfig.builder().lingerMs(3_600_000).build(),
                Serdes.string(), Serdes.string());
        // close() closes the producer under the admin lock; its flush appends this record on the
        // closing thread, whose callback then holds close() until the once-a-second checkpoint
        // task is blocked on the admin lock.
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> held = p.send(ProducerRecord.of("t", "k", "v")).thenRun(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String background = "runnel-log-background-" + dir.toAbsolutePath().getFileName();
        AtomicBoolean sawBlocked = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!sawBlocked.get() && System.nanoTime() < deadline) {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals(background) && t.getState() == Thread.State.BLOCKED) {
                        sawBlocked.set(true);
                    }
                }
                LockSupport.parkNanos(1_000_000);
            }
            release.countDown();
        }, "blocked-checkpoint-watcher");
        watcher.start();
        long start = System.nanoTime();
        log.close();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        watcher.join();
        assertTrue(sawBlocked.get(), "the checkpoint task was blocked on the admin lock during close");
        assertTrue(ms < 20_000, "close waited " + ms + " ms (the background wait times out after 30 s)");
        held.get(60, TimeUnit.SECONDS);
        try (CommitLog again = CommitLog.open(dir)) {
            assertEquals(1, again.topic("t").orElseThrow().partition(0).endOffset());
        }
    }
}
