/**
 * Weighted round robin by capacity (weight = the node's logical cores, at least 1), smooth and pure.
 *
 * Lay the candidates' weights end to end in node-id order: a cycle of `W = sum(weights)` slots, the node
 * owning `weight` consecutive slots. Decision `seq` takes slot `(seq mod W) · stride mod W`, where the
 * stride is the integer nearest W/φ (φ the golden ratio) that is coprime with W. Coprime makes the map a
 * permutation of the cycle, so any W consecutive decisions choose each node exactly its weight's number of
 * times; the golden-ratio stride spreads consecutive decisions evenly over the cycle (weights 5, 1, 1
 * give a a a b a c a), so a heavy node's turns are interleaved with the others' instead of back to back.
 * Two linear passes; no state besides `seq`.
 *
 * Over {@link MAX_REPORTED} candidates the report is a window of consecutive ranks holding the chosen one;
 * the summary adds W and the weight before the window, so replay walks the same slots.
 *
 * @module
 */
import { at, all, idOrder, inconsistent, MAX_REPORTED, mod, report, windowAround, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** A node's weight: its logical cores (at least 1). */
export const weightOf = (n: PlacementNode): number => Math.max(1, Math.floor(n.capacity.cpus) || 1);

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};

/** The golden-ratio stride for a cycle of `total` slots: nearest to total/φ and coprime with it. */
export function strideFor(total: number): number {
  const s = Math.max(1, Math.round(total * 0.6180339887498949));
  for (let d = 0; ; d++) {
    if (gcd(s + d, total) === 1) return s + d;
    if (s - d >= 1 && gcd(s - d, total) === 1) return s - d;
  }
}

/** `a · b mod m` without losing precision past 2^53. */
function mulMod(a: number, b: number, m: number): number {
  const p = a * b;
  return Number.isSafeInteger(p) ? p % m : Number((BigInt(a) * BigInt(b)) % BigInt(m));
}

export const weightedRoundRobin: Strategy = (candidates, _request, ctx) => {
  const n = candidates.length;
  const order = idOrder(candidates);
  let total = ctx.summary?.weight ?? 0;
  if (ctx.summary?.weight === undefined) for (const c of candidates) total += weightOf(c);
  const stride = strideFor(total);
  const slot = mulMod(mod(ctx.seq, total), stride, total);
  let before = ctx.summary?.weightBefore ?? 0;
  let rank = -1;
  for (let r = 0; r < n; r++) {
    const w = weightOf(candidates[at(order, r)] as PlacementNode);
    if (slot < before + w) {
      rank = r;
      break;
    }
    before += w;
  }
  if (rank < 0) return inconsistent(candidates, `slot ${slot} of ${total} is not among the recorded rows`);
  const chosen = at(order, rank);
  const node = candidates[chosen] as PlacementNode;
  const weight = (i: number): number => weightOf(candidates[i] as PlacementNode);
  const reason = `weighted round robin by cores: slot ${slot} of ${total} (${weightOf(node)} slots are ${node.nodeId}'s) over ${ctx.summary?.count ?? n} candidates`;
  if (n <= MAX_REPORTED) return { nodeId: node.nodeId, score: weightOf(node), scores: report(candidates, all(n).map((r) => at(order, r)), weight), reason };
  const start = windowAround(rank, n, MAX_REPORTED);
  const considered = Array.from({ length: MAX_REPORTED }, (_, k) => at(order, start + k));
  let weightBefore = before;
  for (let r = start; r < rank; r++) weightBefore -= weightOf(candidates[at(order, r)] as PlacementNode);
  return { nodeId: node.nodeId, score: weightOf(node), scores: report(candidates, considered, weight), reason, considered, summary: { count: n, offset: start, weight: total, weightBefore } };
};
