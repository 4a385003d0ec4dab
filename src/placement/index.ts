/**
 * Placement: where a new agent goes. Pure and sandbox-safe, so the load balancer agent (a workflow) and
 * the client use the same code:
 *
 * ```ts
 * const d = place(table, { agentId: 'a1', kind: 'memo', constraints: { capabilities: ['gpu'] } }, 'weighted-score', { seq: 7 });
 * if (!d.ok) throw new Error(d.reason);   // names every node's problem: "node-b lacks capability "gpu"; …"
 * replayDecision(d) === d.node;           // the decision re-computes from what it recorded
 * ```
 *
 * - ./table.ts — the placement table (plain JSON) and the request.
 * - ./constraints.ts — which nodes may take the request, and why each other may not.
 * - ./strategies/ — one strategy per file: round robin, weighted round robin, least connections,
 *   capacity-aware, latency-aware, consistent hashing with bounded loads, power of k (Orleans' resource
 *   cost), the seeds' weighted score.
 * - ./place.ts — a decision that records its inputs (bounded), or a refusal that says why; replay.
 * - ./breakers.ts — per-node circuit breakers.
 * - ./resources.ts — thresholds and quotas (the resource manager's maths).
 *
 * @module
 */
export type { BreakerState, PlacementConstraints, PlacementNode, PlacementRequest, PlacementTable } from './table.js';
export { DEFAULT_THRESHOLDS, eligibleNodes, exclusion, exclusionRule, type Exclusion, type ResourceLimits } from './constraints.js';
export {
  place,
  replayDecision,
  RECORDED_CANDIDATES,
  RECORDED_EXCLUSIONS,
  type PlaceContext,
  type PlacementDecision,
  type PlacementRefusal,
  type RecordedCandidate,
  type RefusalCause,
} from './place.js';
export {
  allowsPlacement,
  BREAKER_DEFAULTS,
  CLOSED,
  currentState,
  recordFailure,
  recordSuccess,
  type BreakerConfig,
  type BreakerRecord,
} from './breakers.js';
export { checkQuota, nodeFits, overloaded, RESOURCE_DEFAULTS, resourceConfigSchema, type ResourceConfig, type ResourceUsage } from './resources.js';
export {
  agentKey,
  BOUNDED_LOAD_FACTOR,
  capacityScore,
  DEFAULT_K,
  hashWeight,
  isStrategyName,
  latencyMs,
  loadBound,
  MAX_REPORTED,
  ORLEANS_WEIGHTS,
  orleansCost,
  sampleRanks,
  sampleSize,
  STRATEGIES,
  STRATEGY_NAMES,
  strideFor,
  UNKNOWN_LATENCY_MS,
  weightedScoreOf,
  weightOf,
  type CandidateSummary,
  type Strategy,
  type StrategyChoice,
  type StrategyContext,
  type StrategyName,
  type StrategyOptions,
} from './strategies/index.js';
