/**
 * Consumer groups, in process: the coordinator of one log's groups, the two-step handover of
 * partitions between members, the assignors, and the committed offsets.
 *
 * <ul>
 *   <li>{@link io.runnel.log.core.group.GroupCoordinator}: the groups of one log, commits,
 *       reassignment on topic changes, descriptions.</li>
 *   <li>{@link io.runnel.log.core.group.GroupMember}: a consumer's handle on its membership, driven
 *       from its own poll.</li>
 *   <li>{@code Group}: one group's members, target assignment and owners, under one lock.</li>
 *   <li>{@code PartitionAssignor}: range, round-robin and cooperative sticky.</li>
 *   <li>{@link io.runnel.log.core.group.CommittedOffsets} and {@code OffsetCommitDescriptor}: commits
 *       in the internal topic {@code __consumer_offsets}, in Kafka's record schema.</li>
 * </ul>
 *
 * <p>docs/GROUPS.md describes the protocol and the decisions. The package is not exported.
 */
package io.runnel.log.core.group;
