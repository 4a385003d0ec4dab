/**
 * Weighted round robin by capacity (logical cores): over any `sum(weights)` consecutive decisions each
 * candidate is chosen exactly its weight's number of times. The turn is `seq` spread by a stride coprime
 * with the total weight, so a node's turns are interleaved with the others' rather than back to back.
 *
 * @module
 */
import { byId, type Strategy } from './common.js';

const STRIDES = [7919, 104_729, 1_299_709, 15_485_863];
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export const weightedRoundRobin: Strategy = (candidates, _request, ctx) => {
  const sorted = byId(candidates);
  const weights = sorted.map((n) => Math.max(1, Math.floor(n.capacity.cpus)));
  const total = weights.reduce((a, b) => a + b, 0);
  const stride = STRIDES.find((p) => gcd(p % total || total, total) === 1 && p % total !== 0) ?? 1;
  const turn = Number((BigInt(((ctx.seq % total) + total) % total) * BigInt(stride)) % BigInt(total));
  let i = 0;
  for (let acc = weights[0]!; turn >= acc; acc += weights[++i]!);
  const scores: Record<string, number> = {};
  sorted.forEach((n, k) => (scores[n.nodeId] = weights[k]!));
  return { nodeId: sorted[i]!.nodeId, score: weights[i]!, scores, reason: `weighted round robin by cores: turn ${turn} of ${total}` };
};
