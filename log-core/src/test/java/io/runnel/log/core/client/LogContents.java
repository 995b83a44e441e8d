package io.runnel.log.core.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.PartitionLog;

/** What a partition holds, batch by batch, read with {@link PartitionLog#read} (CRC checked). */
final class LogContents {
    private LogContents() {
    }

    /** A stored record, key and value as UTF-8 text (null when null). */
    record StoredRecord(long offset, long timestamp, String key, String value, Headers headers) {
    }

    /** A stored batch: its header fields, its records and a copy of its bytes. */
    record StoredBatch(long baseOffset, int recordCount, long producerId, short producerEpoch, int baseSequence,
                       int sizeInBytes, List<StoredRecord> records, ByteBuffer bytes) {
    }

    static PartitionLog partitionLog(CommitLog log, TopicPartition tp) {
        return ((LogAccess) log).partitionLog(tp);
    }

    static List<StoredBatch> batches(CommitLog log, TopicPartition tp) {
        PartitionLog plog = partitionLog(log, tp);
        List<StoredBatch> out = new ArrayList<>();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long next = plog.startOffset();
        while (next < plog.endOffset()) {
            next = plog.read(next, 1 << 20, true, view, b -> {
                List<StoredRecord> records = new ArrayList<>();
                cursor.reset(b);
                while (cursor.next()) {
                    records.add(new StoredRecord(cursor.offset(), cursor.timestamp(), text(cursor.key()),
                            text(cursor.value()), cursor.headers()));
                }
                ByteBuffer copy = ByteBuffer.allocate(b.sizeInBytes());
                copy.put(0, b.buffer(), b.offset(), b.sizeInBytes());
                out.add(new StoredBatch(b.baseOffset(), b.recordCount(), b.producerId(), b.producerEpoch(),
                        b.baseSequence(), b.sizeInBytes(), records, copy));
                return true;
            });
        }
        return out;
    }

    static List<StoredRecord> records(CommitLog log, TopicPartition tp) {
        List<StoredRecord> out = new ArrayList<>();
        for (StoredBatch b : batches(log, tp)) {
            out.addAll(b.records());
        }
        return out;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
