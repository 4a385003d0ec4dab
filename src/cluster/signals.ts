/**
 * The cluster signal catalogue: every message the cluster's agents exchange, as a Jido signal type under
 * `cluster.*` or `variable.*` with a zod schema for its `data`. One place, so that the agents, the node
 * workers, the README's table (test/unit/readme.test.ts checks it) and a client in any language agree.
 *
 * Each receiving agent routes the type to an action whose `params` is the schema here: a signal that
 * breaks it is dead-lettered by that agent with `INVALID_PARAMS` and the reason, and nothing changes.
 *
 * `status: 'live'` types are sent and handled today; `'reserved'` ones have their schema fixed now and are
 * sent by the capability that the `issue` field names (placement, failover, Cognitive Variables).
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import { z } from 'zod';
import { jsonByteLength } from '../agent/json-size.js';
import { jsonValueSchema } from '../signal/index.js';

// ---- shared parts -----------------------------------------------------------------------------------------

/** A node id: what `NODE_ID` accepts (its activity queue is `node.<id>`). */
export const nodeIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a node id is 1-63 lowercase letters, digits or "-"');
/**
 * A node's incarnation: a positive integer that grows each time a node process (re)joins under the same
 * id (the node's start time in epoch ms, or one more than its last one).
 */
export const incarnationSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const fraction = z.number().min(0).max(1);
const nonNegative = z.number().nonnegative().max(1e12);
const shortText = z.string().min(1).max(256);
const reason = z.string().max(1024);
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, 'a name is a letter then up to 127 letters, digits, "_", ".", ":" or "-"');

/** Statuses of a node in the topology (see src/cluster/membership.ts for the transitions). */
export const NODE_STATUSES = ['joining', 'up', 'suspect', 'quarantined', 'draining', 'down', 'left'] as const;
export const nodeStatusSchema = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeCapacitySchema = z.strictObject({
  /** Logical cores. */
  cpus: z.number().int().positive().max(65_536),
  /** Total memory of the machine, bytes. */
  memoryBytes: nonNegative,
  /** Agents the node is willing to host. */
  maxAgents: z.number().int().positive().max(10_000_000),
});

/** Labels: up to 32 `key: value` pairs (zone, rack, instance type …). */
const labelsSchema = z
  .record(name, z.string().max(256))
  .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels');

/**
 * Largest announcement, in bytes of JSON: the membership keeps one per known node, so this (with
 * `maxNodes` + `retainDeparted` records and the bounded history) is what keeps its state under its
 * `maxStateBytes` by construction. A realistic one is well under half of it.
 */
export const MAX_ANNOUNCEMENT_BYTES = 1_400;

/** What a node says about itself when it joins (seed 004's cluster-aware discovery). */
export const nodeAnnouncementSchema = z.strictObject({
  nodeId: nodeIdSchema,
  incarnation: incarnationSchema,
  /** Free-form capabilities placement can require (`gpu`, `ssd` …). */
  capabilities: z.array(name).max(64),
  labels: labelsSchema,
  /** Agent kinds (workflow types) this node's bundle can run. */
  kinds: z.array(name).max(512),
  /** Activities registered on the node's queue. */
  activities: z.array(name).max(1024),
  capacity: nodeCapacitySchema,
  /** The agent-cluster version the node runs. */
  version: shortText,
  /** Where the node's Prometheus metrics are served (`host:port`), if anywhere. */
  metricsAddress: shortText.optional(),
  /** When the process started (epoch ms, the node's clock). */
  startedAt: epochMs,
}).refine((a) => (jsonByteLength(a) ?? Infinity) <= MAX_ANNOUNCEMENT_BYTES, {
  message: `an announcement is at most ${MAX_ANNOUNCEMENT_BYTES} bytes of JSON (fewer or shorter capabilities, labels, kinds or activities)`,
});
export type NodeAnnouncement = z.infer<typeof nodeAnnouncementSchema>;

