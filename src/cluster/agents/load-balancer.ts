/**
 * `loadBalancer` (`cluster/load-balancer`): the seeds' LoadBalancer. Keeps the **placement table** — every
 * node with its status (from the `cluster.membership` topic), what it announced (capabilities, labels,
 * kinds, capacity) and its last load (both sent by the node itself, `cluster.placement.node`), the agents
 * placed on it, and its circuit breaker — and publishes it as its state, read by query (no history).
 *
 * - **Placement off the hot path.** Clients place with the pure library (src/placement) over the table they
 *   read by query, and record the decision with its inputs in the agent they start (`AgentClient`
 *   `startAgent` without a node): no workflow sits on the path of every start. A `jido.call` of type
 *   `cluster.placement.requested` `{ agentId, kind, constraints? }` places here instead, answered
 *   `{ node, strategy, reason, score, seq, tableVersion }` or refused with the reason no node fits; every
 *   such decision is kept with its inputs (the last {@link DECISIONS_KEPT}), so it can be explained and
 *   re-computed (`replayDecision`).
 * - **Circuit breakers** per node, fed by failed node tasks reported to it (`cluster.placement.failed`,
 *   e.g. a migration whose target did not answer) and by a node going down; an open breaker excludes the
 *   node until its cooldown ends (then one trial placement, half-open).
 * - **Resource limits** (`config.resources`, the resource manager's thresholds and quotas,
 *   src/placement/resources.ts): a node over its cpu or memory threshold, or at its agent limit, is not
 *   chosen; when none fits, placement refuses instead of overloading one.
 *
 * Bounded: at most 320 nodes (departed ones forgotten first), {@link DECISIONS_KEPT} decisions within
 * {@link DECISIONS_BUDGET_BYTES}: under the kind's 768 KiB state by construction (a unit test fills it).
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { emit, type Directive } from '../../agent/directives.js';
import { refuse } from '../../errors.js';
import type { JsonValue } from '../../signal/index.js';
import { CLUSTER_IDS, autoRebalanceSchema, placementConfigureSchema, resourceLimitsSchema, memberTransitionSchema, nodeLoadSchema, nodeStatusSchema, placementFailedSchema, placementNodeSchema, placementRequestedSchema, placementSucceededSchema } from '../signals.js';
import { BREAKER_DEFAULTS, currentState, recordFailure, recordSuccess, type BreakerRecord } from '../../placement/breakers.js';
import { place, type PlacementDecision } from '../../placement/place.js';
import { STRATEGIES, type StrategyName } from '../../placement/strategies/index.js';
import { jsonByteLength } from '../../agent/json-size.js';
import { checkQuota } from '../../placement/resources.js';
import type { PlacementNode, PlacementRequest, PlacementTable } from '../../placement/table.js';

export const DECISIONS_KEPT = 50;
/** Bytes of JSON the kept decisions may take (a decision over 64 candidates is tens of KB). */
export const DECISIONS_BUDGET_BYTES = 192 * 1024;
/**
 * Rows kept (departed nodes forgotten first). With rows of at most about 1.6 KB (an announcement is at most
 * 1,400 bytes) and the decisions' budget, the state stays under its 768 KiB.
 */
const MAX_NODES = 320;

const strategyName = z.string().refine((s) => s in STRATEGIES, { message: `a strategy: one of ${Object.keys(STRATEGIES).join(', ')}` });

export const loadBalancerConfigSchema = z.strictObject({
  strategy: strategyName,
  thresholds: z.strictObject({ cpu: z.number().min(0).max(1), memory: z.number().min(0).max(1) }),
  /** The resource manager's cap on agents per node, and quotas (src/placement/resources.ts). */
  maxAgentsPerNode: z.number().int().positive().optional(),
  quotas: resourceLimitsSchema.shape.quotas.optional(),
  /** Off unless set (`cluster.placement.configure`): the load balancer asks for rebalance rounds itself. */
  autoRebalance: autoRebalanceSchema.optional(),
});

