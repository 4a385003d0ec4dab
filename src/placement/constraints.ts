/**
 * Constraints first: which nodes may take an agent at all. A node is excluded, with a short reason naming
 * the rule (the first that fails, in this order), when it
 *
 * 1. is not `up` (joining, suspect, quarantined, draining, down, left) — `is suspect`;
 * 2. has its circuit breaker open — `has its circuit breaker open` (half-open is allowed: a trial);
 * 3. is avoided by the request (anti-affinity) — `is avoided by the request`;
 * 4. lacks a required capability — `lacks capability "gpu"`;
 * 5. has a required label with another value — `has label zone="b", not "a"`;
 * 6. does not list the agent's kind — `cannot run kind "memo"`;
 * 7. is at its capacity (`agents >= capacity.maxAgents`) — `is at its capacity of 10 agents`;
 * 8. is over a resource threshold on its last load report — `is over its cpu threshold (0.95 > 0.8)`
 *    (the seeds' cpu 0.8 and memory 0.85 by default; a node that has not reported is not over anything).
 *
 * The request's rules are compiled once per decision, then one linear pass over the nodes; reasons are
 * built only for the excluded. Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import type { PlacementNode, PlacementRequest, PlacementTable } from './table.js';

/** The resource manager's seed thresholds (LoadBalancer `overload_thresholds`): no new agents above them. */
export const DEFAULT_THRESHOLDS = { cpu: 0.8, memory: 0.85 } as const;

/** Load thresholds in [0, 1]; a missing one is its {@link DEFAULT_THRESHOLDS} value. */
export interface ResourceLimits {
  cpu?: number;
  memory?: number;
}

/** A node that may not take the request, and why. */
export interface Exclusion {
  nodeId: string;
  reason: string;
}

/** A reading shown with just enough digits to be seen over its threshold (0.8004 > 0.8, not 0.80 > 0.8). */
function over(value: number, threshold: number): string {
  let digits = 2;
  while (digits < 6 && Number(value.toFixed(digits)) <= threshold) digits++;
  return `${Number(value.toFixed(digits))} > ${threshold}`;
}

/** The request's rules, compiled: a function saying why a node may not take it, or undefined when it may. */
export function exclusionRule(request: PlacementRequest, limits: ResourceLimits = DEFAULT_THRESHOLDS): (n: PlacementNode) => string | undefined {
  const c = request.constraints;
  const avoid = c?.avoidNodes ?? [];
  const capabilities = c?.capabilities ?? [];
  const labels = c?.labels === undefined ? [] : Object.entries(c.labels);
  const kind = request.kind;
  const cpu = limits.cpu ?? DEFAULT_THRESHOLDS.cpu;
  const memory = limits.memory ?? DEFAULT_THRESHOLDS.memory;
  return (n) => {
    if (n.status !== 'up') return `is ${n.status}`;
    if (n.breaker === 'open') return 'has its circuit breaker open';
    if (avoid.length > 0 && avoid.includes(n.nodeId)) return 'is avoided by the request';
    for (const cap of capabilities) if (!n.capabilities.includes(cap)) return `lacks capability "${cap}"`;
    for (const [k, v] of labels) if (n.labels[k] !== v) return `has label ${k}=${JSON.stringify(n.labels[k] ?? null)}, not ${JSON.stringify(v)}`;
    if (!n.kinds.includes(kind)) return `cannot run kind "${kind}"`;
    if (n.agents >= n.capacity.maxAgents) return `is at its capacity of ${n.capacity.maxAgents} agents`;
    const load = n.load;
    if (load !== undefined) {
      if (load.cpu > cpu) return `is over its cpu threshold (${over(load.cpu, cpu)})`;
      if (load.memory > memory) return `is over its memory threshold (${over(load.memory, memory)})`;
    }
    return undefined;
  };
}

/** Why a node may not take the request, or undefined when it may. */
export function exclusion(n: PlacementNode, request: PlacementRequest, limits?: ResourceLimits): string | undefined {
  return exclusionRule(request, limits)(n);
}

/** The nodes (of a table, or a list) that may take the request, in their order, and why each other may not. */
export function eligibleNodes(
  table: PlacementTable | readonly PlacementNode[],
  request: PlacementRequest,
  limits?: ResourceLimits,
): { candidates: PlacementNode[]; excluded: Exclusion[] } {
  const nodes: readonly PlacementNode[] = 'nodes' in table ? table.nodes : table;
  const rule = exclusionRule(request, limits);
  let candidates: PlacementNode[] | undefined; // undefined while every node so far is eligible (then one slice)
  const excluded: Exclusion[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as PlacementNode;
    const why = rule(n);
    if (why === undefined) candidates?.push(n);
    else {
      candidates ??= nodes.slice(0, i);
      excluded.push({ nodeId: n.nodeId, reason: why });
    }
  }
  return { candidates: candidates ?? nodes.slice(), excluded };
}
