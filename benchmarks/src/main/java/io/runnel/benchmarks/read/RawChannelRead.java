package io.runnel.benchmarks.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The machine's limit through read(2): the same bytes Runnel's segments hold, read with
 * {@code FileChannel.read} into one 1 MiB direct buffer (the kernel copies every byte out of
 * the page cache); nothing is decoded. Reports the records those bytes hold, so that records
 * per second compare with the contenders.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
public class RawChannelRead extends ReadWorkload {
    private RawFiles files;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(FETCH_BYTES);

    @Override
    protected void fill() {
        files = RawFiles.write(batch, batches);
    }

    @Override
    protected long scan() {
        long read = 0;
        for (Path file : files.files()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    read += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        blackhole.consume(read);
        return records();
    }

    @Override
    protected void delete() {
        files.close();
    }
}
