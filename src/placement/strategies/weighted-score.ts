/**
 * The seeds' weighted score (LoadBalancer's `calculate_placement_score`): the highest
 * 0.3·(1 − cpu) + 0.3·(1 − memory) + 0.2·(1 − min(1, agents/100)) + 0.1·network + 0.1·capability,
 * where capability is the share of the request's required capabilities the node has (1 when none is
 * required), ties to the smallest node id.
 *
 * Required capabilities are also a hard constraint (../constraints.ts), so through `place` every candidate
 * has them all and the capability term is the constant 0.1; it matters only to a caller scoring nodes
 * that were not filtered.
 *
 * @module
 */
import { bestOf, fmt, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** The seeds' weighted score of one node for a set of required capabilities, in [0, 1]. */
export function weightedScoreOf(n: PlacementNode, required: readonly string[]): number {
  let capability = 1;
  if (required.length > 0) {
    let have = 0;
    for (const c of required) if (n.capabilities.includes(c)) have++;
    capability = have / required.length;
  }
  return 0.3 * (1 - (n.load?.cpu ?? 0)) + 0.3 * (1 - (n.load?.memory ?? 0)) + 0.2 * (1 - Math.min(1, n.agents / 100)) + 0.1 * (n.network ?? 1) + 0.1 * capability;
}

export const weightedScore: Strategy = (candidates, request) => {
  const required = request.constraints?.capabilities ?? [];
  const values = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) values[i] = weightedScoreOf(candidates[i] as PlacementNode, required);
  const { node, score, ...rest } = bestOf(candidates, values, true);
  return {
    nodeId: node.nodeId,
    score,
    ...rest,
    reason: `best weighted score ${fmt(score)} (cpu ${fmt(node.load?.cpu ?? 0)}, memory ${fmt(node.load?.memory ?? 0)}, ${node.agents} agents) of ${candidates.length} candidates`,
  };
};
