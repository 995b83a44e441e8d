package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;

import org.apache.kafka.coordinator.common.runtime.CoordinatorRecord;
import org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed-offset records, byte for byte: Runnel writes the same key and value bytes as
 * Kafka's group coordinator serde ({@link GroupCoordinatorRecordSerde}, kafka-group-coordinator
 * 4.1.0) and decodes what that serde writes in every value version a broker may have written;
 * replaying the offsets log keeps the last commit per key, applies tombstones, and skips records
 * that are not offset commits or are malformed instead of failing.
 */
class OffsetCommitRecordsTest {

    private static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dir;

    @Test
    void runnelDecodesWhatKafkasCoordinatorSerdeWritesInEveryValueVersion() {
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        OffsetCommitKey key = new OffsetCommitKey().setGroup("g").setTopic("t").setPartition(7);
        for (short version = 0; version <= 3; version++) {
            OffsetCommitValue value = new OffsetCommitValue().setOffset(42 + version).setLeaderEpoch(5)
                    .setMetadata("meta").setCommitTimestamp(1_700_000_000_000L + version).setExpireTimestamp(99);
            CoordinatorRecord record = CoordinatorRecord.record(key, new ApiMessageAndVersion(value, version));
            byte[] keyBytes = serde.serializeKey(record);
            byte[] valueBytes = serde.serializeValue(record);
            OffsetCommitDescriptor.Key k = OffsetCommitDescriptor.decodeKey(keyBytes);
            assertEquals(new OffsetCommitDescriptor.Key("g", new TopicPartition("t", 7)), k);
            OffsetCommitDescriptor.Commit c = OffsetCommitDescriptor.decodeValue(valueBytes);
            assertEquals(new OffsetCommitDescriptor.Commit(42 + version, 1_700_000_000_000L + version), c,
                    "value version " + version);
        }
        // Version 4 is flexible (compact strings, tagged fields): a later broker's; skipped, not misread.
        OffsetCommitValue v4 = new OffsetCommitValue().setOffset(1).setCommitTimestamp(2);
        byte[] v4Bytes = serde.serializeValue(CoordinatorRecord.record(key, new ApiMessageAndVersion(v4, (short) 4)));
        assertNull(OffsetCommitDescriptor.decodeValue(v4Bytes));
    }

    @Test
    void runnelWritesTheSameKeyAndValueBytesAsKafka() {
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        OffsetCommitKey key = new OffsetCommitKey().setGroup("grp").setTopic("topic.x").setPartition(3);
        OffsetCommitValue value = new OffsetCommitValue().setOffset(1234).setLeaderEpoch(-1).setMetadata("")
                .setCommitTimestamp(1_700_000_000_123L);
        CoordinatorRecord record = CoordinatorRecord.record(key, new ApiMessageAndVersion(value, (short) 3));
        assertArrayEquals(serde.serializeKey(record), OffsetCommitDescriptor.key(
                OffsetCommitDescriptor.utf8("group id", "grp"), OffsetCommitDescriptor.utf8("topic", "topic.x"), 3));
        assertArrayEquals(serde.serializeValue(record), OffsetCommitDescriptor.value(1234, 1_700_000_000_123L));
    }

    @Test
    void otherRecordTypesAreSkippedAndMalformedOnesRefused() {
        // Key version 2: Kafka's group metadata record; not an offset commit.
        assertNull(OffsetCommitDescriptor.decodeKey(new byte[] {0, 2, 0, 1, 'g'}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OffsetCommitDescriptor.decodeKey(new byte[] {0, 1, 0, 9, 'g'}));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OffsetCommitDescriptor.decodeValue(new byte[] {0, 3, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> OffsetCommitDescriptor.utf8("group id", "x".repeat(Short.MAX_VALUE + 1)));
    }
    @Test
    void replayKeepsTheLastRecordPerKeyAppliesTombstonesAndSkipsForeignOrMalformedRecords() {
        Path pdir = dir.resolve("offsets-0");
        LogConfig config = LogConfig.of(CommittedOffsets.TOPIC_CONFIG);
        PartitionLog log = PartitionLog.open(new TopicPartition("offsets", 0), pdir, config, FlushPolicy.none(), DIRECT,
                true, 0);
        try {
            byte[] g = OffsetCommitDescriptor.utf8("group id", "g");
            byte[] t = OffsetCommitDescriptor.utf8("topic", "t");
            append(log, OffsetCommitDescriptor.key(g, t, 0), OffsetCommitDescriptor.value(4, 1));
            append(log, OffsetCommitDescriptor.key(g, t, 1), OffsetCommitDescriptor.value(6, 1));
            append(log, new byte[] {0, 2, 0, 1, 'g'}, new byte[] {0, 3, 1, 2, 3}); // group metadata: not ours
            append(log, OffsetCommitDescriptor.key(g, t, 0), OffsetCommitDescriptor.value(8, 2));
            append(log, OffsetCommitDescriptor.key(g, t, 1), null);
            append(log, OffsetCommitDescriptor.key(g, t, 2), new byte[] {0, 9, 1}); // a future value version
            CommittedOffsets offsets = new CommittedOffsets(() -> log, topic -> true);
            offsets.load(log);
            assertEquals(OptionalLong.of(8), offsets.committed("g", new TopicPartition("t", 0)));
            assertEquals(OptionalLong.empty(), offsets.committed("g", new TopicPartition("t", 1)));
            assertEquals(OptionalLong.empty(), offsets.committed("g", new TopicPartition("t", 2)));

            // A malformed record (a truncated value; a key with trailing bytes) is skipped, not fatal.
            append(log, OffsetCommitDescriptor.key(g, t, 3), new byte[] {0, 3, 0, 0});
            append(log, new byte[] {0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 4, 9}, OffsetCommitDescriptor.value(1, 1));
            append(log, OffsetCommitDescriptor.key(g, t, 4), OffsetCommitDescriptor.value(10, 3));
            CommittedOffsets again = new CommittedOffsets(() -> log, topic -> true);
            again.load(log);
            assertEquals(OptionalLong.empty(), again.committed("g", new TopicPartition("t", 3)));
            assertEquals(OptionalLong.of(10), again.committed("g", new TopicPartition("t", 4)));
            assertEquals(OptionalLong.of(8), again.committed("g", new TopicPartition("t", 0)));
        } finally {
            log.close();
        }
    }

    private static void append(PartitionLog log, byte[] key, byte[] value) {
        ByteBuffer batch = RecordBatchWriter.encode(0, 1, key, value, Headers.empty());
        log.append(batch);
    }
}
