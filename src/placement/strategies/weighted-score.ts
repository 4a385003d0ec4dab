/**
 * The seeds' weighted score: 0.3·(1−cpu) + 0.3·(1−memory) + 0.2·(1−min(1, agents/100)) + 0.1·network +
 * 0.1·capability, where capability is the share of the request's required capabilities the node has (1
 * when none is required); the highest wins.
 *
 * @module
 */
import { best, cpu, fmt, memory, network, type Strategy } from './common.js';

export const weightedScore: Strategy = (candidates, request) => {
  const required = request.constraints?.capabilities ?? [];
  const capability = (caps: readonly string[]): number => (required.length === 0 ? 1 : required.filter((c) => caps.includes(c)).length / required.length);
  const { node, score, scores } = best(
    candidates,
    (n) => 0.3 * (1 - cpu(n)) + 0.3 * (1 - memory(n)) + 0.2 * (1 - Math.min(1, n.agents / 100)) + 0.1 * network(n) + 0.1 * capability(n.capabilities),
    true,
  );
  return { nodeId: node.nodeId, score, scores, reason: `best weighted score ${fmt(score)} (cpu ${fmt(cpu(node))}, memory ${fmt(memory(node))}, ${node.agents} agents) of ${candidates.length} candidates` };
};
