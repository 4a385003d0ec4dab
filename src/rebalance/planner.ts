/**
 * The rebalance planner: which agents to move where so that every eligible node carries its share (within
 * `tolerance` of the mean), in as few moves as possible, inside the round's limits. Pure.
 *
 * - **Eligible targets**: `up`, breaker not open, under the resource thresholds, able to run the agent's
 *   kind and meet its constraints. Nodes `quarantined` or `draining` are **evacuated** first (their share is
 *   zero). Agents on nodes that are down, suspect, left or unknown are failover's, not this planner's.
 * - **Never** an agent twice in a round, a `pinned` agent, or one moved less than `cooldownMs` ago.
 * - **Minimal**: with unit weights each move takes one agent from the most loaded node to the least loaded
 *   one while either is outside the band `[⌊mean·(1−tolerance)⌋, ⌈mean·(1+tolerance)⌉]`, so the number of
 *   moves is {@link minimumMoves} (the larger of the total excess above the band and the total deficit
 *   below it, plus the evacuations) unless constraints or limits get in the way.
 * - **Limits per round**: at most `maxMovesPerRound` moves and `maxMovesFraction` of the agents (Akka moves
 *   10 % of shards, 20 at a time, per round); `limitedBy` says which one stopped it.
 *
 * @module
 */
import { z } from 'zod';
import { DEFAULT_THRESHOLDS, exclusion } from '../placement/constraints.js';
import type { PlacementConstraints, PlacementNode } from '../placement/table.js';

export const plannerConfigSchema = z.strictObject({
  tolerance: z.number().min(0).max(1),
  maxMovesPerRound: z.number().int().min(0).max(1_000),
  maxMovesFraction: z.number().min(0).max(1),
  cooldownMs: z.number().int().nonnegative(),
  thresholds: z.strictObject({ cpu: z.number(), memory: z.number() }),
});
export type PlannerConfig = z.infer<typeof plannerConfigSchema>;

export const PLANNER_DEFAULTS: PlannerConfig = { tolerance: 0.1, maxMovesPerRound: 100, maxMovesFraction: 0.1, cooldownMs: 60_000, thresholds: { ...DEFAULT_THRESHOLDS } };

export interface PlannerAgent {
  agentId: string;
  node: string;
  kind: string;
  /** Default 1. */
  weight?: number;
  constraints?: PlacementConstraints;
  lastMovedAt?: number;
  pinned?: boolean;
}

export interface PlannedMove {
  agentId: string;
  from: string;
  to: string;
  reason: string;
}

export interface Imbalance {
  /** Mean load (agent weight) over the eligible nodes. */
  mean: number;
  max: number;
  min: number;
  /** Largest |load − mean| / mean over the eligible nodes (0 when the mean is 0). */
  maxDeviation: number;
  /** Agents on nodes being evacuated. */
  evacuating: number;
}

export interface Plan {
  moves: PlannedMove[];
  before: Imbalance;
  after: Imbalance;
  skipped: Array<{ agentId: string; reason: string }>;
  limitedBy?: 'maxMovesPerRound' | 'maxMovesFraction' | 'constraints';
  /** Why nothing is planned, when nothing is. */
  reason?: string;
}

export interface PlannerInput {
  nodes: readonly PlacementNode[];
  agents: readonly PlannerAgent[];
  config?: Partial<PlannerConfig>;
  now: number;
}

const EVACUATE = new Set(['quarantined', 'draining']);
const weightOf = (a: PlannerAgent): number => a.weight ?? 1;

function targetsOf(nodes: readonly PlacementNode[], cfg: PlannerConfig): PlacementNode[] {
  return nodes.filter((n) => n.status === 'up' && n.breaker !== 'open' && !(n.load !== undefined && (n.load.cpu > cfg.thresholds.cpu || n.load.memory > cfg.thresholds.memory)));
}

function loads(nodes: readonly PlacementNode[], agents: readonly PlannerAgent[]): Record<string, number> {
  const load: Record<string, number> = {};
  for (const n of nodes) load[n.nodeId] = 0;
  for (const a of agents) if (a.node in load) load[a.node] = (load[a.node] ?? 0) + weightOf(a);
  return load;
}

