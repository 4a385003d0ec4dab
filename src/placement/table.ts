/**
 * The placement table: what every placement strategy, the resource checks and the rebalance planner read.
 * Plain JSON (it is published by the load balancer agent, read by query, and recorded with every decision
 * so the decision can be re-computed later), built from the membership's topology plus what the load
 * balancer knows (agents placed per node, circuit breakers).
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import type { NodeLoad, NodeStatus } from '../cluster/signals.js';

/** A node's circuit breaker, fed by failed node tasks (see ./breakers.ts). */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One node as placement sees it. */
export interface PlacementNode {
  nodeId: string;
  incarnation: number;
  /** Only `up` nodes are ever chosen. */
  status: NodeStatus;
  capabilities: string[];
  labels: Record<string, string>;
  /** Agent kinds this node can run. */
  kinds: string[];
  capacity: { cpus: number; memoryBytes: number; maxAgents: number };
  /** The node's last load report, if any (epoch ms `at`). */
  load?: NodeLoad & { at: number };
  /** Agents homed on the node, as the load balancer counts them (placements minus departures). */
  agents: number;
  /** Agents homed on the node per kind (for per-kind quotas). */
  agentsByKind?: Record<string, number>;
  /** Network quality in [0, 1] (1 = best); 1 when unknown. */
  network?: number;
  breaker?: BreakerState;
}

/** The table a decision is made from. `version` increases with every change the load balancer applies. */
export interface PlacementTable {
  version: number;
  /** Epoch ms when this version was made. */
  at: number;
  nodes: PlacementNode[];
}

/** Where an agent may go: the constraints of a placement request. */
export interface PlacementConstraints {
  /** Every one of these capabilities is required. */
  capabilities?: string[];
  /** Every one of these labels must match exactly. */
  labels?: Record<string, string>;
  /** Anti-affinity: never these nodes. */
  avoidNodes?: string[];
}

/** A placement request. */
export interface PlacementRequest {
  agentId: string;
  kind: string;
  constraints?: PlacementConstraints;
  /** Tenant label of the agent (per-tenant quotas), if any. */
  tenant?: string;
}
