package io.runnel.log.core.client;

import java.security.SecureRandom;

/**
 * Producer ids: random non-negative 63-bit numbers from {@link SecureRandom}. Kafka's brokers
 * hand out ids from a counter; Runnel has no broker and keeps no counter on disk, and the
 * duplicate detection of a partition ({@code ProducerStateTable}) only needs an id that no other
 * producer of the same log ever had. With {@code n} producers ever created on a log, two share an
 * id with probability about {@code n² / 2^64}: 5 × 10^-8 for a million.
 *
 * <p>Thread-safe: {@link SecureRandom} is.
 */
final class ProducerIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProducerIds() {
    }

    /**
     * A new producer id.
     *
     * @return a random id from 0 to {@link Long#MAX_VALUE}
     */
    static long next() {
        return RANDOM.nextLong() & Long.MAX_VALUE;
    }
}