function summarise(load: Record<string, number>, targets: readonly string[], evacuating: number): Imbalance {
  const vals = targets.map((t) => load[t] ?? 0);
  const total = vals.reduce((a, b) => a + b, 0) + evacuating;
  const mean = targets.length === 0 ? 0 : total / targets.length;
  const max = vals.length === 0 ? 0 : Math.max(...vals);
  const min = vals.length === 0 ? 0 : Math.min(...vals);
  const maxDeviation = mean === 0 ? 0 : Math.max(0, ...vals.map((v) => Math.abs(v - mean) / mean));
  return { mean, max, min, maxDeviation, evacuating };
}

/** The load balance of a cluster as the planner sees it. */
export function imbalance(nodes: readonly PlacementNode[], agents: readonly PlannerAgent[], config: Partial<PlannerConfig> = {}): Imbalance {
  const cfg = { ...PLANNER_DEFAULTS, ...config };
  const targets = targetsOf(nodes, cfg).map((n) => n.nodeId);
  const evac = new Set(nodes.filter((n) => EVACUATE.has(n.status)).map((n) => n.nodeId));
  const evacuating = agents.filter((a) => evac.has(a.node)).reduce((s, a) => s + weightOf(a), 0);
  return summarise(loads(nodes, agents), targets, evacuating);
}

/** The load balancer's trigger: some node deviates from the mean by more than `threshold`, or a node is being evacuated. */
export function shouldRebalance(nodes: readonly PlacementNode[], agents: readonly PlannerAgent[], threshold: number): boolean {
  const i = imbalance(nodes, agents);
  return i.evacuating > 0 || i.maxDeviation > threshold;
}

function band(mean: number, tolerance: number): { low: number; high: number } {
  return { low: Math.floor(mean * (1 - tolerance)), high: Math.ceil(mean * (1 + tolerance)) };
}

/** The fewest moves (unit weights, no constraints, no limits) that bring every eligible node into the band. */
export function minimumMoves(input: PlannerInput): number {
  const cfg = { ...PLANNER_DEFAULTS, ...input.config };
  const targets = targetsOf(input.nodes, cfg).map((n) => n.nodeId);
  if (targets.length === 0) return 0;
  const evac = new Set(input.nodes.filter((n) => EVACUATE.has(n.status)).map((n) => n.nodeId));
  const load = loads(input.nodes, input.agents);
  const evacuating = input.agents.filter((a) => evac.has(a.node)).length;
  const total = targets.reduce((s, t) => s + (load[t] ?? 0), 0) + evacuating;
  const { low, high } = band(total / targets.length, cfg.tolerance);
  let excess = 0;
  let deficit = 0;
  for (const t of targets) {
    excess += Math.max(0, (load[t] ?? 0) - high);
    deficit += Math.max(0, low - (load[t] ?? 0));
  }
  return evacuating + Math.max(excess, Math.max(0, deficit - evacuating));
}

