package io.runnel.log.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Bytes allocated by the current thread, for the allocation-free tests. Reached reflectively:
 * the tests compile inside module {@code io.runnel.log.core}, which does not read
 * {@code java.management}.
 *
 * <p>Thread-safe: the handle reads the calling thread's counter.
 */
public final class Allocations {
    private Allocations() {
    }

    /**
     * {@code ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())::getCurrentThreadAllocatedBytes}.
     *
     * @return a handle {@code () -> long}
     * @throws Throwable when the JVM cannot measure (the test then fails, saying so)
     */
    public static MethodHandle currentThreadAllocatedBytes() throws Throwable {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> sunThreads = Class.forName("com.sun.management.ThreadMXBean");
        assertTrue(sunThreads.isInstance(threads), "this JVM cannot measure allocation per thread");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        boolean supported = (boolean) lookup.findVirtual(sunThreads, "isThreadAllocatedMemorySupported",
                MethodType.methodType(boolean.class)).invoke(threads);
        assertTrue(supported, "this JVM cannot measure allocation per thread");
        lookup.findVirtual(sunThreads, "setThreadAllocatedMemoryEnabled",
                MethodType.methodType(void.class, boolean.class)).invoke(threads, true);
        return lookup.findVirtual(sunThreads, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .bindTo(threads);
    }
}
