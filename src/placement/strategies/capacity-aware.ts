/**
 * Capacity-aware (the seeds' capacity score): the highest 0.4·(1 − cpu) + 0.3·(1 − memory) + 0.3·network,
 * ties to the smallest node id. An unreported load counts as idle, an unknown network as 1 (./common.ts).
 *
 * @module
 */
import { bestOf, fmt, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** The capacity score of one node, in [0, 1]. */
export function capacityScore(n: PlacementNode): number {
  return 0.4 * (1 - (n.load?.cpu ?? 0)) + 0.3 * (1 - (n.load?.memory ?? 0)) + 0.3 * (n.network ?? 1);
}

export const capacityAware: Strategy = (candidates) => {
  const values = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) values[i] = capacityScore(candidates[i] as PlacementNode);
  const { node, score, ...rest } = bestOf(candidates, values, true);
  return {
    nodeId: node.nodeId,
    score,
    ...rest,
    reason: `highest cpu/memory/network score ${fmt(score)} (cpu ${fmt(node.load?.cpu ?? 0)}, memory ${fmt(node.load?.memory ?? 0)}, network ${fmt(node.network ?? 1)}) of ${candidates.length} candidates`,
  };
};
