package io.runnel.log;

/**
 * What a maintenance pass ({@link CommitLog#runMaintenance()}) did.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param segmentsDeleted   segments deleted by retention ({@code retention.ms}, {@code retention.bytes})
 * @param bytesDeleted      their bytes
 * @param partitionsCleaned partitions of compacted topics that were cleaned
 * @param bytesCleaned      the bytes of the segments compaction read and rewrote
 * @param bytesAfterCleaning the bytes of the cleaned segments that replaced them
 */
public record MaintenanceResult(int segmentsDeleted, long bytesDeleted, int partitionsCleaned, long bytesCleaned,
                                long bytesAfterCleaning) {
    /** Nothing done. */
    public static final MaintenanceResult NONE = new MaintenanceResult(0, 0, 0, 0, 0);

    /**
     * The sum of two results.
     *
     * @param other another result
     * @return the sum
     */
    public MaintenanceResult plus(MaintenanceResult other) {
        return new MaintenanceResult(segmentsDeleted + other.segmentsDeleted, bytesDeleted + other.bytesDeleted,
                partitionsCleaned + other.partitionsCleaned, bytesCleaned + other.bytesCleaned,
                bytesAfterCleaning + other.bytesAfterCleaning);
    }
}
