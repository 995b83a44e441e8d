/**
 * Runnel's public API: an embeddable, Kafka-compatible partitioned commit log.
 *
 * <p>Start with {@link io.runnel.log.CommitLog#open(java.nio.file.Path)} or
 * {@link io.runnel.log.CommitLog#builder(java.nio.file.Path)}; the implementation, the
 * {@code io.runnel:log-core} dependency, is found through {@link io.runnel.log.spi.CommitLogProvider}.
 * A {@link io.runnel.log.CommitLog} holds {@link io.runnel.log.Topic}s of
 * {@link io.runnel.log.Partition}s; a {@link io.runnel.log.Producer} appends
 * {@link io.runnel.log.ProducerRecord}s and a {@link io.runnel.log.Consumer} polls
 * {@link io.runnel.log.ConsumerRecords}, alone or in a consumer group, turning keys and values
 * into bytes with a {@link io.runnel.log.Serde}. An event-sourced service rebuilds its state on
 * startup with {@link io.runnel.log.CommitLog#replay(String, io.runnel.log.Serde, io.runnel.log.Serde,
 * io.runnel.log.ReplayHandler) replay}, or without copying or allocating per record with
 * {@link io.runnel.log.CommitLog#replayViews(String, io.runnel.log.RecordViewHandler) replayViews}.
 *
 * <p>Names, units, defaults and behaviour follow Apache Kafka's wherever Kafka has them:
 * {@link io.runnel.log.TopicConfig}, {@link io.runnel.log.ProducerConfig} and
 * {@link io.runnel.log.ConsumerConfig} name each setting as Kafka's configuration in camel case.
 *
 * <p>Threads: the log, its topics and partitions, and producers are thread-safe; a consumer
 * belongs to one thread, except {@link io.runnel.log.Consumer#wakeup()}; configurations, records
 * and exceptions are immutable; builders are not thread-safe. Every type says which in its
 * documentation.
 *
 * <p>Every exception is unchecked and extends {@link io.runnel.log.LogException}; each names what
 * went wrong and where.
 */
package io.runnel.log;