/** One load sample of a node. NaN cannot travel in JSON (it arrives as null) and is refused either way. */
export const nodeLoadSchema = z.strictObject({
  /** Machine CPU utilisation over the sampling interval, [0, 1]. */
  cpu: fraction,
  /** Used machine memory, [0, 1]. */
  memory: fraction,
  /** Agents mounted in the node's host. */
  hostedAgents: z.number().int().nonnegative().max(10_000_000),
  /** Mean time from schedule to completion of the node's activities in the interval, ms. */
  activityLatencyMs: nonNegative,
  /** Event-loop delay of the worker process (p99 over the interval), ms. */
  eventLoopLagMs: nonNegative,
});
export type NodeLoad = z.infer<typeof nodeLoadSchema>;

const nodeRef = { nodeId: nodeIdSchema, incarnation: incarnationSchema };

export const loadReportSchema = z.strictObject({ ...nodeRef, load: nodeLoadSchema, at: epochMs });
export type LoadReport = z.infer<typeof loadReportSchema>;

export const nodeLeaveSchema = z.strictObject({ ...nodeRef, reason: reason.optional() });
export const leaseGrantedSchema = z.strictObject({ ...nodeRef, refuted: z.boolean().optional() });
export const leaseReleasedSchema = z.strictObject({ ...nodeRef });
export const leaseExpiredSchema = z.strictObject({ ...nodeRef, reason });
export const FAILURE_CAUSES = ['probe-failed', 'fenced'] as const;
export const nodeFailureSchema = z.strictObject({ ...nodeRef, cause: z.enum(FAILURE_CAUSES), reason });
export const quarantineSchema = z.strictObject({ ...nodeRef, reason });
export const releaseSchema = z.strictObject({ ...nodeRef, reason });
export const topologyQuerySchema = z.strictObject({ nodeId: nodeIdSchema.optional() }).optional();
export const drainSchema = z.strictObject({ nodeId: nodeIdSchema, reason: reason.optional() });

/** A membership transition, as published on the `cluster.membership` topic and kept in the bounded history. */
export const memberTransitionSchema = z.strictObject({
  seq: z.number().int().positive(),
  ...nodeRef,
  from: nodeStatusSchema.nullable(),
  to: nodeStatusSchema,
  reason,
  at: epochMs,
});
export type MemberTransition = z.infer<typeof memberTransitionSchema>;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const healthAlertSchema = z.strictObject({
  ...nodeRef,
  kind: z.enum(['cpu-anomaly', 'memory-anomaly', 'latency-anomaly', 'cpu-limit', 'memory-limit', 'memory-exhaustion-predicted', 'latency-rising', 'recovered']),
  severity: z.enum(SEVERITIES),
  message: reason,
  value: z.number(),
  zScore: z.number().optional(),
  threshold: z.number().optional(),
  predictedInMs: z.number().optional(),
  at: epochMs,
});
export type HealthAlertData = z.infer<typeof healthAlertSchema>;

// ---- reserved: placement, migration, rebalancing, partitions, consensus, variables ---------------------------

const agentIdSchema = z.string().min(1).max(995);
const variableIdSchema = agentIdSchema;
const constraintsSchema = z.strictObject({
  capabilities: z.array(name).max(64).optional(),
  labels: labelsSchema.optional(),
  avoidNodes: z.array(nodeIdSchema).max(256).optional(),
});
const moveSchema = z.strictObject({ agentId: agentIdSchema, from: nodeIdSchema, to: nodeIdSchema });

