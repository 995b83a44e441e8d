package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.runnel.log.CommitLog;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordView;
import io.runnel.log.RecordViewHandler;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;

import io.runnel.log.core.testing.Allocations;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayViews} allocates nothing per record: measured in bytes allocated by this thread
 * with {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}, reached by
 * reflection as in {@code AllocationFreeCodecTest} (the tests compile inside the module
 * {@code io.runnel.log.core}, which does not read {@code jdk.management}).
 *
 * <p>The whole replay call is measured, so what it allocates once (the replayer, its arrays, the
 * result, the summary log line) and per segment (three buffer windows) counts too; the bound is
 * far below one small object per record.
 */
class AllocationFreeReplayTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 100_000;
    private static final long ALLOWED_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    /** Touches every field of every record, allocated once. */
    private static final class Touch implements RecordViewHandler {
        long checksum;
        long records;

        @Override
        public void onRecord(RecordView r) {
            ByteBuffer key = r.key();
            ByteBuffer value = r.value();
            checksum += r.offset() + r.timestamp() + r.partition() + r.keySize() + r.valueSize() + r.headerCount()
                    + key.remaining() + value.get(value.position()) + value.getLong(value.limit() - 8);
            if (r.headerCount() > 0) {
                ByteBuffer h = r.headerValue(0);
                checksum += h.get(h.position());
            }
            records++;
        }
    }

    @Test
    void replayingAHundredThousandRecordViewsAllocatesAlmostNothing() throws Throwable {
        MethodHandle allocatedBytes = Allocations.currentThreadAllocatedBytes();
        try (CommitLog log = CommitLog.open(dir)) {
            // Segments of 4 MiB: the replay crosses segments (and their mappings) in every partition.
            log.createTopic("t", TopicConfig.builder().partitions(PARTITIONS).segmentBytes(4 << 20).build());
            Headers headers = Headers.of(new Header("type", "deposit".getBytes(StandardCharsets.UTF_8)));
            byte[] value = new byte[100];
            try (Producer<byte[], byte[]> producer = log.producer(Serdes.bytes(), Serdes.bytes())) {
                for (int i = 0; i < RECORDS; i++) {
                    value[0] = (byte) i;
                    producer.send(new ProducerRecord<>("t", i % PARTITIONS, null,
                            ("account-" + (i % 1000)).getBytes(StandardCharsets.UTF_8), value.clone(),
                            i % 10 == 0 ? headers : null)).join();
                }
            }
            Touch touch = new Touch();
            for (int i = 0; i < 10; i++) {
                log.replayViews("t", touch); // warm-up: let the JIT compile the paths
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                touch.records = 0;
                long before = (long) allocatedBytes.invokeExact();
                ReplayResult result = log.replayViews("t", touch);
                long allocated = (long) allocatedBytes.invokeExact() - before;
                best = Math.min(best, allocated);
                assertEquals(RECORDS, touch.records, "every record was handed over");
                assertEquals(RECORDS, result.records());
            }
            System.out.println("replayViews allocated " + best + " bytes for " + RECORDS + " records (checksum "
                    + touch.checksum + ")");
            assertTrue(best < ALLOWED_BYTES, "allocated " + best + " bytes for " + RECORDS + " records, expected under "
                    + ALLOWED_BYTES);
        }
    }
}