const rowSchema = z.strictObject({
  nodeId: z.string(),
  incarnation: z.number(),
  status: nodeStatusSchema,
  capabilities: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  kinds: z.array(z.string()),
  capacity: z.strictObject({ cpus: z.number(), memoryBytes: z.number(), maxAgents: z.number() }),
  load: nodeLoadSchema.extend({ at: z.number() }).optional(),
  agents: z.number().int().nonnegative(),
  agentsByKind: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Whether the node told us what it announced (a row known only from a transition is not placeable). */
  known: z.boolean(),
});

export const loadBalancerStateSchema = z.strictObject({
  config: loadBalancerConfigSchema,
  version: z.number().int().nonnegative(),
  at: z.number(),
  nodes: z.record(z.string(), rowSchema),
  breakers: z.record(z.string(), z.unknown()),
  seq: z.number().int().nonnegative(),
  decisions: z.array(z.unknown()),
  /** JSON bytes of each kept decision (same order). */
  decisionBytes: z.array(z.number().int().nonnegative()).optional(),
  /** When it last asked for a rebalance round (workflow time). */
  lastRebalanceAt: z.number().optional(),
});
export type LoadBalancerState = z.infer<typeof loadBalancerStateSchema>;
type S = LoadBalancerState;

export const LOAD_BALANCER_INITIAL: S = {
  config: { strategy: 'weighted-score', thresholds: { cpu: 0.8, memory: 0.85 } },
  version: 0,
  at: 0,
  nodes: {},
  breakers: {},
  seq: 0,
  decisions: [],
};

/** The placement table a state publishes (what clients read, and what a decision is made from). */
export function placementTable(s: S, now: number): PlacementTable {
  const nodes: PlacementNode[] = [];
  for (const r of Object.values(s.nodes)) {
    if (!r.known) continue;
    const b = s.breakers[r.nodeId] as BreakerRecord | undefined;
    const maxAgents = Math.min(r.capacity.maxAgents, s.config.maxAgentsPerNode ?? Number.POSITIVE_INFINITY);
    const n: PlacementNode = { nodeId: r.nodeId, incarnation: r.incarnation, status: r.status, capabilities: r.capabilities, labels: r.labels, kinds: r.kinds, capacity: { ...r.capacity, maxAgents }, agents: r.agents };
    if (r.agentsByKind !== undefined) n.agentsByKind = r.agentsByKind;
    if (r.load !== undefined) n.load = r.load;
    if (b !== undefined) n.breaker = currentState(b, now, BREAKER_DEFAULTS);
    nodes.push(n);
  }
  nodes.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return { version: s.version, at: s.at, nodes };
}

/** Why one more agent of this request would break a quota, or undefined (usage: the nodes' per-kind counts). */
export function quotaRefusal(s: S, request: PlacementRequest): string | undefined {
  if (s.config.quotas === undefined) return undefined;
  const byKind: Record<string, number> = {};
  for (const r of Object.values(s.nodes)) for (const [k, n] of Object.entries(r.agentsByKind ?? {})) byKind[k] = (byKind[k] ?? 0) + n;
  const verdict = checkQuota({ thresholds: s.config.thresholds, quotas: s.config.quotas }, { byKind, byTenant: {} }, request);
  return verdict.ok ? undefined : verdict.reason;
}

function touch(s: S, nodes: S['nodes'], now: number, extra: Partial<S> = {}): S {
  const ids = Object.keys(nodes);
  if (ids.length > MAX_NODES) {
    for (const id of ids) if (Object.keys(nodes).length > MAX_NODES && (nodes[id]?.status === 'down' || nodes[id]?.status === 'left')) delete nodes[id];
  }
  return { ...s, ...extra, nodes, version: s.version + 1, at: now };
}

/** Largest deviation of an up node's agent count from the mean over the up nodes (0 with fewer than two). */
export function agentImbalance(s: S): number {
  const counts = Object.values(s.nodes).filter((r) => r.known && r.status === 'up').map((r) => r.agents);
  if (counts.length < 2) return 0;
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return mean === 0 ? 0 : Math.max(...counts.map((c) => Math.abs(c - mean) / mean));
}

