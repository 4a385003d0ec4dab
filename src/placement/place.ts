/**
 * One placement decision: constraints first (./constraints.ts), then the strategy over what is left.
 * Failures are data, never throws: a {@link PlacementRefusal} names the problem (an empty cluster, an
 * unknown strategy, bad options, or every node's reason for not fitting).
 *
 * A decision records its inputs — the request, strategy, options, decision counter, table version,
 * thresholds, the candidate rows it saw (only the fields strategies read) and the excluded nodes with
 * their reasons — so it can be explained later and re-computed from them: {@link replayDecision} runs the
 * strategy again over the recorded rows and gets the recorded node, for every strategy.
 *
 * Bounded: at most {@link RECORDED_CANDIDATES} candidate rows and {@link RECORDED_EXCLUSIONS} exclusions.
 * Up to 64 candidates every one is recorded (`complete: true`). Over 64 the strategy reports the rows that
 * decided it — the 64 best-scored (least connections, capacity-, latency-aware, weighted score), the 64
 * consecutive node-id ranks around the turn (round robins), the chosen node and the highest hash weights
 * (consistent hashing), the sample (power of k) — and a `summary` of what it read from the others (count,
 * total agents, total weight, the weight before the window, sampled ranks, maxima). Those rows and that
 * summary are sufficient: replay is exact on them too (`complete: false`). So a decision over 1,000 nodes
 * is a few kilobytes, not a copy of the table.
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import { DEFAULT_THRESHOLDS, eligibleNodes, type Exclusion, type ResourceLimits } from './constraints.js';
import { idOrder, MAX_REPORTED, type CandidateSummary, type StrategyOptions } from './strategies/common.js';
import { isStrategyName, STRATEGIES, type StrategyName } from './strategies/index.js';
import type { PlacementNode, PlacementRequest, PlacementTable } from './table.js';

/** The most candidate rows a decision records. */
export const RECORDED_CANDIDATES = MAX_REPORTED;
/** The most exclusions a decision or refusal records (the rest are counted). */
export const RECORDED_EXCLUSIONS = 32;
/** How many node reasons a refusal's sentence spells out. */
const SPELLED_OUT = 8;

/** A candidate as recorded: what the strategies read (kinds and labels only decide eligibility: not kept). */
export type RecordedCandidate = Pick<PlacementNode, 'nodeId' | 'incarnation' | 'status' | 'capabilities' | 'capacity' | 'agents'> &
  Partial<Pick<PlacementNode, 'load' | 'network' | 'breaker'>>;

export interface PlacementDecision {
  ok: true;
  agentId: string;
  kind: string;
  /** The chosen node. */
  node: string;
  strategy: StrategyName;
  /** One human sentence from the strategy. */
  reason: string;
  score: number;
  /** Scores of the candidates the strategy considered (at most {@link RECORDED_CANDIDATES}). */
  scores: Record<string, number>;
  seq: number;
  tableVersion: number;
  request: PlacementRequest;
  /** The strategy options, when any were given. */
  options?: StrategyOptions;
  /** The load thresholds the candidates were checked against. */
  limits?: { cpu: number; memory: number };
  /** The candidate rows recorded, in node-id order. */
  candidates: RecordedCandidate[];
  /** Whether every candidate is recorded; when not, `summary` holds what replay needs about the rest. */
  complete: boolean;
  summary?: CandidateSummary;
  /** Excluded nodes with their reasons (the first {@link RECORDED_EXCLUSIONS}). */
  excluded: Exclusion[];
  /** How many more were excluded than recorded, when any. */
  excludedOmitted?: number;
}

/** Why a placement was refused. */
export type RefusalCause = 'no-nodes' | 'no-node-fits' | 'unknown-strategy' | 'invalid-input';

export interface PlacementRefusal {
  ok: false;
  agentId: string;
  kind: string;
  cause: RefusalCause;
  /** Names the problem, and for `no-node-fits` each node's reason (the first few). */
  reason: string;
  excluded: Exclusion[];
  excludedOmitted?: number;
}

/** What `place` takes besides the table and request: the decision counter and the strategy's options. */
export interface PlaceContext {
  seq: number;
  options?: StrategyOptions;
}

function record(n: PlacementNode): RecordedCandidate {
  const r: RecordedCandidate = { nodeId: n.nodeId, incarnation: n.incarnation, status: n.status, capabilities: n.capabilities, capacity: n.capacity, agents: n.agents };
  if (n.load !== undefined) r.load = n.load;
  if (n.network !== undefined) r.network = n.network;
  if (n.breaker !== undefined) r.breaker = n.breaker;
  return r;
}

