package io.runnel.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Records and value bytes a benchmark operation handled, which JMH reports as rates beside the
 * score ({@code records} and {@code payloadBytes} per second) when a benchmark method takes it
 * as a parameter.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class RecordCounters {
    /** Records handled. */
    public long records;
    /** Value bytes of those records. */
    public long payloadBytes;

    /** JMH does not reset auxiliary counters itself. */
    @Setup(Level.Iteration)
    public void reset() {
        records = 0;
        payloadBytes = 0;
    }

    /**
     * Counts records of the same size.
     *
     * @param count      how many
     * @param recordSize the value bytes of each
     */
    public void add(long count, long recordSize) {
        records += count;
        payloadBytes += count * recordSize;
    }
}
