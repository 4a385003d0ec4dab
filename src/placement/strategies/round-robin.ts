/** Round robin: the candidates in node-id order, one after the other (`seq` mod their number). @module */
import { byId, type Strategy } from './common.js';

export const roundRobin: Strategy = (candidates, _request, ctx) => {
  const sorted = byId(candidates);
  const i = ((ctx.seq % sorted.length) + sorted.length) % sorted.length;
  const node = sorted[i]!;
  const scores: Record<string, number> = {};
  sorted.forEach((n, k) => (scores[n.nodeId] = k === i ? 1 : 0));
  return { nodeId: node.nodeId, score: 1, scores, reason: `round robin: turn ${ctx.seq} of ${sorted.length} candidates` };
};
