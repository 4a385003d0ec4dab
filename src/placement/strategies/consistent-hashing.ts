/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018), in its rendezvous
 * form: every candidate gets a pseudo-random weight `mix32(fnv1a(nodeId) ^ mix32(fnv1a(agentId)))`, and
 * the agent's preference list is the candidates by falling weight. The agent goes to the first node of its
 * list that is under the bound `⌈c · (agents + 1) / candidates⌉` (c = 1.25 by default, `loadFactor`);
 * nodes at or over it are walked past, as a ring walk passes full nodes.
 *
 * Why rendezvous and not a ring of virtual nodes: the candidates differ per request (constraints, kinds,
 * thresholds, breakers), so a ring would have to be built, or filtered, per decision; the preference list
 * has the same properties (an agent stays on its node while the candidates and loads allow; a node joining
 * or leaving moves only the agents it wins or held; even spread without virtual nodes) at O(candidates)
 * per decision and no state.
 *
 * A node under the bound always exists: the least-loaded has at most the mean, which is under the bound.
 * Over {@link MAX_REPORTED} candidates the report is the chosen node and the highest weights besides
 * (every one above it is at the bound), and the summary the count and their agents: the same bound.
 *
 * @module
 */
import { fnv1a } from '../hash.js';
import { all, MAX_REPORTED, mix32, report, selectBest, withWinner, type Strategy } from './common.js';
import type { PlacementNode } from '../table.js';

/** The load factor c of the bound. */
export const BOUNDED_LOAD_FACTOR = 1.25;

/** The bound: no node may reach `⌈c · (agents + 1) / candidates⌉` agents with this placement. */
const boundOf = (agents: number, count: number, c: number): number => Math.ceil((c * (agents + 1)) / count);

export function loadBound(candidates: readonly { agents: number }[], c = BOUNDED_LOAD_FACTOR): number {
  return boundOf(totalAgents(candidates), candidates.length, c);
}

function totalAgents(candidates: readonly { agents: number }[]): number {
  let total = 0;
  for (const n of candidates) total += n.agents;
  return total;
}

/** The key an agent id is hashed to. */
export const agentKey = (agentId: string): number => mix32(fnv1a(agentId));

/** The rendezvous weight of a node for an agent's key: its place in the agent's preference list. */
export const hashWeight = (nodeId: string, key: number): number => mix32(fnv1a(nodeId) ^ key);

export const consistentHashing: Strategy = (candidates, request, ctx) => {
  const n = candidates.length;
  const c = Math.max(1, ctx.options?.loadFactor ?? BOUNDED_LOAD_FACTOR);
  const agents = ctx.summary?.agents ?? totalAgents(candidates);
  const count = ctx.summary?.count ?? n;
  const bound = boundOf(agents, count, c);
  const key = agentKey(request.agentId);
  const weights = new Float64Array(n);
  let chosen = -1;
  let first = 0;
  const better = (a: number, b: number): boolean => (weights[a] as number) > (weights[b] as number) || (weights[a] === weights[b] && (candidates[a] as PlacementNode).nodeId < (candidates[b] as PlacementNode).nodeId);
  for (let i = 0; i < n; i++) {
    const node = candidates[i] as PlacementNode;
    weights[i] = hashWeight(node.nodeId, key);
    if (i > 0 && better(i, first)) first = i;
    if (node.agents < bound && (chosen < 0 || better(i, chosen))) chosen = i;
  }
  if (chosen < 0) chosen = first; // only with a hand-made summary or a load factor under 1: stay total
  const node = candidates[chosen] as PlacementNode;
  let passed = 0;
  for (let i = 0; i < n; i++) if (better(i, chosen)) passed++;
  const reason =
    passed === 0
      ? `consistent hash of "${request.agentId}": its first choice, under the load bound ${bound} (${node.agents} agents) of ${count} candidates`
      : `consistent hash of "${request.agentId}": choice ${passed + 1}, past ${passed} node${passed === 1 ? '' : 's'} at the load bound ${bound} (first ${(candidates[first] as PlacementNode).nodeId}) of ${count} candidates`;
  const score = weights[chosen] as number;
  if (n <= MAX_REPORTED) return { nodeId: node.nodeId, score, scores: report(candidates, all(n), (i) => weights[i] as number), reason };
  const considered = withWinner(selectBest(weights, MAX_REPORTED, true), chosen);
  return { nodeId: node.nodeId, score, scores: report(candidates, considered, (i) => weights[i] as number), reason, considered, summary: { count: n, agents } };
};
