/**
 * Constraints first: which nodes may take an agent at all. A node is excluded, with a short reason naming
 * the rule, when it is not `up` (joining, suspect, quarantined, draining, down, left), its circuit breaker
 * is open, it lacks a required capability, a required label differs, the request avoids it
 * (anti-affinity), it cannot run the agent's kind, or it is over a resource limit (cpu or memory over its
 * threshold, agents at its capacity). A half-open breaker is allowed: one trial placement. Pure.
 *
 * @module
 */
import type { PlacementNode, PlacementRequest } from './table.js';

/** The resource manager's seed thresholds: no new agents on a node above them. */
export const DEFAULT_THRESHOLDS = { cpu: 0.8, memory: 0.85 } as const;

export interface ResourceLimits {
  cpu?: number;
  memory?: number;
}

export interface Exclusion {
  nodeId: string;
  reason: string;
}

/** Why a node may not take the request, or undefined when it may. */
export function exclusion(n: PlacementNode, request: PlacementRequest, limits: ResourceLimits = DEFAULT_THRESHOLDS): string | undefined {
  if (n.status !== 'up') return `is ${n.status}`;
  if (n.breaker === 'open') return 'has its circuit breaker open';
  const c = request.constraints;
  if (c?.avoidNodes?.includes(n.nodeId)) return 'is avoided by the request';
  for (const cap of c?.capabilities ?? []) if (!n.capabilities.includes(cap)) return `lacks capability "${cap}"`;
  for (const [k, v] of Object.entries(c?.labels ?? {})) if (n.labels[k] !== v) return `has label ${k}=${JSON.stringify(n.labels[k] ?? null)}, not ${JSON.stringify(v)}`;
  if (!n.kinds.includes(request.kind)) return `cannot run kind "${request.kind}"`;
  if (n.agents >= n.capacity.maxAgents) return `is at its capacity of ${n.capacity.maxAgents} agents`;
  const cpu = limits.cpu ?? DEFAULT_THRESHOLDS.cpu;
  const memory = limits.memory ?? DEFAULT_THRESHOLDS.memory;
  if (n.load !== undefined && n.load.cpu > cpu) return `is over its cpu threshold (${n.load.cpu.toFixed(2)} > ${cpu})`;
  if (n.load !== undefined && n.load.memory > memory) return `is over its memory threshold (${n.load.memory.toFixed(2)} > ${memory})`;
  return undefined;
}

/** The nodes that may take the request, and why each of the others may not. */
export function eligibleNodes(nodes: readonly PlacementNode[], request: PlacementRequest, limits?: ResourceLimits): { candidates: PlacementNode[]; excluded: Exclusion[] } {
  const candidates: PlacementNode[] = [];
  const excluded: Exclusion[] = [];
  for (const n of nodes) {
    const why = exclusion(n, request, limits);
    if (why === undefined) candidates.push(n);
    else excluded.push({ nodeId: n.nodeId, reason: why });
  }
  return { candidates, excluded };
}
