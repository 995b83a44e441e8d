/**
 * Runnel's public API: an embeddable, Kafka-compatible partitioned commit log.
 *
 * <p>Start with {@code CommitLog.open(Path)}. Every exception is
 * unchecked and extends {@link io.runnel.log.LogException}.
 */
package io.runnel.log;
