package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.runnel.log.CommitLog;
import io.runnel.log.CompressionType;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.RunnelCommitLog;
import io.runnel.log.core.record.RecordBatchView;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The producer's compression.type through the public API: batches compressed, records read back. */
class CompressedProducerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void producedBatchesAreCompressedWithTheConfiguredCodecAndReadBack(CompressionType type) {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            ProducerConfig pc = ProducerConfig.builder().compressionType(type).lingerMs(0).build();
            List<String> sent = new ArrayList<>();
            try (Producer<String, String> p = log.producer(pc, Serdes.string(), Serdes.string())) {
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    String v = "value-" + i + "-" + "abc".repeat(i % 50);
                    sent.add(v);
                    futures.add(p.send(new ProducerRecord<>("t", 0, null, "k" + (i % 7), v, null)));
                }
                p.flush();
                for (int i = 0; i < futures.size(); i++) {
                    assertEquals(i, futures.get(i).join().offset());
                }
            }
            int[] codecs = new int[8];
            ((RunnelCommitLog) log).partitionLog(new TopicPartition("t", 0)).read(0, Integer.MAX_VALUE, true,
                    new RecordBatchView(), b -> {
                        codecs[b.compressionCodec()]++;
                        return true;
                    });
            assertTrue(codecs[type.id()] > 0, type + " batches written: " + java.util.Arrays.toString(codecs));
            List<String> got = new ArrayList<>();
            ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).build();
            try (var c = log.consumer(cc, Serdes.string(), Serdes.string())) {
                c.assign(List.of(new TopicPartition("t", 0)));
                while (got.size() < sent.size()) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofSeconds(10));
                    assertTrue(!rs.isEmpty());
                    rs.forEach(r -> got.add(r.value()));
                }
            }
            assertEquals(sent, got);
        }
    }
}
