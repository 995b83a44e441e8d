package io.runnel.benchmarks;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import io.runnel.log.Headers;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;

/**
 * Test data made before a measurement: record values and pre-encoded Kafka v2 batches of
 * records with a null key, no headers and the same timestamp.
 *
 * <p>Thread-safe: stateless.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * Random, incompressible bytes (a fixed seed, so every run writes the same data).
     *
     * @param size the length
     * @return the bytes
     */
    public static byte[] value(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /**
     * One uncompressed batch of {@code records} records, each with the value {@code value}, in a
     * heap buffer from position 0 to its limit (as a producer would hand it over).
     *
     * @param records   the record count
     * @param value     every record's value
     * @param timestamp every record's timestamp
     * @return the batch
     */
    public static ByteBuffer encode(int records, byte[] value, long timestamp) {
        int capacity = RecordBatchDescriptor.HEADER_SIZE;
        for (int i = 0; i < records; i++) {
            capacity += RecordBatchWriter.sizeOfRecord(0, i, -1, value.length, Headers.empty());
        }
        ByteBuffer buffer = ByteBuffer.allocate(capacity);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 0, capacity, 0,
                RecordBatchDescriptor.NO_TIMESTAMP);
        for (int i = 0; i < records; i++) {
            if (!writer.append(timestamp, null, value, Headers.empty())) {
                throw new IllegalStateException("record " + i + " does not fit the computed batch size " + capacity);
            }
        }
        buffer.limit(writer.finish());
        return buffer;
    }
}
