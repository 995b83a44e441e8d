package io.runnel.benchmarks.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.core.storage.MappedBuffers;

/**
 * The machine's limit through a mapping: every byte of the same bytes Runnel's segments hold,
 * read as longs from files mapped once before the measurement; no format is decoded. Reports
 * the records those bytes hold, so that records per second compare with the contenders.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
public class RawMappedRead extends ReadWorkload {
    private RawFiles files;
    private final List<MappedByteBuffer> maps = new ArrayList<>();

    @Override
    protected void fill() {
        files = RawFiles.write(batch, batches);
        for (Path file : files.files()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                maps.add(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    protected long scan() {
        long sum = 0;
        for (MappedByteBuffer map : maps) {
            int longs = map.limit() & ~7;
            for (int i = 0; i < longs; i += 8) {
                sum += map.getLong(i);
            }
        }
        blackhole.consume(sum);
        return records();
    }

    @Override
    protected void delete() {
        for (MappedByteBuffer map : maps) {
            MappedBuffers.unmap(map);
        }
        maps.clear();
        files.close();
    }
}
