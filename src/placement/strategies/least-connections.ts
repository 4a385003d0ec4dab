/**
 * Least connections: the candidate with the fewest agents homed on it (as the load balancer counts them),
 * ties to the smallest node id.
 *
 * @module
 */
import { bestOf, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

export const leastConnections: Strategy = (candidates) => {
  const values = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) values[i] = (candidates[i] as PlacementNode).agents;
  const { node, score, ...rest } = bestOf(candidates, values, false);
  return { nodeId: node.nodeId, score, ...rest, reason: `fewest agents (${score}) of ${candidates.length} candidates` };
};
