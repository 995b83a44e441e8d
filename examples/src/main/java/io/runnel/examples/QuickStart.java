package io.runnel.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicPartition;

/**
 * The first program to run: opens a log in a directory, creates a topic, appends, closes,
 * reopens and reads everything back. Run it twice: the second run finds the first run's records.
 *
 * <p>Usage: {@code QuickStart [log directory]} (default {@code target/runnel-quickstart}).
 *
 * <p>Not thread-safe: a single-threaded program.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * Runs the demo.
     *
     * @param args optional log directory
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/runnel-quickstart").toAbsolutePath();
        System.out.println("log directory: " + dir);

        // 1. Open (or create) the log, create a topic with 3 partitions, append 9 greetings.
        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.topic("greetings").orElseGet(() -> log.createTopic("greetings", 3));
            try (Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string())) {
                for (String who : List.of("ada", "grace", "linus")) {
                    for (int i = 1; i <= 3; i++) {
                        RecordMetadata md = producer.send(ProducerRecord.of("greetings", who, "hello #" + i + " from " + who)).join();
                        System.out.printf("appended %-22s -> %s @ offset %d%n", "hello #" + i + " from " + who,
                                md.topicPartition(), md.offset());
                    }
                }
            }
            System.out.println("partitions: " + topic.partitions());
        }

        // 2. Reopen the directory and read every partition from its start.
        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.topic("greetings").orElseThrow();
            ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).build();
            try (var consumer = log.consumer(config, Serdes.string(), Serdes.string())) {
                List<TopicPartition> all = topic.partitions().stream().map(p -> p.id()).toList();
                consumer.assign(all);
                consumer.seekToBeginning(all);
                long total = 0;
                for (;;) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    if (records.isEmpty()) {
                        break;
                    }
                    for (ConsumerRecord<String, String> r : records) {
                        System.out.printf("read %s-%d @ %d: %s = %s%n", r.topic(), r.partition(), r.offset(), r.key(), r.value());
                        total++;
                    }
                }
                System.out.println("read back " + total + " records after reopening (each run appends 9 more)");
            }
        }
    }
}