export const placementRequestedSchema = z.strictObject({ agentId: agentIdSchema, kind: name, constraints: constraintsSchema.optional() });
export const placementNodeSchema = z.strictObject({
  info: nodeAnnouncementSchema,
  load: nodeLoadSchema.extend({ at: epochMs }).optional(),
  /** Running agents homed on the node, in all and per kind (visibility counts). */
  homedAgents: z.number().int().nonnegative().optional(),
  homedByKind: z.record(name, z.number().int().nonnegative()).optional(),
});
export const autoRebalanceSchema = z.strictObject({
  /** A round is asked for when some up node's agent count deviates from the mean by more than this fraction. */
  threshold: z.number().min(0.01).max(10),
  /** At most one round per this long. */
  cooldownMs: z.number().int().min(1_000).max(86_400_000),
  /** Planner overrides for the rounds it asks for. */
  planner: z.record(z.string(), z.number()).optional(),
});
const quotaCounts = z.record(z.string().min(1).max(128), z.number().int().nonnegative()).refine((r) => Object.keys(r).length <= 256, 'at most 256 quotas');
const fraction01 = z.number().min(0).max(1);
/** The resource limits the load balancer applies (what the resource manager hands it). */
export const resourceLimitsSchema = z.strictObject({
  thresholds: z.strictObject({ cpu: fraction01, memory: fraction01 }),
  maxAgentsPerNode: z.number().int().positive().optional(),
  quotas: z.strictObject({ perKind: quotaCounts.optional(), perTenant: quotaCounts.optional() }),
});
export const placementConfigureSchema = z.strictObject({
  strategy: name.optional(),
  resources: resourceLimitsSchema.optional(),
  autoRebalance: autoRebalanceSchema.nullable().optional(),
});
export const resourcesSetSchema = z.strictObject({
  thresholds: z.strictObject({ cpu: z.number().min(0).max(1).optional(), memory: z.number().min(0).max(1).optional() }).optional(),
  maxAgentsPerNode: z.number().int().positive().nullable().optional(),
  quotas: z.strictObject({ perKind: quotaCounts.optional(), perTenant: quotaCounts.optional() }).optional(),
});
export const placementFailedSchema = z.strictObject({ nodeId: nodeIdSchema, reason });
export const placementSucceededSchema = z.strictObject({ nodeId: nodeIdSchema });

export const rebalanceRequestedSchema = z.strictObject({
  reason,
  moves: z.array(moveSchema).max(1000).optional(),
  /** Planner overrides (tolerance, maxMovesPerRound, maxMovesFraction, cooldownMs). */
  planner: z.record(z.string(), z.number()).optional(),
  parallelism: z.number().int().min(1).max(16).optional(),
});
export const rebalanceCompletedSchema = z.strictObject({ rebalanceId: agentIdSchema, moved: z.number().int().nonnegative(), failed: z.number().int().nonnegative() });

export const migrationRequestedSchema = z.strictObject({ agentId: agentIdSchema, node: nodeIdSchema.optional(), reason: reason.optional() });
export const migrationCompletedSchema = z.strictObject({ agentId: agentIdSchema, from: nodeIdSchema, to: nodeIdSchema, epoch: z.number().int().nonnegative() });
export const migrationFailedSchema = z.strictObject({ agentId: agentIdSchema, from: nodeIdSchema, to: nodeIdSchema, step: name, reason });

// ---- the catalogue ------------------------------------------------------------------------------------------

export interface CatalogueEntry {
  readonly schema: z.ZodType;
  readonly description: string;
  /** Who sends it, and who receives it. */
  readonly from: string;
  readonly to: string;
  /** The seed signal patterns it stands for. */
  readonly seed: readonly string[];
  readonly status: 'live' | 'reserved';
  /** For reserved types: the capability that sends it. */
  readonly issue?: string;
}

const live = (e: Omit<CatalogueEntry, 'status'>): CatalogueEntry => ({ ...e, status: 'live' });
const reserved = (issue: string, e: Omit<CatalogueEntry, 'status' | 'issue'>): CatalogueEntry => ({ ...e, status: 'reserved', issue });

const MEMBER = 'cluster/node-discovery';
const HEALTH = 'cluster/health-monitor';
const DETECTOR = 'cluster/failure-detector/<node>/<incarnation>';
const MIGRATION = 'cluster/migration-manager';
const BALANCER = 'cluster/load-balancer';