/** What is wrong with the decision counter or options, if anything. */
function invalidInput(ctx: PlaceContext): string | undefined {
  if (!Number.isSafeInteger(ctx.seq)) return `the decision counter seq must be a safe integer, not ${String(ctx.seq)}`;
  const k = ctx.options?.k;
  if (k !== undefined && k !== 'sqrt' && !(Number.isInteger(k) && k >= 1 && k <= MAX_REPORTED)) return `option k must be an integer from 1 to ${MAX_REPORTED} or "sqrt", not ${JSON.stringify(k)}`;
  const c = ctx.options?.loadFactor;
  if (c !== undefined && !(Number.isFinite(c) && c >= 1)) return `option loadFactor must be a number of at least 1, not ${String(c)}`;
  return undefined;
}

/** Places one agent, or refuses naming why no node fits. */
export function place(table: PlacementTable, request: PlacementRequest, strategy: string, ctx: PlaceContext, limits?: ResourceLimits): PlacementDecision | PlacementRefusal {
  const refusal = (cause: RefusalCause, reason: string, excluded: Exclusion[] = []): PlacementRefusal => {
    const r: PlacementRefusal = { ok: false, agentId: request.agentId, kind: request.kind, cause, reason, excluded: excluded.slice(0, RECORDED_EXCLUSIONS) };
    if (excluded.length > RECORDED_EXCLUSIONS) r.excludedOmitted = excluded.length - RECORDED_EXCLUSIONS;
    return r;
  };
  if (!isStrategyName(strategy)) return refusal('unknown-strategy', `unknown placement strategy "${strategy}" (one of ${Object.keys(STRATEGIES).join(', ')})`);
  const invalid = invalidInput(ctx);
  if (invalid !== undefined) return refusal('invalid-input', invalid);
  if (table.nodes.length === 0) return refusal('no-nodes', `no nodes in the cluster to place agent "${request.agentId}" on`);
  const { candidates, excluded } = eligibleNodes(table, request, limits);
  if (candidates.length === 0) {
    const why = excluded
      .slice(0, SPELLED_OUT)
      .map((e) => `${e.nodeId} ${e.reason}`)
      .join('; ');
    const more = excluded.length > SPELLED_OUT ? `; and ${excluded.length - SPELLED_OUT} more` : '';
    return refusal('no-node-fits', `no node can take agent "${request.agentId}" of kind "${request.kind}": ${why}${more}`, excluded);
  }
  const choice = STRATEGIES[strategy](candidates, request, ctx.options === undefined ? { seq: ctx.seq } : { seq: ctx.seq, options: ctx.options });
  const complete = candidates.length <= RECORDED_CANDIDATES;
  let rows: PlacementNode[];
  if (complete) rows = candidates;
  else if (choice.considered !== undefined && choice.summary !== undefined) rows = choice.considered.map((i) => candidates[i] as PlacementNode);
  else throw new Error(`placement strategy "${strategy}" reported no rows over ${RECORDED_CANDIDATES} candidates: a bug in the strategy`);
  const order = idOrder(rows);
  const decision: PlacementDecision = {
    ok: true,
    agentId: request.agentId,
    kind: request.kind,
    node: choice.nodeId,
    strategy,
    reason: choice.reason,
    score: choice.score,
    scores: choice.scores,
    seq: ctx.seq,
    tableVersion: table.version,
    request,
    limits: { cpu: limits?.cpu ?? DEFAULT_THRESHOLDS.cpu, memory: limits?.memory ?? DEFAULT_THRESHOLDS.memory },
    candidates: (order === undefined ? rows : order.map((i) => rows[i] as PlacementNode)).map(record),
    complete,
    excluded: excluded.slice(0, RECORDED_EXCLUSIONS),
  };
  if (ctx.options !== undefined) decision.options = ctx.options;
  if (!complete) decision.summary = choice.summary;
  if (excluded.length > RECORDED_EXCLUSIONS) decision.excludedOmitted = excluded.length - RECORDED_EXCLUSIONS;
  return decision;
}

/**
 * Re-computes a recorded decision from its recorded inputs: the node its strategy chooses over the recorded
 * candidate rows (with the recorded counter, options and summary). Equal to `decision.node` for every
 * decision `place` makes, also after a JSON round trip.
 */
export function replayDecision(d: PlacementDecision): string {
  const candidates: PlacementNode[] = d.candidates.map((c) => ({ ...c, kinds: [d.kind], labels: {} }));
  const ctx = { seq: d.seq, ...(d.options !== undefined ? { options: d.options } : {}), ...(d.summary !== undefined ? { summary: d.summary } : {}) };
  return STRATEGIES[d.strategy](candidates, d.request, ctx).nodeId;
}
