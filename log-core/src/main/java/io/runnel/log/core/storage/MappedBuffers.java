package io.runnel.log.core.storage;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a {@link MappedByteBuffer} deterministically, without JVM flags: {@code sun.misc.Unsafe}
 * lives in {@code jdk.unsupported}, which the JDK opens to everyone, and its
 * {@code invokeCleaner} releases the mapping at once (JDK 17 to 23). Where that is not
 * available, or on JDK 24+ where calling it prints a deprecation warning, the mapping is
 * left to the garbage collector (correct, only later).
 *
 * <p>The caller must guarantee that no thread touches the buffer, or any view of it, after
 * {@link #unmap}: that is a SIGSEGV. Segments enforce it with reference counts.
 *
 * <p>Thread-safe: stateless.
 */
public final class MappedBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(MappedBuffers.class);
    private static final MethodHandle INVOKE_CLEANER = findCleaner();

    private MappedBuffers() {
    }

    /**
     * Releases the mapping behind {@code buffer} now, or leaves it to the GC when that is not
     * possible on this JVM.
     *
     * @param buffer a buffer from {@code FileChannel.map}, not a slice or duplicate
     */
    public static void unmap(MappedByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable t) {
            LOG.debug("could not unmap a segment buffer; the GC will release it", t);
        }
    }

    /**
     * Whether {@link #unmap} releases mappings at once on this JVM.
     *
     * @return true when unmapping is deterministic
     */
    public static boolean canUnmap() {
        return INVOKE_CLEANER != null;
    }

    private static MethodHandle findCleaner() {
        if (Runtime.version().feature() >= 24) {
            // JDK 24+ prints a deprecation warning on the first invokeCleaner call (JEP 498); a
            // library must not write to its host's stderr. Mappings go to the GC there until the
            // FFM (Arena) mapping path lands. See docs/DECISIONS.md.
            LOG.debug("JDK {}: mappings are released by the GC", Runtime.version().feature());
            return null;
        }
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandle handle = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("deterministic unmapping unavailable ({}); mappings are released by the GC", e.toString());
            return null;
        }
    }
}