/** The rebalance trigger: a round asked of the migration manager when the imbalance crosses the threshold, at most once per cooldown. */
function maybeRebalance(s: S, now: number): { state: S; directives: Directive[] } {
  const auto = s.config.autoRebalance;
  if (auto === undefined) return { state: s, directives: [] };
  if (s.lastRebalanceAt !== undefined && now - s.lastRebalanceAt < auto.cooldownMs) return { state: s, directives: [] };
  const dev = agentImbalance(s);
  if (dev <= auto.threshold) return { state: s, directives: [] };
  const data: Record<string, JsonValue> = { reason: `agent counts deviate ${(dev * 100).toFixed(0)} % from the mean (threshold ${(auto.threshold * 100).toFixed(0)} %)` };
  if (auto.planner !== undefined) data.planner = auto.planner;
  return { state: { ...s, lastRebalanceAt: now }, directives: [emit.toAgent(CLUSTER_IDS.migrationManager, { type: 'cluster.rebalance.requested', data })] };
}

const configure = defineAction({
  name: 'configure',
  description: 'Sets the strategy, the resource limits (from the resource manager), or the automatic rebalancing (null turns it off).',
  params: placementConfigureSchema,
  run: (s: S, p, _signal, ctx) => {
    const config = { ...s.config };
    if (p.strategy !== undefined) {
      if (!(p.strategy in STRATEGIES)) throw refuse(`unknown placement strategy "${p.strategy}" (one of ${Object.keys(STRATEGIES).join(', ')})`);
      config.strategy = p.strategy;
    }
    if (p.resources !== undefined) {
      config.thresholds = p.resources.thresholds;
      config.quotas = p.resources.quotas;
      if (p.resources.maxAgentsPerNode === undefined) delete config.maxAgentsPerNode;
      else config.maxAgentsPerNode = p.resources.maxAgentsPerNode;
    }
    if (p.autoRebalance === null) delete config.autoRebalance;
    else if (p.autoRebalance !== undefined) config.autoRebalance = p.autoRebalance;
    return { state: { ...s, config, version: s.version + 1, at: ctx.now }, result: config };
  },
});

const nodeRow = defineAction({
  name: 'node',
  description: 'A node\'s announcement and last load, from the node itself.',
  params: placementNodeSchema,
  run: (s: S, p, signal, ctx) => {
    if (signal.source !== `/node/${p.info.nodeId}`) throw refuse(`a placement row for "${p.info.nodeId}" came from "${signal.source}", not from the node itself`);
    const known = s.nodes[p.info.nodeId];
    if (known !== undefined && known.incarnation > p.info.incarnation) return { state: s };
    if (known === undefined && Object.values(s.nodes).filter((r) => r.status !== 'down' && r.status !== 'left').length >= MAX_NODES) {
      throw refuse(`the placement table holds ${MAX_NODES} live nodes already: "${p.info.nodeId}" not added`);
    }
    const status = known !== undefined && known.incarnation === p.info.incarnation ? known.status : 'joining';
    const row: S['nodes'][string] = {
      nodeId: p.info.nodeId,
      incarnation: p.info.incarnation,
      status,
      capabilities: p.info.capabilities,
      labels: p.info.labels,
      kinds: p.info.kinds,
      capacity: p.info.capacity,
      agents: p.homedAgents ?? (known?.incarnation === p.info.incarnation ? known.agents : (p.load?.hostedAgents ?? 0)),
      known: true,
    };
    if (p.load !== undefined) row.load = p.load;
    const byKind = p.homedByKind ?? (known?.incarnation === p.info.incarnation ? known.agentsByKind : undefined);
    if (byKind !== undefined) row.agentsByKind = byKind;
    return maybeRebalance(touch(s, { ...s.nodes, [row.nodeId]: row }, ctx.now), ctx.now);
  },
});

const member = defineAction({
  name: 'member',
  params: memberTransitionSchema,
  run: (s: S, p, _signal, ctx) => {
    const known = s.nodes[p.nodeId];
    if (known !== undefined && known.incarnation > p.incarnation) return { state: s };
    const row: S['nodes'][string] =
      known !== undefined && known.incarnation === p.incarnation
        ? { ...known, status: p.to }
        : { nodeId: p.nodeId, incarnation: p.incarnation, status: p.to, capabilities: [], labels: {}, kinds: [], capacity: { cpus: 1, memoryBytes: 0, maxAgents: 1 }, agents: 0, known: false };
    const breakers = { ...s.breakers };
    if (p.to === 'down') breakers[p.nodeId] = recordFailure((breakers[p.nodeId] as BreakerRecord | undefined) ?? { state: 'closed', failures: 0 }, ctx.now, BREAKER_DEFAULTS);
    if (p.to === 'joining') delete breakers[p.nodeId];
    return { state: touch(s, { ...s.nodes, [p.nodeId]: row }, ctx.now, { breakers }) };
  },
});

