package io.runnel.log.core.crash;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;

/**
 * The child JVM of {@link SecondProcessLockTest}: opens the log, appends one record to topic
 * {@value #TOPIC}, prints {@code ACK <partition> <offset>} and {@code READY}, then holds the log
 * open until it is killed (or its stdin closes, when it halts without closing the log).
 *
 * <p>Argument: the log directory.
 */
public final class LockHolder {
    static final String TOPIC = "held";
    static final String VALUE = "written by the lock holder";

    private LockHolder() {
    }

    /**
     * Runs the child.
     *
     * @param args the log directory
     * @throws IOException when stdin cannot be read
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        CommitLog log = CommitLog.open(Path.of(args[0]));
        if (log.topic(TOPIC).isEmpty()) {
            log.createTopic(TOPIC, 1);
        }
        Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string());
        RecordMetadata md = producer.send(ProducerRecord.of(TOPIC, "k", VALUE)).join();
        out.println("ACK " + md.topicPartition().partition() + " " + md.offset());
        out.println("READY");
        while (System.in.read() >= 0) {
            // the parent sends nothing: wait for the kill (or for the parent to go away)
        }
        Runtime.getRuntime().halt(2);
    }
}
