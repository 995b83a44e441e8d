package io.runnel.log.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CorruptLogException;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.StorageException;
import io.runnel.log.TopicConfig;
import io.runnel.log.core.storage.AtomicFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code topic-metadata} file: every topic and its configuration, versioned and
 * checksummed, replaced atomically (tmp, fsync, rename, fsync directory). See docs/FORMAT.md:
 * <pre>
 * runnel-topic-metadata 1
 * topic=orders partitions=3 segment.bytes=1073741824 ... cleanup.policy=delete
 * crc32c=1a2b3c4d
 * </pre>
 * The CRC-32C (8 hex digits) covers every byte before the {@code crc32c=} line.
 *
 * <p>Thread-safety: stateless; the commit log serialises writes.
 */
final class TopicMetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(TopicMetadataStore.class);
    static final String FILE_NAME = "topic-metadata";
    static final String MAGIC = "runnel-topic-metadata";
    static final int VERSION = 1;

    private TopicMetadataStore() {
    }

    static void write(Path dir, Map<String, TopicConfig> topics) {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append(' ').append(VERSION).append('\n');
        for (Map.Entry<String, TopicConfig> e : topics.entrySet()) {
            TopicConfig c = e.getValue();
            sb.append("topic=").append(e.getKey())
              .append(" partitions=").append(c.partitions())
              .append(" segment.bytes=").append(c.segmentBytes())
              .append(" segment.ms=").append(c.segmentMs())
              .append(" segment.index.bytes=").append(c.segmentIndexBytes())
              .append(" retention.ms=").append(c.retentionMs())
              .append(" retention.bytes=").append(c.retentionBytes())
              .append(" cleanup.policy=").append(policies(c))
              .append(" max.message.bytes=").append(c.maxMessageBytes())
              .append(" index.interval.bytes=").append(c.indexIntervalBytes())
              .append(" delete.retention.ms=").append(c.deleteRetentionMs())
              .append(" min.compaction.lag.ms=").append(c.minCompactionLagMs())
              .append(" min.cleanable.dirty.ratio=").append(c.minCleanableDirtyRatio())
              .append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        String crcLine = "crc32c=" + String.format("%08x", crc(body, body.length)) + "\n";
        byte[] crcBytes = crcLine.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + crcBytes.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(crcBytes, 0, all, body.length, crcBytes.length);
        Path file = dir.resolve(FILE_NAME);
        try {
            AtomicFiles.write(file, all);
        } catch (IOException e) {
            throw new StorageException("cannot write topic metadata " + file + ": " + e.getMessage(), e);
        }
    }

    private static String policies(TopicConfig c) {
        List<String> names = new ArrayList<>();
        for (CleanupPolicy p : c.cleanupPolicy()) {
            names.add(p.configName());
        }
        return String.join(",", names);
    }

    /**
     * Reads the topics; a missing file means none.
     *
     * @throws CorruptLogException when the file is damaged (names file and byte position)
     */
    static Map<String, TopicConfig> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new StorageException("cannot read topic metadata " + file + ": " + e.getMessage(), e);
        }
        int crcLineStart = lastLineStart(all);
        String crcLine = new String(all, crcLineStart, all.length - crcLineStart, StandardCharsets.UTF_8).trim();
        if (!crcLine.startsWith("crc32c=")) {
            throw new CorruptLogException(file, crcLineStart, "the checksum line is missing (torn or truncated file)");
        }
        long stored;
        try {
            stored = Long.parseLong(crcLine.substring(7), 16);
        } catch (NumberFormatException e) {
            throw new CorruptLogException(file, crcLineStart, "bad checksum line '" + crcLine + "'");
        }
        long actual = crc(all, crcLineStart);
        if (stored != actual) {
            throw new CorruptLogException(file, 0, String.format("checksum mismatch: stored %08x, computed %08x", stored, actual));
        }
        String text = new String(all, 0, crcLineStart, StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        int pos = 0;
        String[] header = lines[0].split(" ");
        if (header.length != 2 || !header[0].equals(MAGIC)) {
            throw new CorruptLogException(file, 0, "not a Runnel topic metadata file");
        }
        int version;
        try {
            version = Integer.parseInt(header[1]);
        } catch (NumberFormatException e) {
            throw new CorruptLogException(file, 0, "bad version '" + header[1] + "'");
        }
        if (version != VERSION) {
            throw new CorruptLogException(file, 0, "version " + version + " is not supported (this Runnel reads "
                    + VERSION + "; was it written by a newer one?)");
        }
        pos += lines[0].length() + 1;
        Map<String, TopicConfig> topics = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (!line.isEmpty()) {
                parseTopic(file, pos, line, topics);
            }
            pos += line.length() + 1;
        }
        return topics;
    }

    private static void parseTopic(Path file, int pos, String line, Map<String, TopicConfig> topics) {
        String name = null;
        TopicConfig.Builder b = TopicConfig.builder();
        try {
            for (String field : line.split(" ")) {
                int eq = field.indexOf('=');
                if (eq <= 0) {
                    throw new CorruptLogException(file, pos, "bad field '" + field + "'");
                }
                String key = field.substring(0, eq);
                String value = field.substring(eq + 1);
                switch (key) {
                    case "topic" -> name = value;
                    case "partitions" -> b.partitions(Integer.parseInt(value));
                    case "segment.bytes" -> b.segmentBytes(Integer.parseInt(value));
                    case "segment.ms" -> b.segmentMs(Long.parseLong(value));
                    case "segment.index.bytes" -> b.segmentIndexBytes(Integer.parseInt(value));
                    case "retention.ms" -> b.retentionMs(Long.parseLong(value));
                    case "retention.bytes" -> b.retentionBytes(Long.parseLong(value));
                    case "cleanup.policy" -> b.cleanupPolicy(parsePolicies(file, pos, value));
                    case "max.message.bytes" -> b.maxMessageBytes(Integer.parseInt(value));
                    case "index.interval.bytes" -> b.indexIntervalBytes(Integer.parseInt(value));
                    case "delete.retention.ms" -> b.deleteRetentionMs(Long.parseLong(value));
                    case "min.compaction.lag.ms" -> b.minCompactionLagMs(Long.parseLong(value));
                    case "min.cleanable.dirty.ratio" -> b.minCleanableDirtyRatio(Double.parseDouble(value));
                    default -> LOG.warn("{}: ignoring unknown setting '{}' of topic {}", file, key, name);
                }
            }
            if (name == null) {
                throw new CorruptLogException(file, pos, "a topic line without a name");
            }
            TopicNames.validate(name, true);
            topics.put(name, b.build());
        } catch (NumberFormatException | InvalidConfigException | io.runnel.log.InvalidTopicException e) {
            throw new CorruptLogException(file, pos, "bad topic line: " + e.getMessage(), e);
        }
    }

    private static CleanupPolicy[] parsePolicies(Path file, int pos, String value) {
        String[] names = value.split(",");
        CleanupPolicy[] out = new CleanupPolicy[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = switch (names[i]) {
                case "delete" -> CleanupPolicy.DELETE;
                case "compact" -> CleanupPolicy.COMPACT;
                default -> throw new CorruptLogException(file, pos, "unknown cleanup.policy '" + names[i] + "'");
            };
        }
        return out;
    }

    private static int lastLineStart(byte[] all) {
        int end = all.length;
        if (end > 0 && all[end - 1] == '\n') {
            end--;
        }
        for (int i = end - 1; i >= 0; i--) {
            if (all[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return c.getValue();
    }
}
