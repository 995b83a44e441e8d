package io.runnel.log.core.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Ways to damage a file, each drawn from a seeded {@link Random} so that a case can be replayed.
 * A damage that cannot apply to a file (flipping a byte of an empty one) appends garbage instead.
 *
 * <p>Thread-safe: stateless.
 */
enum Damage {
    /** One to eight bits flipped, close together (a bad sector) or anywhere. */
    FLIP,
    /** The file cut at a random length (a torn write, a lost tail). */
    TRUNCATE,
    /** A range set to zeros (a hole, a lost page). */
    ZERO_RANGE,
    /** A range overwritten with random bytes. */
    OVERWRITE,
    /** Random bytes, zeros or a copy of the file's own bytes appended. */
    APPEND_GARBAGE;

    /**
     * Applies this damage to a file.
     *
     * @param file the file
     * @param rnd  where the positions and bytes come from
     * @return what was done, for the failure message
     * @throws IOException if the file cannot be changed
     */
    String apply(Path file, Random rnd) throws IOException {
        long size = Files.size(file);
        if (size == 0 && this != APPEND_GARBAGE) {
            return APPEND_GARBAGE.apply(file, rnd);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            switch (this) {
                case FLIP -> {
                    int flips = 1 + rnd.nextInt(8);
                    boolean near = rnd.nextBoolean();
                    long at = rnd.nextLong(size);
                    StringBuilder where = new StringBuilder();
                    for (int i = 0; i < flips; i++) {
                        long pos = near ? Math.min(size - 1, at + rnd.nextInt(16)) : rnd.nextLong(size);
                        f.seek(pos);
                        int b = f.read();
                        f.seek(pos);
                        f.write(b ^ (1 << rnd.nextInt(8)));
                        where.append(i == 0 ? "" : ",").append(pos);
                    }
                    return "flipped " + flips + " bits at " + where;
                }
                case TRUNCATE -> {
                    long length = rnd.nextLong(size);
                    f.setLength(length);
                    return "truncated from " + size + " to " + length + " bytes";
                }
                case ZERO_RANGE, OVERWRITE -> {
                    long pos = rnd.nextLong(size);
                    int len = (int) Math.min(size - pos, rnd.nextBoolean() ? 1 + rnd.nextInt(16) : 1 + rnd.nextInt(512));
                    byte[] bytes = new byte[len];
                    if (this == OVERWRITE) {
                        rnd.nextBytes(bytes);
                    }
                    f.seek(pos);
                    f.write(bytes);
                    return (this == OVERWRITE ? "overwrote " : "zeroed ") + len + " bytes at " + pos;
                }
                case APPEND_GARBAGE -> {
                    int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 600);
                    byte[] bytes = new byte[len];
                    String kind;
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            rnd.nextBytes(bytes);
                            kind = "random";
                        }
                        case 1 -> kind = "zero";
                        default -> {
                            // A copy of the file's own bytes: a stale or repeated record batch.
                            if (size > 0) {
                                long from = rnd.nextLong(size);
                                len = (int) Math.min(len, size - from);
                                bytes = new byte[len];
                                f.seek(from);
                                f.readFully(bytes);
                            }
                            kind = "copied";
                        }
                    }
                    f.seek(size);
                    f.write(bytes);
                    return "appended " + len + " " + kind + " bytes after " + size;
                }
                default -> throw new AssertionError(this);
            }
        }
    }
}
