package io.runnel.log;

import io.runnel.log.spi.CommitLogProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitLogBuilderTest {

    @TempDir
    Path dir;

    @Test
    void openWithoutAnImplementationOnTheClassPathSaysWhichDependencyToAdd() {
        LogException e = assertThrows(LogException.class, () -> CommitLog.builder(dir).open());
        assertEquals("no Runnel implementation found on the class or module path: add the io.runnel:log-core dependency",
                e.getMessage());
        LogException viaOpen = assertThrows(LogException.class, () -> CommitLog.open(dir));
        assertEquals(e.getMessage(), viaOpen.getMessage());
    }

    @Test
    void aNullDirectoryIsRefusedWithAMessage() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> CommitLog.builder(null));
        assertTrue(e.getMessage() != null && e.getMessage().contains("directory"), String.valueOf(e.getMessage()));
        assertThrows(NullPointerException.class, () -> CommitLog.open(null));
    }

    @Test
    void aNewBuilderHoldsTheDefaults() {
        CommitLogBuilder b = CommitLog.builder(dir);
        assertEquals(dir, b.directory());
        assertEquals(FlushPolicy.none(), b.flushPolicy());
        assertEquals(TopicConfig.defaults(), b.topicDefaults());
    }

    @Test
    void settersChangeTheSettingsAndRefuseNull() {
        TopicConfig compacted = TopicConfig.builder().cleanupPolicy(CleanupPolicy.COMPACT).build();
        CommitLogBuilder b = CommitLog.builder(dir)
                .flushPolicy(FlushPolicy.everyInterval(Duration.ofSeconds(1)))
                .topicDefaults(compacted);
        assertEquals(FlushPolicy.everyInterval(Duration.ofSeconds(1)), b.flushPolicy());
        assertSame(compacted, b.topicDefaults());
        assertThrows(NullPointerException.class, () -> b.flushPolicy(null));
        assertThrows(NullPointerException.class, () -> b.topicDefaults(null));
    }

    @Test
    void openHandsTheBuilderToTheFirstProvider() {
        AtomicReference<CommitLogBuilder> seen = new AtomicReference<>();
        CommitLog log = stubLog();
        CommitLogProvider first = settings -> {
            seen.set(settings);
            return log;
        };
        CommitLogProvider second = settings -> {
            throw new AssertionError("only the first provider is used");
        };
        CommitLogBuilder b = CommitLog.builder(dir).flushPolicy(FlushPolicy.always());
        assertSame(log, b.open(List.of(first, second)));
        assertSame(b, seen.get());
    }

    @Test
    void aProviderThatCannotBeLoadedBecomesALogException() {
        ServiceConfigurationError error = new ServiceConfigurationError("io.runnel.Broken: not found");
        Iterable<CommitLogProvider> broken = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public CommitLogProvider next() {
                throw error;
            }
        };
        LogException e = assertThrows(LogException.class, () -> CommitLog.builder(dir).open(broken));
        assertSame(error, e.getCause());
        assertTrue(e.getMessage().contains("io.runnel.Broken"), e.getMessage());
    }

    private CommitLog stubLog() {
        return (CommitLog) Proxy.newProxyInstance(CommitLog.class.getClassLoader(), new Class<?>[] {CommitLog.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("directory")) {
                        return dir;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
