/**
 * Every placement strategy, by name: one pure function per file, `(candidates, request, ctx) → choice`
 * (./common.ts). `STRATEGIES` is what the load balancer's `strategy` setting and `place` accept.
 *
 * @module
 */
import { capacityAware } from './capacity-aware.js';
import type { Strategy } from './common.js';
import { consistentHashing } from './consistent-hashing.js';
import { latencyAware } from './latency-aware.js';
import { leastConnections } from './least-connections.js';
import { powerOfK } from './power-of-k.js';
import { roundRobin } from './round-robin.js';
import { weightedRoundRobin } from './weighted-round-robin.js';
import { weightedScore } from './weighted-score.js';

export type { CandidateSummary, Strategy, StrategyChoice, StrategyContext, StrategyOptions } from './common.js';
export { MAX_REPORTED } from './common.js';
export { capacityScore } from './capacity-aware.js';
export { agentKey, BOUNDED_LOAD_FACTOR, hashWeight, loadBound } from './consistent-hashing.js';
export { latencyMs, UNKNOWN_LATENCY_MS } from './latency-aware.js';
export { DEFAULT_K, ORLEANS_WEIGHTS, orleansCost, sampleRanks, sampleSize } from './power-of-k.js';
export { strideFor, weightOf } from './weighted-round-robin.js';
export { weightedScoreOf } from './weighted-score.js';

export const STRATEGIES = {
  'round-robin': roundRobin,
  'weighted-round-robin': weightedRoundRobin,
  'least-connections': leastConnections,
  'capacity-aware': capacityAware,
  'latency-aware': latencyAware,
  'consistent-hashing': consistentHashing,
  'power-of-k': powerOfK,
  'weighted-score': weightedScore,
} as const satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof STRATEGIES;

/** Every strategy name, in the order above. */
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

export function isStrategyName(name: string): name is StrategyName {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, name);
}
