package io.runnel.benchmarks.latency;

import io.runnel.benchmarks.ChronicleQueues;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;

import org.openjdk.jmh.annotations.Fork;

/**
 * Chronicle Queue: {@code ExcerptAppender.writeBytes} on the benchmark thread; an
 * {@link ExcerptTailer} on its own thread reads with {@code readingDocument()} and, when there
 * is nothing, pauses with Chronicle's own {@link Pauser}: {@code Pauser.busy()} for
 * {@code BUSY_SPIN}, {@code Pauser.balanced()} (spins, then yields, then sleeps a growing
 * while) for {@code BLOCKING}: Chronicle has no way to wake a tailer when an append lands.
 *
 * <p>Not thread-safe: see {@link LatencyWorkload}; the appender belongs to the benchmark
 * thread, the tailer to the consumer thread.
 */
// Chronicle's flags, in its forks only (JMH takes them per class; see ChronicleQueues).
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class ChronicleLatency extends LatencyWorkload {
    private ChronicleQueues queue;

    @Override
    protected void open() {
        queue = ChronicleQueues.create(value);
    }

    @Override
    protected void close() {
        queue.close();
    }

    @Override
    protected long send() {
        return queue.appendValue();
    }

    @Override
    protected void consume() {
        Pauser pauser = "BUSY_SPIN".equals(waitStrategy) ? Pauser.busy() : Pauser.balanced();
        try (ExcerptTailer tailer = queue.queue().createTailer()) {
            while (running()) {
                long index = Long.MIN_VALUE;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (dc.isPresent()) {
                        index = dc.index();
                    }
                }
                if (index != Long.MIN_VALUE) {
                    received(index);
                    pauser.reset();
                } else {
                    pauser.pause();
                }
            }
        }
    }
}
