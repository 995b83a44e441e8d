package io.runnel.log.core.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.runnel.log.Headers;
import io.runnel.log.RecordView;
import io.runnel.log.core.record.RecordCursor;

/**
 * The {@link RecordView} of a replay: the record a {@link RecordCursor} is on, with key, value and
 * header values as read-only windows onto the cursor's buffer (the segment's mapping). The windows
 * are three buffer objects made once per underlying buffer (per segment), then only repositioned,
 * so a record costs no allocation. {@link #invalidate()} empties them after each callback and at
 * the end, so that a window kept by mistake reads nothing instead of another record.
 *
 * <p>Not thread-safe: one per replay, on the replaying thread.
 */
final class CursorRecordView implements RecordView {
    private final String topic;
    private final RecordCursor cursor;
    private int partition;

    /** The buffer that the windows below were made from. */
    private ByteBuffer source;
    private ByteBuffer keyWindow;
    private ByteBuffer valueWindow;
    private ByteBuffer headerWindow;

    /**
     * Creates the view.
     *
     * @param topic  the topic replayed
     * @param cursor the cursor whose current record is shown
     */
    CursorRecordView(String topic, RecordCursor cursor) {
        this.topic = topic;
        this.cursor = cursor;
    }

    /**
     * Sets the partition of the records shown from now on.
     *
     * @param partition the partition
     */
    void partition(int partition) {
        this.partition = partition;
    }

    /** Empties the windows: a window kept past its callback then reads nothing. */
    void invalidate() {
        if (source != null) {
            keyWindow.limit(0);
            valueWindow.limit(0);
            headerWindow.limit(0);
        }
    }

    /** Empties the windows and lets go of the buffer, at the end of the replay. */
    void release() {
        invalidate();
        source = null;
    }

    private void windowsOnCurrentBuffer() {
        ByteBuffer b = cursor.buffer();
        if (b != source) {
            keyWindow = b.asReadOnlyBuffer();
            valueWindow = b.asReadOnlyBuffer();
            headerWindow = b.asReadOnlyBuffer();
            source = b;
        }
    }

    private static ByteBuffer window(ByteBuffer w, int index, int length) {
        // limit first: position() may not pass the limit, and limit() pulls the position back.
        w.limit(index + length).position(index);
        return w;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public int partition() {
        return partition;
    }

    @Override
    public long offset() {
        return cursor.offset();
    }

    @Override
    public long timestamp() {
        return cursor.timestamp();
    }

    @Override
    public int keySize() {
        return cursor.keyLength();
    }

    @Override
    public ByteBuffer key() {
        int length = cursor.keyLength();
        if (length < 0) {
            return null;
        }
        windowsOnCurrentBuffer();
        return window(keyWindow, cursor.keyOffset(), length);
    }

    @Override
    public int valueSize() {
        return cursor.valueLength();
    }

    @Override
    public ByteBuffer value() {
        int length = cursor.valueLength();
        if (length < 0) {
            return null;
        }
        windowsOnCurrentBuffer();
        return window(valueWindow, cursor.valueOffset(), length);
    }

    @Override
    public int headerCount() {
        return cursor.headerCount();
    }

    @Override
    public String headerKey(int index) {
        int at = cursor.headerKeyOffset(index);
        byte[] bytes = new byte[cursor.headerKeyLength(index)];
        cursor.buffer().get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer headerValue(int index) {
        int at = cursor.headerValueOffset(index);
        int length = cursor.headerValueLength(index);
        if (length < 0) {
            return null;
        }
        windowsOnCurrentBuffer();
        return window(headerWindow, at, length);
    }

    @Override
    public Headers headers() {
        return cursor.headers();
    }

    @Override
    public String toString() {
        return "RecordView[" + topic + "-" + partition + "@" + cursor.offset() + ", key " + cursor.keyLength()
                + " B, value " + cursor.valueLength() + " B, " + cursor.headerCount() + " headers]";
    }
}
