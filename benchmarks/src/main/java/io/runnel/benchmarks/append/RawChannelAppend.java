package io.runnel.benchmarks.append;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.runnel.benchmarks.TempDirs;

/**
 * The machine's limit through write(2): the same bytes Runnel writes (the Kafka v2 batches)
 * gathered in a 64 KiB direct buffer per thread and written to the end of one file with
 * {@code FileChannel.write} whenever the buffer is full (a batch larger than the buffer is
 * written as it is; in append mode each write lands at the end of the file). No format, no index, no check: only the copies and the page cache.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; each thread has its own buffer.
 */
public class RawChannelAppend extends RawAppend {
    /** The size of each write. */
    static final int CHUNK = 64 * 1024;

    private Path dir;
    private FileChannel channel;
    private ThreadLocal<ByteBuffer> chunk;

    @Override
    protected void open() {
        dir = TempDirs.create("raw-channel-bench-");
        try {
            channel = FileChannel.open(dir.resolve("00000000000000000000.raw"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        chunk = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));
    }

    @Override
    protected void delete() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TempDirs.delete(dir);
    }

    @Override
    protected long write(ByteBuffer bytes) {
        ByteBuffer buffer = chunk.get();
        int length = bytes.limit();
        if (buffer.remaining() < length) {
            writeFully(buffer.flip());
            buffer.clear();
        }
        if (length > buffer.capacity()) {
            // A batch larger than the buffer (100 records of 1 KiB) goes out as it is.
            writeFully(bytes.duplicate());
            return length;
        }
        buffer.put(buffer.position(), bytes, 0, length);
        buffer.position(buffer.position() + length);
        return buffer.position();
    }

    private void writeFully(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
