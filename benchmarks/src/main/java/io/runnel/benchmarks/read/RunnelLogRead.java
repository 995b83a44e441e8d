package io.runnel.benchmarks.read;

import io.runnel.benchmarks.TempPartitionLog;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.BatchHandler;
import io.runnel.log.core.storage.PartitionLog;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runnel's storage engine, the low-level zero-copy path: {@link PartitionLog#read} in fetches of
 * 1 MiB hands batch views over the mapping, and a {@link RecordCursor} visits every record.
 * The log is mapped by the writer that filled it (default settings, 1 GiB segments) and flushed.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
public class RunnelLogRead extends ReadWorkload {
    /** Whether every batch's CRC-32C is checked as it is read. */
    @Param({"true", "false"})
    public boolean verifyCrc;

    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final BatchHandler visitor = this::visit;
    private TempPartitionLog temp;
    private long seen;

    @Override
    protected void fill() {
        temp = TempPartitionLog.create();
        PartitionLog log = temp.log();
        for (long i = 0; i < batches; i++) {
            log.append(batch);
        }
        log.flush();
    }

    @Override
    protected long scan() {
        seen = 0;
        PartitionLog log = temp.log();
        long next = log.startOffset();
        long end = log.endOffset();
        while (next < end) {
            next = log.read(next, FETCH_BYTES, verifyCrc, view, visitor);
        }
        return seen;
    }

    private boolean visit(RecordBatchView batchView) {
        RecordCursor c = cursor.reset(batchView);
        Blackhole bh = blackhole;
        long records = 0;
        while (c.next()) {
            bh.consume(c.valueLength());
            bh.consume(c.buffer().get(c.valueOffset()));
            records++;
        }
        seen += records;
        return true;
    }

    @Override
    protected void delete() {
        temp.close();
    }
}
