/** Capacity-aware: the highest 0.4·(1−cpu) + 0.3·(1−memory) + 0.3·network. @module */
import { best, cpu, fmt, memory, network, type Strategy } from './common.js';

export const capacityAware: Strategy = (candidates) => {
  const { node, score, scores } = best(candidates, (n) => 0.4 * (1 - cpu(n)) + 0.3 * (1 - memory(n)) + 0.3 * network(n), true);
  return { nodeId: node.nodeId, score, scores, reason: `most spare capacity (score ${fmt(score)}: cpu ${fmt(cpu(node))}, memory ${fmt(memory(node))}) of ${candidates.length} candidates` };
};
