package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.FlushPolicy;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentAppendTest {
    static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    PartitionLog open() {
        return PartitionLog.open(TP, dir.resolve("t-0"), PartitionLogTest.smallSegments(), FlushPolicy.none(),
                PartitionLogTest.DIRECT, true, 0);
    }

    /** A batch of {@code records} records with a producer id, epoch and base sequence. */
    static ByteBuffer batch(long producerId, short epoch, int baseSequence, int records, String tag) {
        ByteBuffer buf = ByteBuffer.allocate(64 + records * 64);
        RecordBatchWriter w = new RecordBatchWriter().begin(buf, 0, buf.capacity(), 0,
                RecordBatchDescriptor.NO_TIMESTAMP);
        w.producerId(producerId).producerEpoch(epoch).baseSequence(baseSequence);
        for (int i = 0; i < records; i++) {
            w.append(1000 + i, null, (tag + i).getBytes(StandardCharsets.UTF_8), null);
        }
        buf.limit(w.finish());
        return buf;
    }

    static List<String> values(PartitionLog log) {
        List<String> values = new ArrayList<>();
        PartitionLogTest.readAll(log, 0, values);
        return values;
    }

    @Test
    void aBatchAppendedAgainKeepsItsOffsetsAndIsNotWrittenTwice() {
        try (PartitionLog log = open()) {
            ByteBuffer a = batch(42, (short) 0, 0, 3, "a");
            ByteBuffer b = batch(42, (short) 0, 3, 2, "b");
            assertEquals(0, log.append(a));
            assertEquals(3, log.append(b));
            assertEquals(0, log.append(a.duplicate()), "the retried first batch");
            assertEquals(3, log.append(b.duplicate()), "the retried second batch");
            assertEquals(5, log.endOffset());
            assertEquals(List.of("a0", "a1", "a2", "b0", "b1"), values(log));
        }
    }

    @Test
    void batchesOfOtherProducersEpochsOrSequencesAreAppended() {
        try (PartitionLog log = open()) {
            assertEquals(0, log.append(batch(1, (short) 0, 0, 2, "x")));
            assertEquals(2, log.append(batch(2, (short) 0, 0, 2, "y")), "another producer id");
            assertEquals(4, log.append(batch(1, (short) 1, 0, 2, "z")), "a new epoch");
            assertEquals(6, log.append(batch(1, (short) 1, 0, 3, "w")), "same base sequence, longer batch");
            assertEquals(9, log.append(batch(RecordBatchDescriptor.NO_PRODUCER_ID, RecordBatchDescriptor.NO_PRODUCER_EPOCH,
                    RecordBatchDescriptor.NO_SEQUENCE, 1, "n")));
            assertEquals(10, log.append(batch(RecordBatchDescriptor.NO_PRODUCER_ID, RecordBatchDescriptor.NO_PRODUCER_EPOCH,
                    RecordBatchDescriptor.NO_SEQUENCE, 1, "n")), "batches without a producer id are never deduplicated");
            assertEquals(11, log.endOffset());
        }
    }

    @Test
    void onlyTheLastFiveBatchesOfAProducerAreRemembered() {
        try (PartitionLog log = open()) {
            List<ByteBuffer> sent = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ByteBuffer b = batch(7, (short) 0, i, 1, "r");
                sent.add(b.duplicate());
                assertEquals(i, log.append(b));
            }
            assertEquals(6, log.append(sent.get(6)));
            assertEquals(2, log.append(sent.get(2)));
            assertEquals(7, log.endOffset());
            assertEquals(7, log.append(sent.get(1)), "older than the window: appended again");
            assertEquals(8, log.endOffset());
        }
    }

    @Test
    void aDuplicateInsideAMultiBatchAppendIsSkipped() {
        try (PartitionLog log = open()) {
            ByteBuffer a = batch(5, (short) 0, 0, 2, "a");
            ByteBuffer b = batch(5, (short) 0, 2, 2, "b");
            ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining());
            both.put(a.duplicate()).put(b.duplicate()).flip();
            assertEquals(0, log.append(a));
            assertEquals(0, log.append(both), "the first batch is a duplicate: its earlier offset");
            assertEquals(List.of("a0", "a1", "b0", "b1"), values(log));
        }
    }

    @Test
    void aBatchRemovedByTruncationIsAppendedAgain() {
        try (PartitionLog log = open()) {
            ByteBuffer a = batch(9, (short) 0, 0, 2, "a");
            ByteBuffer b = batch(9, (short) 0, 2, 2, "b");
            log.append(a.duplicate());
            log.append(b.duplicate());
            assertEquals(2, log.truncateTo(2));
            assertEquals(0, log.append(a), "still in the log");
            assertEquals(2, log.append(b), "truncated away, so appended again");
            assertEquals(List.of("a0", "a1", "b0", "b1"), values(log));
        }
    }

    @Test
    void theLastSequenceWrapsPastIntegerMaxValueAsKafkas() {
        assertEquals(Integer.MAX_VALUE, ProducerStateTable.lastSequence(Integer.MAX_VALUE - 2, 2));
        assertEquals(0, ProducerStateTable.lastSequence(Integer.MAX_VALUE - 2, 3));
        assertEquals(4, ProducerStateTable.lastSequence(Integer.MAX_VALUE, 5));
    }

    @Test
    void producersTakingTurnsEachKeepTheirDuplicateDetection() {
        // The table looks the last appender up without its map: turns between producers must
        // still find each one's own batches, and a producer evicted meanwhile must be forgotten.
        try (PartitionLog log = open()) {
            assertEquals(0, log.append(batch(1000, (short) 0, 0, 1, "a")));
            assertEquals(1, log.append(batch(2000, (short) 0, 0, 1, "b")));
            assertEquals(2, log.append(batch(1000, (short) 0, 1, 1, "a")));
            assertEquals(2, log.append(batch(1000, (short) 0, 1, 1, "a")), "same producer twice in a row");
            assertEquals(1, log.append(batch(2000, (short) 0, 0, 1, "b")), "the other one's retry");
            assertEquals(0, log.append(batch(1000, (short) 0, 0, 1, "a")), "the first one's older batch");
            long offset = 3;
            for (int id = 0; id < ProducerStateTable.MAX_PRODUCERS; id++) {
                assertEquals(offset++, log.append(batch(5000 + id, (short) 0, 0, 1, "x")));
            }
            assertEquals(offset, log.append(batch(1000, (short) 0, 1, 1, "a")),
                    "evicted by as many other producers: appended again");
            assertEquals(offset, log.append(batch(1000, (short) 0, 1, 1, "a")), "and remembered again");
        }
    }
}
