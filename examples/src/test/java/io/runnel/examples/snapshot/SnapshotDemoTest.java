package io.runnel.examples.snapshot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.runnel.examples.DemoRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the snapshot demo twice in a child JVM: compaction shrinks the topic, the balances rebuilt
 * from the snapshot topic equal the latest written (the demo checks it and fails otherwise), the
 * second run starts from the first run's snapshot, and the replay reads about one record per
 * account, not the 100,000 updates.
 */
class SnapshotDemoTest {
    @TempDir
    Path dir;

    @Test
    void theCompactedTopicRebuildsTheLatestBalancesFromAboutOneRecordPerAccount() throws Exception {
        for (int run = 0; run < 2; run++) {
            String[] out = DemoRunner.run(SnapshotDemo.class, dir);
            assertTrue(out[0].contains("snapshot matches the latest balance of every account"), out[0] + out[1]);
            Matcher m = Pattern.compile("rebuilt (\\d+) accounts from (\\d+) snapshot records").matcher(out[0]);
            assertTrue(m.find(), out[0]);
            long accounts = Long.parseLong(m.group(1));
            long records = Long.parseLong(m.group(2));
            assertTrue(accounts > 900 && accounts <= 1000, out[0]);
            // Only the active segments (never cleaned) hold more than one record per key.
            assertTrue(records < 20_000, "replayed " + records + " records for " + accounts + " accounts");
            assertFalse(out[1].contains("WARNING:"), out[1]);
        }
    }
}
