package io.runnel.benchmarks.read;

import io.runnel.benchmarks.ChronicleQueues;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import org.openjdk.jmh.annotations.Fork;

/**
 * Chronicle Queue: an {@link ExcerptTailer} from the start reads every excerpt with
 * {@code readingDocument()}, zero-copy over the mapped file. Chronicle keeps no checksum, so
 * nothing is checked. The queue (defaults) was filled with one excerpt per record. A new
 * tailer per read.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
// Chronicle's flags, in its forks only (JMH takes them per class; see ChronicleQueues).
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class ChronicleRead extends ReadWorkload {
    private ChronicleQueues queue;

    @Override
    protected void fill() {
        queue = ChronicleQueues.create(value);
        for (long i = records(); i > 0; i--) {
            queue.appendValue();
        }
    }

    @Override
    protected long scan() {
        long seen = 0;
        try (ExcerptTailer tailer = queue.queue().createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return seen;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    blackhole.consume(bytes.readRemaining());
                    blackhole.consume(bytes.readByte(bytes.readPosition()));
                    seen++;
                }
            }
        }
    }

    @Override
    protected void delete() {
        queue.close();
    }
}
