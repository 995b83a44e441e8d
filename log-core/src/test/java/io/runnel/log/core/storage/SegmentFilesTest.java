package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Segment file names are Kafka's: the base offset in 20 zero-padded digits, and back. */
class SegmentFilesTest {
    @Test
    void baseOffsetsBecomeTwentyDigitsAndBack() {
        long[] offsets = {0, 7, 42, 1_000_000, 9_999_999_999L, Long.MAX_VALUE};
        for (long offset : offsets) {
            String prefix = SegmentFiles.filenamePrefix(offset);
            assertEquals(String.format("%020d", offset), prefix);
            assertEquals(offset, SegmentFiles.baseOffsetOf(prefix + SegmentFiles.LOG_SUFFIX, SegmentFiles.LOG_SUFFIX));
        }
        assertEquals(Path.of("d", "00000000000000000042.log"), SegmentFiles.logFile(Path.of("d"), 42));
        assertEquals(-1, SegmentFiles.baseOffsetOf("0000000000000000004x.log", SegmentFiles.LOG_SUFFIX));
        assertEquals(-1, SegmentFiles.baseOffsetOf("00000000000000000042.index", SegmentFiles.LOG_SUFFIX));
    }
}
