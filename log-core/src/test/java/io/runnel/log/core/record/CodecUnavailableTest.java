package io.runnel.log.core.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.CompressionType;
import io.runnel.log.Headers;
import io.runnel.log.LogException;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Without a codec's jar, writing or reading that codec fails with a {@link LogException} that
 * names the Maven artifact. Simulated through the writer's and cursor's class lookup (a test
 * seam), not by removing jars.
 */
class CodecUnavailableTest {

    /** A class lookup that finds nothing of the codec libraries. */
    private static boolean withoutCodecLibraries(String className) {
        return !(className.startsWith("net.jpountz.") || className.startsWith("org.xerial.snappy.")
                || className.startsWith("com.github.luben."));
    }

    private static String artifact(CompressionType codec) {
        switch (codec) {
            case SNAPPY:
                return "org.xerial.snappy:snappy-java:" + SnappyCodec.VERSION;
            case LZ4:
                return "org.lz4:lz4-java:" + Lz4Codec.VERSION;
            default:
                return "com.github.luben:zstd-jni:" + ZstdCodec.VERSION;
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"SNAPPY", "LZ4", "ZSTD"})
    void choosingACodecWithoutItsLibraryNamesTheMavenArtifactToAdd(CompressionType codec) {
        RecordBatchWriter writer = new RecordBatchWriter(CodecUnavailableTest::withoutCodecLibraries)
                .begin(ByteBuffer.allocate(1024), 0, 1024, 0L, 1L);
        CodecUnavailableException e = assertThrows(CodecUnavailableException.class, () -> writer.compression(codec));
        assertTrue(e.getMessage().contains(artifact(codec)), e.getMessage());
        assertTrue(e.getMessage().contains("<artifactId>" + artifact(codec).split(":")[1] + "</artifactId>"),
                e.getMessage());
        assertTrue(e instanceof LogException, "part of the public exception family");
        // The batch is still usable without compression.
        assertTrue(writer.append(1L, null, new byte[] {1}, Headers.empty()));
        assertTrue(writer.finish() > 0);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"SNAPPY", "LZ4", "ZSTD"})
    void readingABatchOfACodecWithoutItsLibraryNamesTheMavenArtifactToAdd(CompressionType codec) {
        ByteBuffer kafka = RecordFixtures.writeKafka(RecordFixtures.BatchFields.plain(0L),
                RecordFixtures.randomRecords(new Random(1), 10, true), codec);
        RecordBatchView view = new RecordBatchView().wrap(kafka, 0);
        RecordCursor cursor = new RecordCursor(CodecUnavailableTest::withoutCodecLibraries);
        CodecUnavailableException e = assertThrows(CodecUnavailableException.class, () -> cursor.reset(view));
        assertTrue(e.getMessage().contains(artifact(codec)), e.getMessage());
        assertTrue(e.getMessage().contains("module path"), e.getMessage());
    }

    @Test
    void gzipNeedsNoLibrary() {
        List<RecordFixtures.TestRecord> records = RecordFixtures.randomRecords(new Random(2), 20, true);
        ByteBuffer buffer = ByteBuffer.allocate(RecordFixtures.capacityFor(records) + 1024);
        RecordBatchWriter writer = new RecordBatchWriter(CodecUnavailableTest::withoutCodecLibraries);
        int size = RecordFixtures.writeOurs(writer, buffer, 0, RecordFixtures.BatchFields.plain(0L), records,
                CompressionType.GZIP);
        RecordBatchView view = new RecordBatchView().wrap(buffer.limit(size), 0);
        assertEquals(1, view.compressionCodec());
        RecordCursor cursor = new RecordCursor(CodecUnavailableTest::withoutCodecLibraries).reset(view);
        int count = 0;
        while (cursor.next()) {
            count++;
        }
        assertEquals(records.size(), count);
    }

    @Test
    void theVersionsNamedInTheMessagesAreTheJarsOnTheClassPath() {
        assertJar(net.jpountz.lz4.LZ4Factory.class, "lz4-java-" + Lz4Codec.VERSION + ".jar");
        assertJar(org.xerial.snappy.Snappy.class, "snappy-java-" + SnappyCodec.VERSION + ".jar");
        assertJar(com.github.luben.zstd.Zstd.class, "zstd-jni-" + ZstdCodec.VERSION + ".jar");
    }

    private static void assertJar(Class<?> type, String jar) {
        String location = type.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(location.endsWith(jar), type.getName() + " comes from " + location + ", expected " + jar
                + ": update the VERSION constant with the pom");
    }
}
