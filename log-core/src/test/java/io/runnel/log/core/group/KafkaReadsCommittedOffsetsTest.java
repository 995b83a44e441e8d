package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.coordinator.common.runtime.CoordinatorRecord;
import org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka reads Runnel's committed offsets: its group coordinator serde
 * ({@link GroupCoordinatorRecordSerde}, kafka-group-coordinator 4.1.0, what a broker uses to load
 * {@code __consumer_offsets}) decodes every commit and tombstone Runnel wrote, read from the
 * segment file by Kafka's {@link FileRecords}, with one batch per commit.
 */
class KafkaReadsCommittedOffsetsTest {

    @TempDir
    Path dir;

    private static ByteBuffer copy(ByteBuffer b) {
        return b == null ? null : b.duplicate();
    }

    @Test
    void kafkasCoordinatorSerdeDecodesEveryCommitAndTombstoneRunnelWrote() throws IOException {
        TopicPartition a0 = new TopicPartition("orders", 0);
        TopicPartition a1 = new TopicPartition("orders", 1);
        TopicPartition b0 = new TopicPartition("audit", 0);
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("orders", 2);
            log.createTopic("audit", 1);
            try (Consumer<String, String> c = log.consumer(
                    ConsumerConfig.builder().groupId("billing-ü").enableAutoCommit(false).build(),
                    Serdes.string(), Serdes.string())) {
                c.assign(List.of(a0, a1, b0));
                Map<TopicPartition, Long> first = new LinkedHashMap<>();
                first.put(a0, 17L);
                first.put(a1, 4L);
                first.put(b0, 0L);
                c.commitSync(first);
                c.commitSync(Map.of(a1, 123_456_789_012L));
            }
            log.deleteTopic("audit");
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve(CommittedOffsets.TOPIC + "-0"))) {
            segment = files.filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        }
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        List<String> seen = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
            for (RecordBatch batch : records.batches()) {
                batch.ensureValid();
                int n = 0;
                for (Record r : batch) {
                    n++;
                    CoordinatorRecord cr = serde.deserialize(copy(r.key()), copy(r.value()));
                    OffsetCommitKey key = assertInstanceOf(OffsetCommitKey.class, cr.key());
                    assertEquals("billing-ü", key.group());
                    ApiMessageAndVersion value = cr.value();
                    if (value == null) {
                        seen.add(key.topic() + "-" + key.partition() + "=tombstone");
                        continue;
                    }
                    assertEquals(OffsetCommitDescriptor.VALUE_VERSION, value.version());
                    OffsetCommitValue v = assertInstanceOf(OffsetCommitValue.class, value.message());
                    assertEquals(-1, v.leaderEpoch());
                    assertEquals("", v.metadata());
                    assertEquals(r.timestamp(), v.commitTimestamp());
                    seen.add(key.topic() + "-" + key.partition() + "=" + v.offset());
                }
                batchSizes.add(n);
            }
        }
        assertEquals(List.of("orders-0=17", "orders-1=4", "audit-0=0", "orders-1=123456789012", "audit-0=tombstone"),
                seen);
        assertEquals(List.of(3, 1, 1), batchSizes, "one batch per commit, one for the tombstones of a deleted topic");
    }
}
