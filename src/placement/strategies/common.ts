/**
 * What every placement strategy shares: its signature, the readings it takes from a node row, the node-id
 * order that every tie and every turn is taken in, and the bounded report a choice makes.
 *
 * A strategy is a pure function `(candidates, request, ctx) → choice`. The candidates are already eligible
 * (../constraints.ts) and never empty; `ctx.seq` is a decision counter the caller supplies (round robin
 * and the sampling strategies read it, so they stay pure).
 *
 * **Bounded reports.** A choice names at most {@link MAX_REPORTED} candidates in `scores`: all of them when
 * there are that few, otherwise the ones that decided it (the best-scored, the round-robin window around
 * the turn, the hash-order prefix, the sample), with their positions in `considered` and a
 * {@link CandidateSummary} of the whole set. Those rows plus that summary are exactly what the strategy
 * needs to make the same choice again: a decision records them and replays from them (../place.ts).
 * (Scoring a thousand candidates is a few microseconds; a thousand-key object is tens of them.)
 *
 * Readings: a node that has not reported its load yet counts as idle (cpu = memory = 0: a node that just
 * joined is as good as it claims, and the cpu/memory thresholds catch it once it reports); unknown network
 * quality counts as 1. Latency-aware is the exception: an unreported node counts as the slowest.
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import type { PlacementNode, PlacementRequest } from '../table.js';

/** The most candidates a choice reports scores for (and a decision records). */
export const MAX_REPORTED = 64;

/** Tunables of the strategies that have any; recorded with a decision when given. */
export interface StrategyOptions {
  /** power-of-k: candidates sampled per decision, 1–64, or `'sqrt'` for ⌈√candidates⌉ as Orleans does. Default 2. */
  k?: number | 'sqrt';
  /** consistent-hashing: the load factor c of the bound ⌈c · (agents + 1) / candidates⌉, at least 1. Default 1.25. */
  loadFactor?: number;
}

/**
 * What a choice over more than {@link MAX_REPORTED} candidates says about all of them, besides the rows it
 * reports: the facts the strategy read from the whole set. Each strategy fills the fields it reads.
 */
export interface CandidateSummary {
  /** Candidates in all. */
  count: number;
  /** Agents on all of them (consistent hashing's bound). */
  agents?: number;
  /** Node-id rank of the first reported row; the reported rows are consecutive in node-id order (round robins). */
  offset?: number;
  /** Sum of all weights, and of the weights ranked before `offset` (weighted round robin). */
  weight?: number;
  weightBefore?: number;
  /** Node-id rank of each reported row, in node-id order (power of k's sample). */
  ranks?: number[];
  /** The most agents on one candidate, and the largest machine's memory (power of k's normalisation). */
  maxAgents?: number;
  maxMemoryBytes?: number;
}

/** What a strategy may use besides the candidates. */
export interface StrategyContext {
  /** A decision counter the caller supplies (monotonically increasing). */
  seq: number;
  options?: StrategyOptions;
  /** Replay only: the recorded summary, when the candidates given are the rows a decision recorded of more. */
  summary?: CandidateSummary;
}

/** A strategy's choice, with the scores that explain it. */
export interface StrategyChoice {
  nodeId: string;
  score: number;
  /** Score of every candidate it considered (at most {@link MAX_REPORTED}: see the module comment). */
  scores: Record<string, number>;
  /** One human sentence. */
  reason: string;
  /** Over {@link MAX_REPORTED} candidates only: positions in `candidates` of the rows `scores` covers. */
  considered?: number[];
  /** Over {@link MAX_REPORTED} candidates only: what replay needs about the rest. */
  summary?: CandidateSummary;
}

/** One strategy: candidates are already eligible (../constraints.ts) and never empty. */
export type Strategy = (candidates: readonly PlacementNode[], request: PlacementRequest, ctx: StrategyContext) => StrategyChoice;

export const cpu = (n: PlacementNode): number => n.load?.cpu ?? 0;
export const memory = (n: PlacementNode): number => n.load?.memory ?? 0;
export const network = (n: PlacementNode): number => n.network ?? 1;

/** Short number for reasons: integers as they are, others to 3 decimals. */
export const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(3));

/** `x mod m` in [0, m) for any integer x. */
export const mod = (x: number, m: number): number => ((x % m) + m) % m;

/**
 * The candidates' node-id order as positions (`order[rank]` is the position of the rank-th smallest id), or
 * undefined when they already are in that order: one linear check, a sort only for an unsorted input (the
 * load balancer publishes its table sorted).
 */
