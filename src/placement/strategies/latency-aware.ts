/**
 * Latency-aware: the lowest activity latency + event-loop lag. A node that has not reported yet counts as
 * the slowest (it is chosen only when no candidate has reported).
 *
 * @module
 */
import { best, fmt, type Strategy } from './common.js';

const UNKNOWN = Number.MAX_SAFE_INTEGER;

export const latencyAware: Strategy = (candidates) => {
  const { node, score, scores } = best(candidates, (n) => (n.load === undefined ? UNKNOWN : n.load.activityLatencyMs + n.load.eventLoopLagMs), false);
  const said = score === UNKNOWN ? 'no candidate has reported its latency yet' : `lowest latency (${fmt(score)} ms) of ${candidates.length} candidates`;
  return { nodeId: node.nodeId, score, scores, reason: said };
};
