package io.runnel.log.core.storage;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps files and releases mappings deterministically, without JVM flags and without warnings:
 * <ul>
 *   <li>JDK 22 and newer: {@link #map} maps through {@code FileChannel.map(mode, offset, size,
 *       Arena)} with a shared arena (the final FFM API, called reflectively so the library still
 *       targets Java 17); {@link Mapping#unmap()} closes the arena. A thread that touches the
 *       buffer afterwards gets an {@code IllegalStateException}, never a SIGSEGV.</li>
 *   <li>JDK 17 to 21: a plain {@code FileChannel.map}; {@link Mapping#unmap()} calls
 *       {@code sun.misc.Unsafe.invokeCleaner} from {@code jdk.unsupported} (open to everyone). A
 *       later touch of the buffer is a SIGSEGV, so callers must guarantee none happens: segments
 *       unmap only when their reference count drops to zero.</li>
 *   <li>{@link #unmap(MappedByteBuffer)} of a plain mapping: the cleaner on JDK 17 to 23; on
 *       JDK 24+ (where {@code invokeCleaner} prints a deprecation warning, JEP 498) the garbage
 *       collector releases it.</li>
 * </ul>
 *
 * <p>Thread-safe: stateless; a {@link Mapping} is released once.
 */
public final class MappedBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(MappedBuffers.class);
    private static final MethodHandle INVOKE_CLEANER = findCleaner();
    private static final Ffm FFM = Ffm.find();

    private MappedBuffers() {
    }

    /**
     * A mapping that can be released explicitly.
     *
     * <p>Thread-safe: {@link #unmap()} is idempotent; the caller guarantees nobody uses the
     * buffer afterwards (on JDK 22+ a use throws instead of crashing).
     */
    public static final class Mapping {
        private final MappedByteBuffer buffer;
        private final Object arena;
        private boolean released;

        private Mapping(MappedByteBuffer buffer, Object arena) {
            this.buffer = buffer;
            this.arena = arena;
        }

        /**
         * The mapped bytes.
         *
         * @return the buffer, big-endian, position 0
         */
        public MappedByteBuffer buffer() {
            return buffer;
        }

        /** Releases the mapping now (arena close or cleaner), or leaves it to the GC. */
        public synchronized void unmap() {
            if (released) {
                return;
            }
            released = true;
            if (arena != null) {
                FFM.close(arena);
            } else {
                MappedBuffers.unmap(buffer);
            }
        }
    }

    /**
     * Maps {@code size} bytes of a file from its start.
     *
     * @param channel the file
     * @param mode    read-only or read-write
     * @param size    bytes to map
     * @return the mapping
     * @throws IOException when the file cannot be mapped
     */
    public static Mapping map(FileChannel channel, FileChannel.MapMode mode, long size) throws IOException {
        if (FFM != null) {
            Object arena = FFM.openArena();
            try {
                return new Mapping(FFM.map(channel, mode, size, arena), arena);
            } catch (IOException | RuntimeException | Error e) {
                FFM.close(arena);
                throw e;
            }
        }
        return new Mapping(channel.map(mode, 0, size), null);
    }

    /**
     * Whether {@link Mapping#unmap()} uses an FFM arena (JDK 22+).
     *
     * @return true on the FFM path
     */
    public static boolean usesArenas() {
        return FFM != null;
    }

    /**
     * Releases the mapping behind a plain {@code FileChannel.map} buffer now (JDK 17 to 23), or
     * leaves it to the GC.
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
            LOG.debug("could not unmap a buffer; the GC will release it", t);
        }
    }

    /**
     * Whether {@link #unmap(MappedByteBuffer)} releases plain mappings at once on this JVM.
     *
     * @return true when unmapping plain mappings is deterministic
     */
    public static boolean canUnmap() {
        return INVOKE_CLEANER != null;
    }

    private static MethodHandle findCleaner() {
        if (Runtime.version().feature() >= 24) {
            // JDK 24+ prints a deprecation warning on the first invokeCleaner call (JEP 498); a
            // library must not write to its host's stderr. See docs/DECISIONS.md.
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

    /** The JDK 22+ FFM calls, found reflectively. */
    private static final class Ffm {
        private final MethodHandle ofShared;
        private final MethodHandle mapWithArena;
        private final MethodHandle close;

        private Ffm(MethodHandle ofShared, MethodHandle mapWithArena, MethodHandle close) {
            this.ofShared = ofShared;
            this.mapWithArena = mapWithArena;
            this.close = close;
        }

        static Ffm find() {
            if (Runtime.version().feature() < 22 || Boolean.getBoolean("runnel.mapping.noArena")) {
                return null;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
                Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                MethodHandle ofShared = lookup.findStatic(arenaClass, "ofShared", MethodType.methodType(arenaClass))
                        .asType(MethodType.methodType(Object.class));
                MethodHandle map = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(segmentClass,
                        FileChannel.MapMode.class, long.class, long.class, arenaClass));
                MethodHandle asByteBuffer = lookup.findVirtual(segmentClass, "asByteBuffer",
                        MethodType.methodType(ByteBuffer.class));
                MethodHandle close = lookup.findVirtual(arenaClass, "close", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                MethodHandle mapped = MethodHandles.filterReturnValue(map, asByteBuffer)
                        .asType(MethodType.methodType(ByteBuffer.class, FileChannel.class, FileChannel.MapMode.class,
                                long.class, long.class, Object.class));
                return new Ffm(ofShared, mapped, close);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.info("FFM mapping unavailable ({}); using FileChannel.map", e.toString());
                return null;
            }
        }

        Object openArena() {
            try {
                return ofShared.invokeExact();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        MappedByteBuffer map(FileChannel channel, FileChannel.MapMode mode, long size, Object arena) throws IOException {
            try {
                return (MappedByteBuffer) (ByteBuffer) mapWithArena.invokeExact(channel, mode, 0L, size, arena);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        void close(Object arena) {
            try {
                close.invokeExact(arena);
            } catch (RuntimeException | Error e) {
                LOG.warn("closing a mapping's arena failed", e);
            } catch (Throwable t) {
                LOG.warn("closing a mapping's arena failed", t);
            }
        }
    }
}