/** Every `cluster.*` and `variable.*` signal type, with its data schema. */
export const CLUSTER_SIGNALS = {
  'cluster.node.announce': live({
    schema: nodeAnnouncementSchema,
    description: 'a node joins (or rejoins under a new incarnation); a call, answered with the node\'s status and report interval',
    from: 'node worker',
    to: MEMBER,
    seed: ['node_announcement', 'cluster_heartbeat (join)', 'agents_discovered'],
  }),
  'cluster.node.leave': live({
    schema: nodeLeaveSchema,
    description: 'a node leaves gracefully (SIGTERM): a call, before its workers stop',
    from: 'node worker',
    to: MEMBER,
    seed: ['node_announcement (leaving)'],
  }),
  'cluster.node.load': live({
    schema: loadReportSchema,
    description: 'a node\'s load sample; the membership keeps the last one and forwards it to the health monitor',
    from: `node worker (forwarded by ${MEMBER})`,
    to: `${MEMBER}, then ${HEALTH}`,
    seed: ['load_report', 'health_data', 'node_capacity_update'],
  }),
  'cluster.node.drain': live({
    schema: drainSchema,
    description: 'an operator asks that a node get no new agents (status draining)',
    from: 'operator',
    to: MEMBER,
    seed: ['coordinate_cluster_operation (drain)'],
  }),
  'cluster.topology.get': live({
    schema: topologyQuerySchema,
    description: 'a call answered with one node\'s record, or every node and the placeable ones (the `jido.state` query reads the same without a call)',
    from: 'any client or agent',
    to: MEMBER,
    seed: ['discover_nodes', 'health_check_request'],
  }),
  'cluster.lease.granted': live({
    schema: leaseGrantedSchema,
    description: 'the node\'s lease is held: joining → up, or a suspicion refuted (suspect → its status before)',
    from: DETECTOR,
    to: MEMBER,
    seed: ['node_health_change (healthy)'],
  }),
  'cluster.lease.released': live({
    schema: leaseReleasedSchema,
    description: 'the node released its lease (it is leaving): left, even if its own leave call was lost',
    from: DETECTOR,
    to: MEMBER,
    seed: ['node_announcement (leaving)'],
  }),
  'cluster.lease.expired': live({
    schema: leaseExpiredSchema,
    description: 'the lease missed its heartbeat timeout: the node is suspect while a probe confirms',
    from: DETECTOR,
    to: MEMBER,
    seed: ['node_failure_suspected'],
  }),
  'cluster.node.failure': live({
    schema: nodeFailureSchema,
    description: 'the probe confirmed the failure (or the node is fenced by a newer incarnation): down',
    from: DETECTOR,
    to: MEMBER,
    seed: ['node_failure', 'node_failure_detected'],
  }),
  'cluster.health.quarantine': live({
    schema: quarantineSchema,
    description: 'the node\'s health is failing: quarantined (no new agents)',
    from: HEALTH,
    to: MEMBER,
    seed: ['quarantine_node'],
  }),
  'cluster.health.release': live({
    schema: releaseSchema,
    description: 'a quarantined node passed every check for the recovery time: up again',
    from: HEALTH,
    to: MEMBER,
    seed: ['node_health_change (recovered)'],
  }),
  'cluster.health.alert': live({
    schema: healthAlertSchema,
    description: 'an anomaly, a limit crossed, a predicted exhaustion or a recovery, with severity',
    from: HEALTH,
    to: 'topic cluster.health',
    seed: ['health_alert', 'overload_detected', 'perform_health_check (result)'],
  }),
  'cluster.member.joining': live({ schema: memberTransitionSchema, description: 'transition: a node announced itself', from: MEMBER, to: 'topic cluster.membership', seed: ['cluster_topology_update'] }),
  'cluster.member.up': live({ schema: memberTransitionSchema, description: 'transition: lease held, or suspicion refuted, or quarantine released', from: MEMBER, to: 'topic cluster.membership', seed: ['cluster_topology_update', 'node_health_change'] }),
  'cluster.member.suspect': live({ schema: memberTransitionSchema, description: 'transition: lease expired, failure being confirmed', from: MEMBER, to: 'topic cluster.membership', seed: ['node_failure_suspected'] }),
  'cluster.member.quarantined': live({ schema: memberTransitionSchema, description: 'transition: health failing', from: MEMBER, to: 'topic cluster.membership', seed: ['quarantine_node'] }),
  'cluster.member.draining': live({ schema: memberTransitionSchema, description: 'transition: draining on request', from: MEMBER, to: 'topic cluster.membership', seed: ['coordinate_cluster_operation'] }),
  'cluster.member.down': live({ schema: memberTransitionSchema, description: 'transition: failure confirmed', from: MEMBER, to: 'topic cluster.membership', seed: ['node_failure'] }),
  'cluster.member.left': live({ schema: memberTransitionSchema, description: 'transition: graceful leave', from: MEMBER, to: 'topic cluster.membership', seed: ['cluster_topology_update'] }),

  'cluster.placement.requested': live({
    schema: placementRequestedSchema,
    description: 'where should this agent live? (a call: answered `{ node, strategy, reason, score, seq, tableVersion }`, or refused naming why no node fits)',
    from: 'client, saga, operator',
    to: BALANCER,
    seed: ['agent_placement_request', 'distribute_load'],
  }),
  'cluster.placement.decided': reserved('placement (#9)', {
    schema: z.strictObject({ agentId: agentIdSchema, node: nodeIdSchema, strategy: name, score: z.number() }),
    description: 'the chosen node, with the strategy and score that chose it (to a requester that signals rather than calls)',
    from: BALANCER,
    to: 'requester',
    seed: ['agent_placement_request (reply)'],
  }),
  'cluster.placement.node': live({
    schema: placementNodeSchema,
    description: 'a node\'s placement row: what it announced and its last load (at join and with its load reports)',
    from: 'node worker',
    to: BALANCER,
    seed: ['node_capacity_update'],
  }),
  'cluster.placement.failed': live({
    schema: placementFailedSchema,
    description: 'a node did not do a task it was given (feeds its circuit breaker)',
    from: 'migration/<agentId>, operator',
    to: BALANCER,
    seed: ['circuit_breaker_trip'],
  }),
  'cluster.placement.configure': live({
    schema: placementConfigureSchema,
    description: 'set the placement strategy, the resource limits (from the resource manager), or automatic rebalancing (a call: answered with the config)',
    from: 'operator, cluster/resource-manager',
    to: BALANCER,
    seed: ['configure_load_balancing'],
  }),
  'cluster.resources.set': live({
    schema: resourcesSetSchema,
    description: 'change the resource thresholds, the agents-per-node cap or the quotas (a call: answered with the config)',
    from: 'operator',
    to: 'cluster/resource-manager',
    seed: ['resource_allocation_request', 'update_resource_limits'],
  }),
  'cluster.placement.succeeded': live({
    schema: placementSucceededSchema,
    description: 'a node did a task it was given (closes a half-open circuit breaker)',
    from: 'migration/<agentId>',
    to: BALANCER,
    seed: [],
  }),
  'cluster.overload.detected': reserved('rebalancing (#9)', {
    schema: z.strictObject({ ...nodeRef, metric: name, value: z.number(), threshold: z.number(), at: epochMs }),
    description: 'a node is over a resource threshold',
    from: 'cluster/resource-manager',
    to: 'cluster/load-balancer',
    seed: ['overload_detected', 'traffic_surge_detected'],
  }),
  'cluster.rebalance.requested': live({
    schema: rebalanceRequestedSchema,
    description: 'rebalance the cluster, or carry out this plan (a call: answered `{ workflowId }` once the round is started)',
    from: 'operator, cluster/load-balancer',
    to: MIGRATION,
    seed: ['rebalancing_request', 'topology_rebalance'],
  }),
  'cluster.rebalance.completed': live({
    schema: rebalanceCompletedSchema,
    description: 'a rebalance round finished',
    from: 'rebalance/<n>',
    to: MIGRATION,
    seed: ['rebalancing_request (result)'],
  }),
  'cluster.migration.requested': live({
    schema: migrationRequestedSchema,
    description: 'move one agent to `node` (a call: answered `{ workflowId, agentId, to }` once its saga is started, or refused with the reason)',
    from: 'operator, client, cluster/load-balancer',
    to: MIGRATION,
    seed: ['agent_migration_request'],
  }),
  'cluster.migration.completed': live({
    schema: migrationCompletedSchema,
    description: 'the agent is homed on its new node under a new fencing epoch',
    from: 'migration/<agentId>',
    to: MIGRATION,
    seed: ['agent_status_update (migrated)'],
  }),
  'cluster.migration.failed': live({
    schema: migrationFailedSchema,
    description: 'the saga compensated: the agent stays on its source node',
    from: 'migration/<agentId>',
    to: MIGRATION,
    seed: ['agent_status_update (rolled back)'],
  }),
  'cluster.migration.unstarted': live({
    schema: z.strictObject({ workflowId: z.string(), error: z.string() }),
    description: 'a migration saga the manager asked for did not start (one was running under its id already)',
    from: `the runtime, to ${MIGRATION} itself`,
    to: MIGRATION,
    seed: [],
  }),
  'cluster.partition.detected': reserved('partitions (#10)', {
    schema: z.strictObject({ partitionId: agentIdSchema, reachable: z.array(nodeIdSchema).max(1024), unreachable: z.array(nodeIdSchema).max(1024), strategy: z.enum(['quorum_based', 'automatic_recovery', 'manual_intervention', 'graceful_degradation']), at: epochMs }),
    description: 'some nodes cannot reach the server: the strategy that applies',
    from: 'cluster/partition-handler',
    to: 'topic cluster.membership',
    seed: ['network_partition_detected'],
  }),
  'cluster.partition.healed': reserved('partitions (#10)', {
    schema: z.strictObject({ partitionId: agentIdSchema, at: epochMs }),
    description: 'the partitioned nodes rejoined (under new incarnations)',
    from: 'cluster/partition-handler',
    to: 'topic cluster.membership',
    seed: ['network_partition_detected (healed)'],
  }),
  'cluster.consensus.proposed': reserved('operating the cluster (#12)', {
    schema: z.strictObject({ proposalId: agentIdSchema, key: name, value: jsonValueSchema, expectedVersion: z.number().int().nonnegative() }),
    description: 'a versioned compare-and-set of a cluster setting',
    from: 'any agent',
    to: 'cluster/consistency-manager',
    seed: ['consensus_proposal', 'consensus_request'],
  }),
  'cluster.consensus.decided': reserved('operating the cluster (#12)', {
    schema: z.strictObject({ proposalId: agentIdSchema, accepted: z.boolean(), version: z.number().int().nonnegative(), reason: reason.optional() }),
    description: 'the compare-and-set outcome (the single-writer workflow is the vote)',
    from: 'cluster/consistency-manager',
    to: 'proposer',
    seed: ['consensus_vote'],
  }),
  'variable.sync': reserved('Cognitive Variables (#11)', {
    schema: z.strictObject({ variableId: variableIdSchema, value: jsonValueSchema, version: z.number().int().nonnegative() }),
    description: 'a Cognitive Variable\'s current value, pushed to an affected agent',
    from: 'variable agent',
    to: 'affected agents',
    seed: ['variable_sync'],
  }),
  'variable.changed': reserved('Cognitive Variables (#11)', {
    schema: z.strictObject({ variableId: variableIdSchema, previous: jsonValueSchema, value: jsonValueSchema, version: z.number().int().nonnegative(), reason }),
    description: 'a Cognitive Variable adapted or was set',
    from: 'variable agent',
    to: 'topic variable.<id>',
    seed: ['variable_sync (change)'],
  }),
  'variable.conflict': reserved('Cognitive Variables (#11)', {
    schema: z.strictObject({ variableId: variableIdSchema, versions: z.array(z.strictObject({ value: jsonValueSchema, version: z.number().int().nonnegative(), from: shortText })).min(2).max(64), resolution: name.optional() }),
    description: 'concurrent updates of one variable, and how they were resolved',
    from: 'variable agent',
    to: 'topic variable.<id>',
    seed: ['variable_conflict'],
  }),
} as const satisfies Record<string, CatalogueEntry>;

export type ClusterSignalType = keyof typeof CLUSTER_SIGNALS;

/** The data schema of a catalogued type. */
export function dataSchema<T extends ClusterSignalType>(type: T): (typeof CLUSTER_SIGNALS)[T]['schema'] {
  return CLUSTER_SIGNALS[type].schema;
}

/** Source a node worker puts on its signals: `/node/<nodeId>`. The membership refuses a mismatch. */
export function nodeSource(nodeId: string): string {
  return `/node/${nodeId}`;
}

/** Well-known ids of the cluster's agents and topics. */
export const CLUSTER_IDS = {
  nodeDiscovery: MEMBER,
  healthMonitor: HEALTH,
  migrationManager: MIGRATION,
  loadBalancer: BALANCER,
  resourceManager: 'cluster/resource-manager',
  /** The failure detector of one node incarnation. */
  detector: (nodeId: string, incarnation: number): string => `cluster/failure-detector/${nodeId}/${incarnation}`,
  membershipTopic: 'cluster.membership',
  healthTopic: 'cluster.health',
} as const;
