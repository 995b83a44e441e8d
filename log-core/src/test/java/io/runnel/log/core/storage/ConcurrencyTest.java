package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.testing.TestFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appenders and tailing readers at once: dense offsets, valid CRCs, no crash on close. */
class ConcurrencyTest {
    static final TopicPartition TP = new TopicPartition("c", 0);

    @TempDir
    Path dir;

    @Test
    void concurrentAppendersAndTailingReadersSeeDenseValidOffsets() throws Exception {
        int writers = 4;
        int perWriter = 1500;
        long total = (long) writers * perWriter;
        try (PartitionLog log = PartitionLog.open(TP, dir.resolve("c-0"), new LogConfig(64 << 10, Long.MAX_VALUE / 2,
                4096, 1 << 20, 1024), FlushPolicy.always(), Runnable::run, true, 0)) {
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perWriter; i++) {
                            log.appendRecord(i, new byte[] {(byte) id}, ByteBuffer.allocate(4).putInt(i).array(),
                                    Headers.empty());
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            AtomicLong[] seenByReader = new AtomicLong[2];
            for (int r = 0; r < 2; r++) {
                AtomicLong seen = new AtomicLong();
                seenByReader[r] = seen;
                threads.add(new Thread(() -> {
                    RecordBatchView view = new RecordBatchView();
                    RecordCursor cursor = new RecordCursor();
                    int[] lastSeq = new int[writers];
                    java.util.Arrays.fill(lastSeq, -1);
                    try {
                        start.await();
                        long next = 0;
                        while (next < total) {
                            long from = next;
                            next = log.read(next, 1 << 16, true, view, batch -> {
                                cursor.reset(batch);
                                while (cursor.next()) {
                                    if (cursor.offset() < from) {
                                        continue;
                                    }
                                    assertEquals(seen.get(), cursor.offset(), "dense offsets");
                                    byte[] k = cursor.key();
                                    int seq = ByteBuffer.wrap(cursor.value()).getInt();
                                    assertEquals(lastSeq[k[0]] + 1, seq, "per-writer order");
                                    lastSeq[k[0]] = seq;
                                    seen.incrementAndGet();
                                }
                                return true;
                            });
                            if (next == from) {
                                Thread.onSpinWait();
                            }
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(120_000);
                assertTrue(!t.isAlive(), "thread finished");
            }
            assertTrue(errors.isEmpty(), () -> "errors: " + errors);
            assertEquals(total, log.endOffset());
            assertEquals(total, seenByReader[0].get());
            assertEquals(total, seenByReader[1].get());
            assertEquals(total, log.recoveryPoint(), "always: everything acknowledged was flushed");
        }
    }

    @Test
    void readersRacingACloseGetCleanErrorsNeverACrash() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path pdir = dir.resolve("r" + round);
            PartitionLog log = PartitionLog.open(TP, pdir, new LogConfig(16 << 10, Long.MAX_VALUE / 2, 4096, 1 << 20, 512),
                    FlushPolicy.none(), Runnable::run, true, 0);
            for (int i = 0; i < 2000; i++) {
                log.appendRecord(i, null, new byte[64], Headers.empty());
            }
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(new Thread(() -> {
                    RecordBatchView view = new RecordBatchView();
                    RecordCursor cursor = new RecordCursor();
                    long[] sum = new long[1];
                    while (!stop.get()) {
                        try {
                            log.read(0, Integer.MAX_VALUE, true, view, b -> {
                                cursor.reset(b);
                                while (cursor.next()) {
                                    sum[0] += cursor.valueLength();
                                }
                                return true;
                            });
                            reads.incrementAndGet();
                        } catch (LogClosedException | OffsetOutOfRangeException e) {
                            return;
                        } catch (Throwable t) {
                            unexpected.add(t);
                            return;
                        }
                    }
                }));
            }
            readers.forEach(Thread::start);
            while (reads.get() < 2) {
                Thread.onSpinWait();
            }
            if (round % 2 == 0) {
                log.close();
            } else {
                log.closeForDelete();
                TestFiles.deleteRecursively(pdir);
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join(30_000);
            }
            assertTrue(unexpected.isEmpty(), () -> "round unexpected: " + unexpected);
        }
    }

    @Test
    void aSpaceReservationQueuedBehindACloseOrDeleteNeverTouchesTheUnmappedSegment() throws Exception {
        for (int round = 0; round < 4; round++) {
            List<Runnable> queued = new ArrayList<>();
            Path pdir = dir.resolve("q" + round);
            PartitionLog log = PartitionLog.open(TP, pdir, new LogConfig(64 << 20, Long.MAX_VALUE / 2, 4096, 1 << 20, 4096),
                    FlushPolicy.none(), Runnable::run, queued::add, true, 0);
            byte[] value = new byte[1000];
            for (int i = 0; i < 200 && queued.isEmpty(); i++) {
                log.appendRecord(i, null, value, Headers.empty());
            }
            assertTrue(!queued.isEmpty(), "a reservation was handed to the reserver");
            switch (round % 3) {
                case 0 -> log.close();
                case 1 -> log.closeForDelete();
                default -> log.truncateTo(0);
            }
            // The reserver runs late, after the segment was released: it must notice, not crash.
            queued.forEach(Runnable::run);
            if (round % 3 == 2) {
                assertEquals(0, log.endOffset());
                log.close();
            }
        }
    }
}
