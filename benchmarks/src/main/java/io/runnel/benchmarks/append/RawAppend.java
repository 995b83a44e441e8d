package io.runnel.benchmarks.append;

import java.nio.ByteBuffer;

/**
 * A raw baseline of the append workload: what it writes for a record or a batch is the bytes of
 * the Kafka v2 batch Runnel would write, so that its records per second are also the same bytes
 * per second.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; {@link #write} is thread-safe.
 */
public abstract class RawAppend extends AppendWorkload {
    @Override
    protected final long appendOne() {
        return write(batchOf1);
    }

    @Override
    protected final long appendBatch() {
        return write(batchOfMany);
    }

    /**
     * Writes the bytes at the end of the file; thread-safe.
     *
     * @param bytes from position 0 to the limit (not modified)
     * @return where they were written, or how far the file is
     */
    protected abstract long write(ByteBuffer bytes);
}
