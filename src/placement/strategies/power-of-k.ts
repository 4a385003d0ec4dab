/**
 * Resource-optimised power of k choices, after Orleans' `ResourceOptimizedPlacement`: sample k candidates,
 * score each by a weighted resource cost, take the lowest (ties to the smallest node id).
 *
 * - **Sample.** k distinct candidates (default 2, the classic power of two choices; `k: 'sqrt'` takes
 *   ⌈√candidates⌉ as Orleans does; at most 64), drawn by a partial Fisher–Yates shuffle of the node-id
 *   ranks with mulberry32 seeded by `fnv1a(agentId + "#" + seq)`: pure, and different per decision.
 * - **Cost**, Orleans' `CalculateScore` on this project's readings, with Orleans' default weights
 *   (`ResourceOptimizedPlacementOptions`, dotnet/orleans src/Orleans.Runtime/Configuration/Options:
 *   `CpuUsageWeight` 40, `MemoryUsageWeight` 20, `AvailableMemoryWeight` 20, `MaxAvailableMemoryWeight` 5,
 *   `ActivationCountWeight` 15; `LocalSiloPreferenceMargin` 5 has no counterpart here — there is no local
 *   node), each divided by their sum (100):
 *   `0.40·cpu + 0.20·memory + 0.20·(1 − available/maxAvailable) + 0.05·(1 − memoryBytes/max memoryBytes)
 *   + 0.15·agents/max agents`. A node's available memory relative to its own maximum is `1 − memory`, so
 *   the third term is `memory` again; the maxima run over all candidates, as in Orleans (0 when they are 0).
 *   An unreported load counts as idle (./common.ts).
 *
 * Over {@link MAX_REPORTED} candidates the report is the sample; the summary adds the count, the sampled
 * ranks and the two maxima, from which replay draws and scores the same sample.
 *
 * @module
 */
import { fnv1a, mulberry32 } from '../hash.js';
import { at, cpu, fmt, idOrder, inconsistent, MAX_REPORTED, memory, type StrategyOptions, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** Orleans' default weights (ResourceOptimizedPlacementOptions.DEFAULT_*_WEIGHT). */
export const ORLEANS_WEIGHTS = { cpuUsage: 40, memoryUsage: 20, availableMemory: 20, maxAvailableMemory: 5, activationCount: 15 } as const;

/** The default sample size. */
export const DEFAULT_K = 2;

/** The sample size for `count` candidates. */
export function sampleSize(count: number, k: StrategyOptions['k'] = DEFAULT_K): number {
  const want = k === 'sqrt' ? Math.ceil(Math.sqrt(count)) : Math.floor(k);
  return Math.max(1, Math.min(want || 1, count, MAX_REPORTED));
}

/** `k` distinct ranks out of `count` (a partial Fisher–Yates shuffle over a sparse identity), in draw order. */
export function sampleRanks(count: number, k: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const moved: Record<number, number> = {};
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (count - i));
    const picked = moved[j] ?? j;
    moved[j] = moved[i] ?? i;
    out.push(picked);
  }
  return out;
}

/** Orleans' resource cost of a node, in [0, 1]; lower is better. */
export function orleansCost(n: PlacementNode, maxMemoryBytes: number, maxAgents: number): number {
  const W = ORLEANS_WEIGHTS;
  const sum = W.cpuUsage + W.memoryUsage + W.availableMemory + W.maxAvailableMemory + W.activationCount;
  const m = memory(n);
  const bigger = maxMemoryBytes > 0 ? 1 - n.capacity.memoryBytes / maxMemoryBytes : 0;
  const busier = maxAgents > 0 ? n.agents / maxAgents : 0;
  return (W.cpuUsage * cpu(n) + W.memoryUsage * m + W.availableMemory * m + W.maxAvailableMemory * bigger + W.activationCount * busier) / sum;
}

export const powerOfK: Strategy = (candidates, request, ctx) => {
  const n = candidates.length;
  const s = ctx.summary;
  const count = s?.count ?? n;
  const k = sampleSize(count, ctx.options?.k);
  const ranks = sampleRanks(count, k, fnv1a(`${request.agentId}#${ctx.seq}`));
  const order = idOrder(candidates);
  const picked: number[] = [];
  for (const r of ranks) {
    // In a replay of a cut record the rows are the sample, in node-id order, with their ranks in the summary.
    const local = s?.ranks === undefined ? r : s.ranks.indexOf(r);
    if (local < 0 || local >= n) return inconsistent(candidates, `sampled rank ${r} is not among the recorded rows`);
    picked.push(at(order, local));
  }
  let maxMemoryBytes = s?.maxMemoryBytes ?? 0;
  let maxAgents = s?.maxAgents ?? 0;
  if (s?.maxMemoryBytes === undefined || s.maxAgents === undefined) {
    for (const c of candidates) {
      if (c.capacity.memoryBytes > maxMemoryBytes) maxMemoryBytes = c.capacity.memoryBytes;
      if (c.agents > maxAgents) maxAgents = c.agents;
    }
  }
  const scores: Record<string, number> = {};
  let best = -1;
  let bestCost = 0;
  for (const i of picked) {
    const node = candidates[i] as PlacementNode;
    const cost = orleansCost(node, maxMemoryBytes, maxAgents);
    scores[node.nodeId] = cost;
    if (best < 0 || cost < bestCost || (cost === bestCost && node.nodeId < (candidates[best] as PlacementNode).nodeId)) {
      best = i;
      bestCost = cost;
    }
  }
  const node = candidates[best] as PlacementNode;
  const reason = `lowest resource cost ${fmt(bestCost)} (Orleans' weights) of ${k} sampled from ${count} candidates`;
  if (n <= MAX_REPORTED) return { nodeId: node.nodeId, score: bestCost, scores, reason };
  const sorted = ranks.map((r, j) => ({ r, i: picked[j] as number })).sort((a, b) => a.r - b.r);
  return {
    nodeId: node.nodeId,
    score: bestCost,
    scores,
    reason,
    considered: sorted.map((x) => x.i),
    summary: { count: n, ranks: sorted.map((x) => x.r), maxMemoryBytes, maxAgents },
  };
};
