/**
 * Consistent hashing with bounded loads: rendezvous (highest-random-weight) hashing of the agent id over
 * the candidates, skipping a node already at its bound `ceil(c · (agents + 1) / candidates)` (c = 1.25,
 * Mirrokni, Thorup and Zadimoghaddam's bounded-load scheme). The same agent maps to the same node while
 * the candidates do not change; a node joining or leaving moves only its share. O(candidates), no ring.
 *
 * @module
 */
import { fnv1a } from '../hash.js';
import type { Strategy } from './common.js';

/** The load factor c of the bound. */
export const BOUNDED_LOAD_FACTOR = 1.25;

export function loadBound(candidates: readonly { agents: number }[], c = BOUNDED_LOAD_FACTOR): number {
  const total = candidates.reduce((a, n) => a + n.agents, 0);
  return Math.ceil((c * (total + 1)) / candidates.length);
}

export const consistentHashing: Strategy = (candidates, request) => {
  const bound = loadBound(candidates);
  const key = fnv1a(request.agentId);
  const scores: Record<string, number> = {};
  let chosen: string | undefined;
  let top = -1;
  for (const n of candidates) {
    const w = fnv1a(n.nodeId, key);
    scores[n.nodeId] = w;
    if (n.agents >= bound) continue;
    if (w > top || (w === top && chosen !== undefined && n.nodeId < chosen)) {
      top = w;
      chosen = n.nodeId;
    }
  }
  // Every candidate at the bound cannot happen (the bound exceeds the mean), but stay total.
  if (chosen === undefined) return { nodeId: candidates[0]!.nodeId, score: 0, scores, reason: 'every candidate at its load bound' };
  return { nodeId: chosen, score: top, scores, reason: `rendezvous hash of "${request.agentId}" under the load bound ${bound}` };
};
