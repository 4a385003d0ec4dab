/**
 * Latency-aware: the lowest activity latency + event-loop lag of the last load report, ties to the smallest
 * node id. A node that has not reported yet counts as the slowest: it is chosen only when no candidate has
 * reported (then by node id).
 *
 * @module
 */
import { bestOf, fmt, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** What an unreported node's latency counts as. */
export const UNKNOWN_LATENCY_MS = Number.MAX_SAFE_INTEGER;

/** Activity latency + event-loop lag, ms. */
export function latencyMs(n: PlacementNode): number {
  return n.load === undefined ? UNKNOWN_LATENCY_MS : n.load.activityLatencyMs + n.load.eventLoopLagMs;
}

export const latencyAware: Strategy = (candidates) => {
  const values = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) values[i] = latencyMs(candidates[i] as PlacementNode);
  const { node, score, ...rest } = bestOf(candidates, values, false);
  const reason =
    score === UNKNOWN_LATENCY_MS
      ? `no candidate of ${candidates.length} has reported its latency yet: the first by node id`
      : `lowest activity latency + event-loop lag (${fmt(score)} ms) of ${candidates.length} candidates`;
  return { nodeId: node.nodeId, score, ...rest, reason };
};
