/**
 * Round robin: the candidates in node-id order, one per decision: decision `seq` takes the candidate of
 * rank `seq mod n`, so any n consecutive decisions over the same candidates visit each exactly once.
 * A linear scan (the order is checked, and sorted only when the input is not in it).
 *
 * Over {@link MAX_REPORTED} candidates the report is a window of consecutive ranks holding the turn, and
 * the summary says the count and where the window starts: replay finds the turn in it.
 *
 * @module
 */
import { at, idOrder, inconsistent, MAX_REPORTED, mod, report, windowAround, all, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

export const roundRobin: Strategy = (candidates, _request, ctx) => {
  const n = candidates.length;
  const order = idOrder(candidates);
  const count = ctx.summary?.count ?? n;
  const turn = mod(ctx.seq, count);
  const rank = turn - (ctx.summary?.offset ?? 0);
  if (rank < 0 || rank >= n) return inconsistent(candidates, `turn ${turn} is not among the ${n} recorded rows`);
  const chosen = at(order, rank);
  const node = candidates[chosen] as PlacementNode;
  const reason = `round robin: turn ${turn} of ${count} candidates in node-id order`;
  if (n <= MAX_REPORTED) return { nodeId: node.nodeId, score: 1, scores: report(candidates, all(n).map((r) => at(order, r)), (i) => (i === chosen ? 1 : 0)), reason };
  const start = windowAround(rank, n, MAX_REPORTED);
  const considered = Array.from({ length: MAX_REPORTED }, (_, k) => at(order, start + k));
  return { nodeId: node.nodeId, score: 1, scores: report(candidates, considered, (i) => (i === chosen ? 1 : 0)), reason, considered, summary: { count: n, offset: start } };
};