export function planRebalance(input: PlannerInput): Plan {
  const cfg = { ...PLANNER_DEFAULTS, ...input.config };
  const targetNodes = targetsOf(input.nodes, cfg);
  const targets = targetNodes.map((n) => n.nodeId);
  const byId = new Map(input.nodes.map((n) => [n.nodeId, n]));
  const evac = new Set(input.nodes.filter((n) => EVACUATE.has(n.status)).map((n) => n.nodeId));
  const load = loads(input.nodes, input.agents);
  const before = imbalance(input.nodes, input.agents, cfg);
  const empty = (reason: string): Plan => ({ moves: [], before, after: before, skipped: [], reason });
  if (input.nodes.length === 0) return empty('the cluster has no nodes');
  if (targets.length === 0) return empty('no node can take agents (none is up, under its thresholds, with its breaker closed)');

  const skipped: Plan['skipped'] = [];
  const movable = (a: PlannerAgent): boolean => {
    if (a.pinned) return false;
    if (a.lastMovedAt !== undefined && input.now - a.lastMovedAt < cfg.cooldownMs) {
      skipped.push({ agentId: a.agentId, reason: `moved ${input.now - a.lastMovedAt} ms ago (cooldown ${cfg.cooldownMs} ms)` });
      return false;
    }
    return true;
  };
  // Agents per node that may move, in a stable order (by id).
  const pool: Record<string, PlannerAgent[]> = {};
  for (const a of [...input.agents].sort((x, y) => (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0))) {
    if (!(targets.includes(a.node) || evac.has(a.node))) continue;
    if (!movable(a)) continue;
    (pool[a.node] ??= []).push(a);
  }
  const limit = Math.min(cfg.maxMovesPerRound, Math.floor(cfg.maxMovesFraction * input.agents.length));
  const moves: PlannedMove[] = [];
  let limitedBy: Plan['limitedBy'];
  const fits = (a: PlannerAgent, to: string): boolean => {
    const n = byId.get(to);
    return n !== undefined && exclusion({ ...n, agents: 0 }, { agentId: a.agentId, kind: a.kind, ...(a.constraints !== undefined ? { constraints: a.constraints } : {}) }, cfg.thresholds) === undefined;
  };
  const room = (): boolean => {
    if (moves.length < limit) return true;
    limitedBy = limit === cfg.maxMovesPerRound ? 'maxMovesPerRound' : 'maxMovesFraction';
    return false;
  };
  /** Moves one agent from `from` to the least loaded target it fits; false when none of its agents fits anywhere. */
  const moveOne = (from: string, why: string, cap?: number): boolean => {
    const order = [...targets].filter((t) => t !== from).sort((x, y) => (load[x] ?? 0) - (load[y] ?? 0) || (x < y ? -1 : 1));
    const agents = pool[from] ?? [];
    for (let i = 0; i < agents.length; i++) {
      const a = agents[i] as PlannerAgent;
      const to = order.find((t) => fits(a, t) && (cap === undefined || (load[t] ?? 0) + weightOf(a) <= cap));
      if (to === undefined) continue;
      agents.splice(i, 1);
      load[from] = (load[from] ?? 0) - weightOf(a);
      load[to] = (load[to] ?? 0) + weightOf(a);
      moves.push({ agentId: a.agentId, from, to, reason: why });
      return true;
    }
    return false;
  };

  // 1. Evacuate quarantined and draining nodes.
  for (const n of [...evac].sort()) {
    while ((pool[n]?.length ?? 0) > 0 && room()) {
      if (!moveOne(n, `node ${n} is ${byId.get(n)?.status}`)) {
        limitedBy = 'constraints';
        for (const a of pool[n] ?? []) skipped.push({ agentId: a.agentId, reason: `no eligible node meets its kind and constraints` });
        pool[n] = [];
      }
    }
  }
  // 2. Even out: most loaded → least loaded while either is outside the band.
  const evacuating = [...evac].reduce((s, n) => s + (pool[n]?.length ?? 0), 0);
  const total = targets.reduce((s, t) => s + (load[t] ?? 0), 0) + evacuating;
  const { low, high } = band(total / targets.length, cfg.tolerance);
  const stuck = new Set<string>();
  while (room()) {
    const sorted = targets.filter((t) => !stuck.has(t)).sort((x, y) => (load[y] ?? 0) - (load[x] ?? 0) || (x < y ? -1 : 1));
    const hi = sorted[0];
    const lo = [...targets].sort((x, y) => (load[x] ?? 0) - (load[y] ?? 0) || (x < y ? -1 : 1))[0];
    if (hi === undefined || lo === undefined) break;
    const hiLoad = load[hi] ?? 0;
    const loLoad = load[lo] ?? 0;
    if (!(hiLoad > high || loLoad < low)) break; // everyone is in the band
    if (hiLoad - loLoad <= 1) break; // no move can help
    // Never push a target over the band's top (or past the source's load).
    if (!moveOne(hi, `node ${hi} carries ${hiLoad}, above the band ${low}–${high}`, Math.min(high, hiLoad - 1))) {
      stuck.add(hi);
      limitedBy ??= 'constraints';
      if (stuck.size === targets.length) break;
    }
  }
  const remaining = input.agents.map((a) => {
    const m = moves.find((x) => x.agentId === a.agentId);
    return m === undefined ? a : { ...a, node: m.to };
  });
  return { moves, before, after: imbalance(input.nodes, remaining, cfg), skipped, ...(limitedBy !== undefined && moves.length > 0 ? { limitedBy } : {}), ...(moves.length === 0 ? { reason: limitedBy === undefined ? 'balanced: every node is within the band' : `nothing can move (${limitedBy})` } : {}) };
}
