/**
 * Resource-optimised power of k choices, after Orleans' ResourceOptimizedPlacement: k = ⌈√candidates⌉
 * candidates sampled deterministically (seeded by the agent id and `seq`), each scored by a weighted
 * cost, the lowest cost wins. Weights are Orleans' defaults (ResourceOptimizedPlacementOptions:
 * CpuUsageWeight 40, MemoryUsageWeight 20, AvailableMemoryWeight 20, MaxAvailableMemoryWeight 5,
 * ActivationCountWeight 15), normalised over the sample: cpu and memory use as reported, available memory
 * = (1 − memory) · memoryBytes relative to the sample's largest, the largest machine's memory, and the
 * agent count relative to the sample's most.
 *
 * @module
 */
import { fnv1a, mulberry32 } from '../hash.js';
import { best, cpu, fmt, memory, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

export const ORLEANS_WEIGHTS = { cpuUsage: 40, memoryUsage: 20, availableMemory: 20, maxAvailableMemory: 5, activationCount: 15 } as const;

/** The sample: k distinct candidates, by a partial Fisher-Yates shuffle of their indices. */
export function sample<T>(items: readonly T[], k: number, seed: number): T[] {
  const idx = items.map((_, i) => i);
  const rnd = mulberry32(seed);
  const n = Math.min(k, items.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rnd() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).map((i) => items[i]!);
}

export const powerOfK: Strategy = (candidates, request, ctx) => {
  const k = Math.ceil(Math.sqrt(candidates.length));
  const picked = sample([...candidates].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1)), k, fnv1a(`${request.agentId}#${ctx.seq}`));
  const avail = (n: PlacementNode): number => (1 - memory(n)) * n.capacity.memoryBytes;
  const maxAvail = Math.max(1, ...picked.map(avail));
  const maxMem = Math.max(1, ...picked.map((n) => n.capacity.memoryBytes));
  const maxAgents = Math.max(1, ...picked.map((n) => n.agents));
  const W = ORLEANS_WEIGHTS;
  const total = W.cpuUsage + W.memoryUsage + W.availableMemory + W.maxAvailableMemory + W.activationCount;
  const cost = (n: PlacementNode): number =>
    (W.cpuUsage * cpu(n) + W.memoryUsage * memory(n) + W.availableMemory * (1 - avail(n) / maxAvail) + W.maxAvailableMemory * (1 - n.capacity.memoryBytes / maxMem) + W.activationCount * (n.agents / maxAgents)) / total;
  const { node, score, scores } = best(picked, cost, false);
  return { nodeId: node.nodeId, score, scores, reason: `lowest resource cost ${fmt(score)} of ${picked.length} sampled (k = ⌈√${candidates.length}⌉)` };
};
