package io.runnel.log.core.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import io.runnel.log.CompressionType;

import java.nio.ByteBuffer;

import io.runnel.log.core.testing.Allocations;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hot paths allocate nothing per record: measured in bytes allocated by this thread, not in
 * time, with {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}.
 *
 * <p>That bean is reached by reflection: the tests are compiled inside the module
 * {@code io.runnel.log.core}, which does not read {@code java.management}/{@code jdk.management}
 * (and should not, for a test); at run time the tests are on the class path, where both are
 * readable.
 */
class AllocationFreeCodecTest {
    private static final int RECORDS = 100_000;
    private static final long ALLOWED_BYTES = 64 * 1024;

    /** Everything the workload needs, allocated once. */
    private static final class Workload {
        final RecordBatchWriter writer = new RecordBatchWriter();
        final RecordBatchView view = new RecordBatchView();
        final RecordCursor cursor = new RecordCursor();
        final ByteBuffer heap = ByteBuffer.allocate(256 * 1024);
        final ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);
        final byte[] key = "order-00042".getBytes();
        final byte[] value = new byte[100];
        final ByteBuffer keyBuffer = ByteBuffer.wrap(key);
        final ByteBuffer valueBuffer = ByteBuffer.allocateDirect(100);
        long checksum;
        long decoded;

        /** Encodes and decodes {@link #RECORDS} records through each append variant. */
        void run() {
            encodeAndDecode(heap, 0);
            encodeAndDecode(heap, 1);
            encodeAndDecode(direct, 2);
        }

        private void encodeAndDecode(ByteBuffer target, int variant) {
            int written = 0;
            int position = 0;
            long offset = 0;
            while (written < RECORDS) {
                int capacity = 16 * 1024;
                if (position + capacity > target.limit()) {
                    position = 0;
                }
                writer.begin(target, position, capacity, offset, RecordBatchDescriptor.NO_TIMESTAMP);
                while (written < RECORDS && append(variant, 1_700_000_000_000L + written)) {
                    written++;
                }
                int size = writer.finish();
                offset += writer.recordCount();
                decode(target, position);
                position += size;
            }
        }

        private boolean append(int variant, long timestamp) {
            switch (variant) {
                case 0:
                    return writer.append(timestamp, key, value, null);
                case 1:
                    return writer.append(timestamp, key, 1, key.length - 1, value, 2, value.length - 2, null);
                default:
                    return writer.append(timestamp, keyBuffer, valueBuffer, null);
            }
        }

        private void decode(ByteBuffer target, int position) {
            view.wrap(target, position);
            if (!view.isValid()) {
                throw new AssertionError("invalid batch at " + position);
            }
            cursor.reset(view);
            while (cursor.next()) {
                checksum += cursor.offset() + cursor.timestamp() + cursor.keyLength() + cursor.valueLength()
                        + cursor.keyOffset() + cursor.valueOffset() + cursor.headerCount()
                        + cursor.buffer().get(cursor.valueOffset());
                decoded++;
            }
        }
    }

    @Test
    void encodingAndDecodingAHundredThousandRecordsAllocatesAlmostNothing() throws Throwable {
        MethodHandle allocatedBytes = Allocations.currentThreadAllocatedBytes();
        Workload workload = new Workload();
        for (int i = 0; i < 10; i++) {
            workload.run(); // warm-up: let the JIT compile the paths
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            workload.decoded = 0;
            long before = (long) allocatedBytes.invokeExact();
            workload.run();
            long allocated = (long) allocatedBytes.invokeExact() - before;
            best = Math.min(best, allocated);
            assertEquals(3L * RECORDS, workload.decoded, "every record written was decoded");
        }
        System.out.println("allocated " + best + " bytes for " + 3 * RECORDS
                + " records encoded and decoded (checksum " + workload.checksum + ")");
        assertTrue(best < ALLOWED_BYTES, "allocated " + best + " bytes for " + 3 * RECORDS
                + " records, expected under " + ALLOWED_BYTES);
    }

    /**
     * Compressed batches may allocate per batch (whatever the codec library allocates per call),
     * never per record: the writer's and cursor's scratch arrays are reused once grown.
     */
    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void compressedBatchesAllocatePerBatchNeverPerRecord(CompressionType codec) throws Throwable {
        final int batches = 200;
        final int perBatch = 500;
        RecordBatchWriter writer = new RecordBatchWriter();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        ByteBuffer target = ByteBuffer.allocateDirect(256 * 1024);
        byte[] key = "order-00042".getBytes();
        byte[] value = new byte[100];
        long[] sink = new long[1];
        Runnable run = () -> {
            for (int b = 0; b < batches; b++) {
                writer.begin(target, 0, target.capacity(), (long) b * perBatch, RecordBatchDescriptor.NO_TIMESTAMP)
                        .compression(codec);
                for (int i = 0; i < perBatch; i++) {
                    value[i % value.length] = (byte) i;
                    if (!writer.append(1_700_000_000_000L + i, key, value, null)) {
                        throw new AssertionError("record did not fit");
                    }
                }
                if (writer.finish() <= 0) {
                    throw new AssertionError("batch did not fit");
                }
                cursor.reset(view.wrap(target, 0));
                while (cursor.next()) {
                    sink[0] += cursor.valueLength() + cursor.buffer().get(cursor.valueOffset());
                }
            }
        };
        MethodHandle allocatedBytes = Allocations.currentThreadAllocatedBytes();
        for (int i = 0; i < 5; i++) {
            run.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = (long) allocatedBytes.invokeExact();
            run.run();
            best = Math.min(best, (long) allocatedBytes.invokeExact() - before);
        }
        long perBatchBytes = best / batches;
        System.out.println(codec + ": allocated " + best + " bytes for " + batches + " batches of " + perBatch
                + " records written and read: " + perBatchBytes + " per batch (sink " + sink[0] + ")");
        // lz4-java's Java compressor allocates its hash table (8192 shorts) per block of up to 64 KiB;
        // these batches of about 62 KB are one block each.
        long library = codec == CompressionType.LZ4 ? 16 * 1024 + 16 : 0;
        assertTrue(perBatchBytes < 2_048 + library, codec + ": " + perBatchBytes + " bytes per batch of " + perBatch
                + " records; expected under " + (2_048 + library) + ", a few bytes per record at most");
    }
}
