/** Least connections: the candidate with the fewest agents homed on it. @module */
import { best, type Strategy } from './common.js';

export const leastConnections: Strategy = (candidates) => {
  const { node, score, scores } = best(candidates, (n) => n.agents, false);
  return { nodeId: node.nodeId, score, scores, reason: `fewest agents (${score}) of ${candidates.length} candidates` };
};
