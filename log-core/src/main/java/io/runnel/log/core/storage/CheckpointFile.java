package io.runnel.log.core.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.CorruptLogException;
import io.runnel.log.StorageException;

/**
 * Kafka's text checkpoint format, shared by {@code recovery-point-offset-checkpoint} and
 * {@code leader-epoch-checkpoint}:
 * <pre>
 * 0                      version
 * 2                      number of entries
 * orders 0 1234          one entry a line, fields separated by one space
 * orders 1 987
 * </pre>
 * Written atomically ({@link AtomicFiles}).
 *
 * <p>Thread-safety: stateless; callers serialise writes to the same file.
 */
public final class CheckpointFile {
    /** The only version Kafka (and Runnel) writes. */
    public static final int VERSION = 0;

    private CheckpointFile() {
    }

    /**
     * Writes the entries, each a list of space-free fields.
     *
     * @param file    the checkpoint file
     * @param entries one array of fields per line
     */
    public static void write(Path file, List<String[]> entries) {
        write(file, entries, true);
    }

    /**
     * Writes the entries, durably (fsync) or not.
     *
     * @param file    the checkpoint file
     * @param entries one array of fields per line
     * @param durable whether to fsync
     */
    public static void write(Path file, List<String[]> entries, boolean durable) {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String[] fields : entries) {
            sb.append(String.join(" ", fields)).append('\n');
        }
        try {
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), durable);
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the entries; an absent file reads as null.
     *
     * @param file   the checkpoint file
     * @param fields the number of fields each line must have
     * @return the entries, or null when the file does not exist
     * @throws CorruptLogException when the file is not in the format (names the file and line)
     */
    public static List<String[]> read(Path file, int fields) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CorruptLogException(file, 0, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new StorageException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (lines.size() < 2) {
            throw new CorruptLogException(file, 0, "expected a version and a count line, found " + lines.size() + " lines");
        }
        if (!lines.get(0).trim().equals(Integer.toString(VERSION))) {
            throw new CorruptLogException(file, 0, "unsupported version '" + lines.get(0) + "', expected " + VERSION);
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new CorruptLogException(file, 1, "bad entry count '" + lines.get(1) + "'");
        }
        if (count < 0 || lines.size() - 2 < count) {
            throw new CorruptLogException(file, 1, "count " + count + " but " + (lines.size() - 2) + " entry lines");
        }
        List<String[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String[] parts = lines.get(2 + i).split(" ", -1);
            if (parts.length != fields) {
                throw new CorruptLogException(file, 2 + i, "expected " + fields + " fields on line " + (3 + i)
                        + ", found '" + lines.get(2 + i) + "'");
            }
            out.add(parts);
        }
        for (int i = 2 + count; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                throw new CorruptLogException(file, i, "unexpected line " + (i + 1) + " after " + count + " entries");
            }
        }
        return out;
    }

    /**
     * Reads a {@code topic partition offset} checkpoint (recovery points, log start offsets,
     * cleaner offsets); an absent file reads as empty.
     *
     * @param file the checkpoint file
     * @return per partition, its offset
     * @throws CorruptLogException when the file is not in the format (names the file and line)
     */
    public static java.util.Map<io.runnel.log.TopicPartition, Long> readPartitionOffsets(Path file) {
        java.util.Map<io.runnel.log.TopicPartition, Long> out = new java.util.HashMap<>();
        List<String[]> entries = read(file, 3);
        if (entries != null) {
            int line = 2;
            for (String[] e : entries) {
                int partition = (int) parseOffset(file, line, e[1]);
                out.put(new io.runnel.log.TopicPartition(e[0], partition), parseOffset(file, line, e[2]));
                line++;
            }
        }
        return out;
    }

    /**
     * Writes a {@code topic partition offset} checkpoint, durably.
     *
     * @param file    the checkpoint file
     * @param offsets per partition, its offset
     */
    public static void writePartitionOffsets(Path file, java.util.Map<io.runnel.log.TopicPartition, Long> offsets) {
        List<String[]> lines = new ArrayList<>(offsets.size());
        for (java.util.Map.Entry<io.runnel.log.TopicPartition, Long> e : offsets.entrySet()) {
            lines.add(new String[] {e.getKey().topic(), Integer.toString(e.getKey().partition()),
                    Long.toString(e.getValue())});
        }
        write(file, lines);
    }

    /**
     * Parses a non-negative long field.
     *
     * @param file  the file, for the error
     * @param line  the line index, for the error
     * @param value the field
     * @return the value
     */
    public static long parseOffset(Path file, int line, String value) {
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new CorruptLogException(file, line, "negative offset " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new CorruptLogException(file, line, "bad number '" + value + "'");
        }
    }
}
