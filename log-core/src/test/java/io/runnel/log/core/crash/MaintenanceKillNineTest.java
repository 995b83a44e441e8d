package io.runnel.log.core.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.testing.PartitionRecords;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, acceptance 3: a child JVM appending while it compacts and deletes segments without
 * pause is killed with SIGKILL at seeded random moments; each reopen finishes or rolls back the
 * interrupted cleaning or deletion, and no live record is lost: in the compacted topic the
 * latest acknowledged record of every key is there (a tombstone may be gone), nothing is there
 * that was not written; in the retained topic every acknowledged offset from the start offset on
 * is there with its value, densely.
 */
@Tag("slow")
class MaintenanceKillNineTest {
    private static final int ROUNDS = 12;

    @TempDir
    Path tmp;

    private record Ack(String key, String value) {
    }

    @Test
    void killsDuringCleaningAndDeletionLoseNoLiveRecord() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("MaintenanceKillNineTest seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = tmp.resolve("log");
        Map<String, TreeMap<Long, Ack>> acked = Map.of("kv", new TreeMap<>(), "events", new TreeMap<>());
        int midMaintenance = 0;
        long checked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm child = ChildJvm.start(MaintainingWriter.class, tmp.resolve("stderr-" + round + ".txt"),
                    dir.toString(), Long.toString(random.nextLong()))) {
                child.expectLine("READY", Duration.ofSeconds(60));
                long until = System.nanoTime() + Duration.ofMillis(300 + random.nextInt(1200)).toNanos();
                while (System.nanoTime() < until) {
                    record(child.nextLine(Duration.ofSeconds(30)), acked);
                }
                child.kill9(Duration.ofSeconds(30));
                for (String line = child.nextLine(Duration.ofSeconds(30)); line != null;
                     line = child.nextLine(Duration.ofSeconds(30))) {
                    record(line, acked);
                }
            }
            if (leftOvers(dir)) {
                midMaintenance++;
            }
            checked += verify(dir, acked);
        }
        System.out.println("MaintenanceKillNineTest: " + ROUNDS + " kills, " + midMaintenance
                + " left a cleaning or deletion to finish or roll back, " + checked + " acknowledged records checked");
        assertTrue(checked > 0);
    }

    private static void record(String line, Map<String, TreeMap<Long, Ack>> acked) {
        if (line == null || !line.startsWith("ACK ")) {
            return;
        }
        String[] f = line.split(" ", 5);
        if (f.length < 5) {
            return; // torn by the kill
        }
        acked.get(f[1]).put(Long.parseLong(f[2]), new Ack(f[3], f[4].equals("-") ? null : f[4]));
    }

    private static boolean leftOvers(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".swap") || n.endsWith(".deleted") || n.equals(".cleaned");
            });
        }
    }

    private static long verify(Path dir, Map<String, TreeMap<Long, Ack>> acked) {
        try (CommitLog log = CommitLog.open(dir)) {
            TreeMap<Long, String[]> kv = read(((LogAccess) log).partitionLog(MaintainingWriter.COMPACTED));
            TreeMap<Long, String[]> events = read(((LogAccess) log).partitionLog(MaintainingWriter.RETAINED));
            long checked = 0;
            // Compacted: nothing that was not written; the latest acknowledged record of each key is there.
            TreeMap<Long, Ack> kvAcks = acked.get("kv");
            long lastAck = kvAcks.isEmpty() ? -1 : kvAcks.lastKey();
            for (Map.Entry<Long, String[]> e : kv.entrySet()) {
                Ack a = kvAcks.get(e.getKey());
                if (a == null) {
                    assertTrue(e.getKey() > lastAck, "kv offset " + e.getKey() + " was never written");
                    continue;
                }
                assertEquals(a.key(), e.getValue()[0], "kv key at " + e.getKey());
                assertEquals(a.value(), e.getValue()[1], "kv value at " + e.getKey());
            }
            Map<String, Long> latest = new HashMap<>();
            for (Map.Entry<Long, Ack> e : kvAcks.entrySet()) {
                latest.put(e.getValue().key(), e.getKey());
            }
            for (Map.Entry<String, Long> e : latest.entrySet()) {
                Ack a = kvAcks.get(e.getValue());
                boolean present = kv.containsKey(e.getValue());
                if (a.value() != null && !present) {
                    fail("the latest record of " + e.getKey() + " at offset " + e.getValue() + " is lost");
                }
                if (!present) {
                    // A removed tombstone: then no older record of the key may be left either.
                    for (String[] r : kv.values()) {
                        if (r[0].equals(e.getKey())) {
                            long at = kv.entrySet().stream().filter(x -> x.getValue() == r).findFirst().get().getKey();
                            assertTrue(at > e.getValue(), "an old record of deleted key " + e.getKey());
                        }
                    }
                }
                checked++;
            }
            // Retained: dense from the start offset, every acknowledged record there.
            PartitionLog ev = ((LogAccess) log).partitionLog(MaintainingWriter.RETAINED);
            long expected = ev.startOffset();
            for (Map.Entry<Long, String[]> e : events.entrySet()) {
                assertEquals(expected++, e.getKey(), "events offsets dense");
                Ack a = acked.get("events").get(e.getKey());
                if (a != null) {
                    assertEquals(a.value(), e.getValue()[1], "event at " + e.getKey());
                    checked++;
                }
            }
            for (long offset : acked.get("events").tailMap(ev.startOffset()).keySet()) {
                assertTrue(events.containsKey(offset), "acknowledged event " + offset + " lost");
            }
            return checked;
        }
    }

    private static TreeMap<Long, String[]> read(PartitionLog log) {
        TreeMap<Long, String[]> out = new TreeMap<>();
        PartitionRecords.forEach(log, (offset, timestamp, key, value) ->
                out.put(offset, new String[] {text(key), text(value)}));
        return out;
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
