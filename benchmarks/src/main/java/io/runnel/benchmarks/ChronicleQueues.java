package io.runnel.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Chronicle Queue, the peer to beat (never used by log-core): a binary queue with its default
 * settings (daily roll cycle) in a fresh temporary directory, and one appender per thread
 * (Chronicle's appenders are single-threaded; several may write to one queue).
 *
 * <p>Chronicle needs JVM flags on JDK 17 and later (the list its documentation gives for Java 17,
 * and {@code -Dchronicle.analytics.disable=true} for its telemetry library): every benchmark
 * class that uses it carries them in {@code @Fork(jvmArgsAppend = ...)}, so that they reach
 * Chronicle's forked JVMs only, never Runnel's.
 *
 * <p>Thread-safe: {@link #appendValue()} writes through the calling thread's own appender.
 */
public final class ChronicleQueues implements AutoCloseable {
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final List<ExcerptAppender> appenders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<ExcerptAppender> appender;
    private final BytesStore<?, ?> value;

    private ChronicleQueues(Path dir, byte[] value) {
        this.dir = dir;
        this.value = BytesStore.wrap(value);
        this.queue = SingleChronicleQueueBuilder.binary(dir).build();
        this.appender = ThreadLocal.withInitial(() -> {
            ExcerptAppender a = queue.createAppender();
            appenders.add(a);
            return a;
        });
    }

    /**
     * Opens a new, empty queue.
     *
     * @param value what {@link #appendValue()} appends
     * @return the queue
     */
    public static ChronicleQueues create(byte[] value) {
        return new ChronicleQueues(TempDirs.create("chronicle-bench-"), value);
    }

    /**
     * The queue.
     *
     * @return the open queue
     */
    public SingleChronicleQueue queue() {
        return queue;
    }

    /**
     * Appends the value as one excerpt through the calling thread's appender.
     *
     * @return the excerpt's index
     */
    public long appendValue() {
        ExcerptAppender a = appender.get();
        a.writeBytes(value);
        return a.lastIndexAppended();
    }

    /** Closes the appenders and the queue, deletes its directory. */
    @Override
    public void close() {
        for (ExcerptAppender a : appenders) {
            a.close();
        }
        queue.close();
        TempDirs.delete(dir);
    }
}