export function idOrder(candidates: readonly PlacementNode[]): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < candidates.length; i++) {
    if (!((candidates[i - 1] as PlacementNode).nodeId < (candidates[i] as PlacementNode).nodeId)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const order = candidates.map((_, i) => i);
  order.sort((a, b) => {
    const x = (candidates[a] as PlacementNode).nodeId;
    const y = (candidates[b] as PlacementNode).nodeId;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  return order;
}

/** Position of the rank-th candidate in node-id order. */
export const at = (order: readonly number[] | undefined, rank: number): number => (order === undefined ? rank : (order[rank] as number));

/**
 * Positions of `k` items with the best keys (`higher` wins, or lower; ties broken arbitrarily), in no
 * particular order: a quickselect with three-way partitions (many equal keys, as agent counts have, cost
 * nothing extra) and a deterministic median-of-three pivot. O(n) expected; no allocation besides the
 * index array.
 */
export function selectBest(keys: Float64Array, k: number, higher: boolean): number[] {
  const n = keys.length;
  const idx = new Int32Array(n);
  const good = new Float64Array(n); // greater is better, whichever way the keys go
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    good[i] = higher ? (keys[i] as number) : -(keys[i] as number);
  }
  if (k >= n) return Array.from(idx);
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const a = good[idx[lo] as number] as number;
    const b = good[idx[(lo + hi) >> 1] as number] as number;
    const c = good[idx[hi] as number] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Three-way partition of [lo, hi]: better than the pivot | equal | worse.
    let lt = lo;
    let i = lo;
    let gt = hi;
    while (i <= gt) {
      const x = idx[i] as number;
      const v = good[x] as number;
      if (v > pivot) {
        idx[i++] = idx[lt] as number;
        idx[lt++] = x;
      } else if (v < pivot) {
        idx[i] = idx[gt] as number;
        idx[gt--] = x;
      } else i++;
    }
    if (k <= lt) hi = lt - 1;
    else if (k <= gt + 1) break; // the k-th best is in the equal band: the first k are k best
    else lo = gt + 1;
  }
  return Array.from(idx.subarray(0, k));
}

/** The report of a choice: scores of the given positions (all candidates when they are few). */
export function report(candidates: readonly PlacementNode[], positions: readonly number[], value: (i: number) => number): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const i of positions) scores[(candidates[i] as PlacementNode).nodeId] = value(i);
  return scores;
}

/** Positions 0 … n−1. */
export const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The candidate with the best value (`values[i]` is candidate i's; `higher` wins, or lower), ties to the
 * smallest node id; a value that cannot be compared (NaN) never wins. Over {@link MAX_REPORTED}
 * candidates the report is the best {@link MAX_REPORTED}: any set of rows holding the winner gives the
 * same winner again, so replay needs no summary beyond the count. (Strategies fill `values` in their own
 * loop: a value callback shared by every strategy would be a megamorphic call per node.)
 */
export function bestOf(
  candidates: readonly PlacementNode[],
  values: Float64Array,
  higher: boolean,
): { node: PlacementNode; score: number; scores: Record<string, number>; considered?: number[]; summary?: CandidateSummary } {
  const n = candidates.length;
  const worst = higher ? -Infinity : Infinity;
  let best = 0;
  let top = Number.isNaN(values[0]) ? worst : (values[0] as number);
  values[0] = top;
  for (let i = 1; i < n; i++) {
    let v = values[i] as number;
    if (Number.isNaN(v)) values[i] = v = worst;
    if (higher ? v > top : v < top) {
      best = i;
      top = v;
    } else if (v === top && (candidates[i] as PlacementNode).nodeId < (candidates[best] as PlacementNode).nodeId) best = i;
  }
  const node = candidates[best] as PlacementNode;
  if (n <= MAX_REPORTED) return { node, score: top, scores: report(candidates, all(n), (i) => values[i] as number) };
  const considered = withWinner(selectBest(values, MAX_REPORTED, higher), best);
  return { node, score: top, scores: report(candidates, considered, (i) => values[i] as number), considered, summary: { count: n } };
}

/** The selected positions, holding `winner` (replacing a selected one when ties left it out). */
export function withWinner(selected: number[], winner: number): number[] {
  if (!selected.includes(winner)) selected[selected.length - 1] = winner;
  return selected;
}

/** A window of `size` consecutive ranks out of `n` holding rank `r`, as centred on it as fits. */
export function windowAround(r: number, n: number, size: number): number {
  return Math.max(0, Math.min(r - (size >> 1), n - size));
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The reason when replay inputs do not hold what the summary says (a decision edited or cut by hand). */
export function inconsistent(candidates: readonly PlacementNode[], what: string): StrategyChoice {
  const first = candidates[0] as PlacementNode;
  return { nodeId: first.nodeId, score: 0, scores: {}, reason: `replay inputs are inconsistent: ${what}` };
}
