package io.runnel.log;

/**
 * How a consumer waits inside {@link Consumer#poll(java.time.Duration)} while no record is there
 * to return. Runnel's own setting: Kafka's consumer waits on the network instead.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum WaitStrategy {
    /**
     * The polling thread parks, and the append that gives it a record (or a group change, or
     * {@link Consumer#wakeup()}) unparks it. No CPU is used while waiting; the wake-up costs the
     * operating system's thread wake-up latency, typically tens of microseconds. The default.
     */
    BLOCKING,
    /**
     * The polling thread spins, then yields, then parks for 1 µs doubling up to 1 ms, checking
     * for records between steps (Agrona's {@code BackoffIdleStrategy}): lower latency than
     * {@link #BLOCKING} soon after the last record, little CPU when idle for long.
     */
    BACKOFF,
    /**
     * The polling thread spins on the CPU, checking for records continuously (Agrona's
     * {@code BusySpinIdleStrategy}): the lowest latency, at the price of one core per waiting
     * consumer. Use it only with a core to spare for each such consumer.
     */
    BUSY_SPIN
}
