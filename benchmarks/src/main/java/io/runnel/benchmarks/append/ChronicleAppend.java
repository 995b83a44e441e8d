package io.runnel.benchmarks.append;

import io.runnel.benchmarks.ChronicleQueues;


import org.openjdk.jmh.annotations.Fork;

/**
 * Chronicle Queue: {@code ExcerptAppender.writeBytes} of the value, one excerpt per record, with
 * the queue's defaults; each thread has its own appender. Chronicle has no batch append, so
 * {@code batchOf100} is {@value #BATCH} single appends.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; each thread writes through its own appender.
 */
// Chronicle's flags, in its forks only (JMH takes them per class; see ChronicleQueues).
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class ChronicleAppend extends AppendWorkload {
    private ChronicleQueues queue;

    @Override
    protected void open() {
        queue = ChronicleQueues.create(value);
    }

    @Override
    protected void delete() {
        queue.close();
    }

    @Override
    protected long appendOne() {
        return queue.appendValue();
    }

    @Override
    protected long appendBatch() {
        long index = 0;
        for (int i = 0; i < BATCH; i++) {
            index = queue.appendValue();
        }
        return index;
    }
}
