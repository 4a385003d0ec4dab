/**
 * One placement decision: constraints first (./constraints.ts), then the strategy over what is left. A
 * decision records its inputs — the strategy, the decision counter, the table version, the candidate rows
 * it saw (only the fields strategies read) and the excluded nodes with their reasons — so it can be
 * explained later and re-computed from them ({@link replayDecision}).
 *
 * Bounded: at most {@link RECORDED_CANDIDATES} candidate rows are recorded. With more candidates the
 * recorded ones are the best-scored, the chosen one among them: strategies that take the best score
 * (least connections, capacity-, latency-aware, weighted score) replay exactly on them; the order- and
 * hash-based ones (round robin, weighted round robin, consistent hashing, power of k) depend on the whole
 * set and are marked `complete: false` (replayable only from the full table). Pure.
 *
 * @module
 */
import { eligibleNodes, type Exclusion, type ResourceLimits } from './constraints.js';
import { isStrategyName, STRATEGIES, type StrategyName } from './strategies/index.js';
import type { PlacementNode, PlacementRequest, PlacementTable } from './table.js';

export const RECORDED_CANDIDATES = 64;
const RECORDED_EXCLUSIONS = 32;

/** A candidate as recorded: what the strategies read (kinds and labels only decide eligibility: not kept). */
export type RecordedCandidate = Pick<PlacementNode, 'nodeId' | 'incarnation' | 'status' | 'capabilities' | 'capacity' | 'agents'> & Partial<Pick<PlacementNode, 'load' | 'network'>>;

export interface PlacementDecision {
  ok: true;
  agentId: string;
  kind: string;
  node: string;
  strategy: StrategyName;
  reason: string;
  score: number;
  scores: Record<string, number>;
  seq: number;
  tableVersion: number;
  request: PlacementRequest;
  candidates: RecordedCandidate[];
  /** Whether every candidate is recorded (see the module comment). */
  complete: boolean;
  excluded: Exclusion[];
}

export interface PlacementRefusal {
  ok: false;
  agentId: string;
  kind: string;
  reason: string;
  excluded: Exclusion[];
}

function record(n: PlacementNode): RecordedCandidate {
  const r: RecordedCandidate = { nodeId: n.nodeId, incarnation: n.incarnation, status: n.status, capabilities: n.capabilities, capacity: n.capacity, agents: n.agents };
  if (n.load !== undefined) r.load = n.load;
  if (n.network !== undefined) r.network = n.network;
  return r;
}

const BEST_OF: ReadonlySet<StrategyName> = new Set<StrategyName>(['least-connections', 'capacity-aware', 'latency-aware', 'weighted-score']);
const LOWER_WINS: ReadonlySet<StrategyName> = new Set<StrategyName>(['least-connections', 'latency-aware']);

/** Places one agent, or refuses naming why no node fits. */
export function place(table: PlacementTable, request: PlacementRequest, strategy: string, ctx: { seq: number }, limits?: ResourceLimits): PlacementDecision | PlacementRefusal {
  const refusal = (reason: string, excluded: Exclusion[] = []): PlacementRefusal => ({ ok: false, agentId: request.agentId, kind: request.kind, reason, excluded: excluded.slice(0, RECORDED_EXCLUSIONS) });
  if (!isStrategyName(strategy)) return refusal(`unknown placement strategy "${strategy}" (one of ${Object.keys(STRATEGIES).join(', ')})`);
  if (table.nodes.length === 0) return refusal(`no nodes in the cluster to place agent "${request.agentId}" on`);
  const { candidates, excluded } = eligibleNodes(table.nodes, request, limits);
  if (candidates.length === 0) {
    const why = excluded.slice(0, 8).map((e) => `${e.nodeId} ${e.reason}`).join('; ');
    return refusal(`no node can take agent "${request.agentId}" of kind "${request.kind}": ${why}${excluded.length > 8 ? `; and ${excluded.length - 8} more` : ''}`, excluded);
  }
  const choice = STRATEGIES[strategy](candidates, request, ctx);
  let kept = candidates;
  const complete = candidates.length <= RECORDED_CANDIDATES;
  if (!complete) {
    const lower = LOWER_WINS.has(strategy);
    const s = choice.scores;
    kept = [...candidates].sort((a, b) => (lower ? (s[a.nodeId] ?? 0) - (s[b.nodeId] ?? 0) : (s[b.nodeId] ?? 0) - (s[a.nodeId] ?? 0))).slice(0, RECORDED_CANDIDATES);
    if (!kept.some((n) => n.nodeId === choice.nodeId)) kept[kept.length - 1] = candidates.find((n) => n.nodeId === choice.nodeId) as PlacementNode;
  }
  const scores: Record<string, number> = {};
  for (const n of kept) if (n.nodeId in choice.scores) scores[n.nodeId] = choice.scores[n.nodeId] as number;
  return {
    ok: true,
    agentId: request.agentId,
    kind: request.kind,
    node: choice.nodeId,
    strategy,
    reason: choice.reason,
    score: choice.score,
    scores,
    seq: ctx.seq,
    tableVersion: table.version,
    request,
    candidates: kept.map(record),
    complete: complete || BEST_OF.has(strategy),
    excluded: excluded.slice(0, RECORDED_EXCLUSIONS),
  };
}

/** Re-computes a recorded decision from its recorded inputs: the node the strategy chooses on them. */
export function replayDecision(d: PlacementDecision): string {
  const strategy = STRATEGIES[d.strategy];
  const candidates: PlacementNode[] = d.candidates.map((c) => ({ ...c, kinds: [d.kind], labels: {} }));
  return strategy(candidates, d.request, { seq: d.seq }).nodeId;
}
