package io.runnel.benchmarks.latency;

import io.runnel.benchmarks.TempPartitionLog;
import io.runnel.log.Headers;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.AppendWaiter;
import io.runnel.log.core.storage.BatchHandler;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.storage.ReadHint;

/**
 * Runnel's storage engine, the low-level path, as Chronicle's appender and tailer are theirs:
 * {@link PartitionLog#appendRecord} on the benchmark thread; on the consumer thread,
 * {@link PartitionLog#read} with a zero-copy view, a {@link RecordCursor} and a {@link ReadHint}
 * (so each read starts where the last ended; CRC checked, as the consumer checks it) whenever
 * the end offset moved. With {@code BUSY_SPIN} the consumer
 * spins on the end offset; with {@code BLOCKING} it parks on an {@link AppendWaiter} that every
 * append unparks.
 *
 * <p>Not thread-safe: see {@link LatencyWorkload}; the log is thread-safe, the view, cursor and
 * position belong to the consumer thread.
 */
public class RunnelLogLatency extends LatencyWorkload {
    /** How long one park of the blocking consumer lasts at most, so that it sees the trial end. */
    private static final long PARK_NANOS = 100_000_000L;

    private TempPartitionLog temp;
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final BatchHandler handler = this::onBatch;
    private final ReadHint hint = new ReadHint();
    /** The next offset the consumer wants: consumer thread only. */
    private long next;

    @Override
    protected void open() {
        temp = TempPartitionLog.create();
    }

    @Override
    protected void close() {
        temp.close();
    }

    @Override
    protected long send() {
        return temp.log().appendRecord(System.currentTimeMillis(), null, value, Headers.empty());
    }

    @Override
    protected void consume() {
        PartitionLog log = temp.log();
        boolean spin = "BUSY_SPIN".equals(waitStrategy);
        AppendWaiter waiter = new AppendWaiter();
        if (!spin) {
            log.addWaiter(waiter);
        }
        next = log.startOffset();
        while (running()) {
            if (log.endOffset() > next) {
                log.read(next, 1 << 20, true, view, handler, hint);
            } else if (spin) {
                Thread.onSpinWait();
            } else {
                waiter.await(System.nanoTime() + PARK_NANOS, () -> log.endOffset() > next);
            }
        }
    }

    private boolean onBatch(RecordBatchView batch) {
        RecordCursor c = cursor.reset(batch);
        while (c.next()) {
            long offset = c.offset();
            if (offset >= next && c.valueLength() == value.length) {
                next = offset + 1;
                received(offset);
            }
        }
        return true;
    }
}
