package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.StorageException;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log on a small tmpfs that fills up: appends that do not fit fail with StorageException,
 * never a SIGBUS from a mapped page without a block (which would kill this JVM and fail the
 * build); what was acknowledged stays readable; once space is freed appends continue; a reopen
 * recovers. Skipped, with the reason printed, where a tmpfs cannot be mounted (not root).
 */
class DiskFullTest {
    @TempDir
    Path dir;

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0) {
            System.out.println("DiskFullTest: " + String.join(" ", command) + " -> " + out.trim());
        }
        return p.exitValue();
    }

    @Test
    void aFullDiskFailsAppendsCleanlyAndTheyResumeOnceSpaceIsFreed() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        int mounted = -1;
        try {
            mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt.toString());
        } catch (IOException e) {
            System.out.println("DiskFullTest: cannot run mount: " + e);
        }
        Assumptions.assumeTrue(mounted == 0, "skipped: cannot mount a tmpfs here (needs root)");
        try {
            fillAndRecover(mnt);
        } finally {
            run("umount", "-l", mnt.toString());
        }
    }

    private void fillAndRecover(Path mnt) throws IOException {
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[3 << 20]);
        Path logDir = mnt.resolve("log");
        TopicConfig config = TopicConfig.builder().partitions(1).segmentBytes(4 << 20)
                .segmentIndexBytes(64 << 10).build();
        TopicPartition tp = new TopicPartition("t", 0);
        List<String> acknowledged = new ArrayList<>();
        StorageException failure = null;
        try (CommitLog log = CommitLog.open(logDir)) {
            log.createTopic("t", config);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            String pad = "x".repeat(1000);
            for (int i = 0; i < 200_000 && failure == null; i++) {
                String value = i + ":" + pad;
                try {
                    long offset = p.send(new ProducerRecord<>("t", 0, null, null, value, null)).join().offset();
                    assertEquals(acknowledged.size(), offset, "offsets dense");
                    acknowledged.add(value);
                } catch (CompletionException e) {
                    assertTrue(e.getCause() instanceof StorageException, "a full disk is a StorageException: " + e.getCause());
                    failure = (StorageException) e.getCause();
                }
            }
            assertTrue(failure != null, "the 24 MiB tmpfs filled up");
            System.out.println("DiskFullTest: " + acknowledged.size() + " records acknowledged before: " + failure.getMessage());
            assertTrue(acknowledged.size() > 1000, "acknowledged " + acknowledged.size());
            assertEquals(acknowledged, readAll(log, tp), "everything acknowledged is readable on the full disk");

            // Free space: appends resume, offsets still dense.
            Files.delete(filler);
            for (int i = 0; i < 100; i++) {
                String value = "after-" + i;
                long offset = p.send(new ProducerRecord<>("t", 0, null, null, value, null)).join().offset();
                assertEquals(acknowledged.size(), offset);
                acknowledged.add(value);
            }
        }
        try (CommitLog log = CommitLog.open(logDir)) {
            assertEquals(acknowledged, readAll(log, tp), "reopen keeps every acknowledged record");
        }
    }

    private static List<String> readAll(CommitLog log, TopicPartition tp) {
        List<String> out = new ArrayList<>();
        ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(5000).build();
        try (var c = log.consumer(cc, Serdes.string(), Serdes.string())) {
            c.assign(List.of(tp));
            long end = log.topic(tp.topic()).orElseThrow().partition(tp.partition()).endOffset();
            while (out.size() < end) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofSeconds(10));
                assertTrue(!rs.isEmpty(), "data until the end offset " + end);
                rs.forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