const requested = defineAction({
  name: 'requested',
  description: 'Places one agent: answers the node, the strategy and the reason, or refuses naming why no node fits.',
  params: placementRequestedSchema,
  run: (s: S, p, _signal, ctx) => {
    const table = placementTable(s, ctx.now);
    const request = p.constraints === undefined ? { agentId: p.agentId, kind: p.kind } : { agentId: p.agentId, kind: p.kind, constraints: p.constraints };
    const overQuota = quotaRefusal(s, request);
    if (overQuota !== undefined) throw refuse(`agent "${p.agentId}" not placed: ${overQuota}`);
    const decision = place(table, request, s.config.strategy as StrategyName, { seq: s.seq }, s.config.thresholds);
    if (!decision.ok) throw refuse(decision.reason);
    const row = s.nodes[decision.node];
    const nodes = row === undefined ? s.nodes : { ...s.nodes, [decision.node]: { ...row, agents: row.agents + 1, agentsByKind: { ...row.agentsByKind, [p.kind]: (row.agentsByKind?.[p.kind] ?? 0) + 1 } } };
    // Kept with their inputs: the last 50, within a byte budget (the oldest go first).
    const decisions = [...s.decisions, decision as PlacementDecision];
    const bytes = [...(s.decisionBytes ?? s.decisions.map((d) => jsonByteLength(d) ?? 0)), jsonByteLength(decision) ?? 0];
    let total = bytes.reduce((a, b) => a + b, 0);
    while (decisions.length > 1 && (decisions.length > DECISIONS_KEPT || total > DECISIONS_BUDGET_BYTES)) {
      decisions.shift();
      total -= bytes.shift() ?? 0;
    }
    return {
      state: { ...touch(s, nodes, ctx.now), seq: s.seq + 1, decisions, decisionBytes: bytes },
      result: { node: decision.node, strategy: decision.strategy, reason: decision.reason, score: decision.score, seq: decision.seq, tableVersion: decision.tableVersion },
    };
  },
});

const failed = defineAction({
  name: 'failed',
  description: 'A node task failed (the node did not answer): feeds its circuit breaker.',
  params: placementFailedSchema,
  run: (s: S, p, _signal, ctx) => ({
    state: { ...s, breakers: { ...s.breakers, [p.nodeId]: recordFailure((s.breakers[p.nodeId] as BreakerRecord | undefined) ?? { state: 'closed', failures: 0 }, ctx.now, BREAKER_DEFAULTS) }, version: s.version + 1, at: ctx.now },
  }),
});

const succeeded = defineAction({
  name: 'succeeded',
  params: placementSucceededSchema,
  run: (s: S, p, _signal, ctx) => {
    const b = s.breakers[p.nodeId] as BreakerRecord | undefined;
    if (b === undefined) return { state: s };
    return { state: { ...s, breakers: { ...s.breakers, [p.nodeId]: recordSuccess(b, ctx.now, BREAKER_DEFAULTS) }, version: s.version + 1, at: ctx.now } };
  },
});

export const loadBalancerAgent = defineAgent({
  name: 'loadBalancer',
  description: 'The placement table (nodes, loads, agents, circuit breakers) and placement decisions with their inputs.',
  state: loadBalancerStateSchema,
  initialState: LOAD_BALANCER_INITIAL,
  routes: {
    'cluster.placement.node': nodeRow,
    'cluster.placement.requested': requested,
    'cluster.placement.failed': failed,
    'cluster.placement.succeeded': succeeded,
    'cluster.placement.configure': configure,
    'cluster.member.*': member,
  },
  options: { maxStateBytes: 768 * 1024 },
});
