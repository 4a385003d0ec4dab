/** Every placement strategy, by name. @module */
import { capacityAware } from './capacity-aware.js';
import type { Strategy } from './common.js';
import { consistentHashing } from './consistent-hashing.js';
import { latencyAware } from './latency-aware.js';
import { leastConnections } from './least-connections.js';
import { powerOfK } from './power-of-k.js';
import { roundRobin } from './round-robin.js';
import { weightedRoundRobin } from './weighted-round-robin.js';
import { weightedScore } from './weighted-score.js';

export type { Strategy, StrategyChoice, StrategyContext } from './common.js';
export { BOUNDED_LOAD_FACTOR, loadBound } from './consistent-hashing.js';
export { ORLEANS_WEIGHTS } from './power-of-k.js';

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

export function isStrategyName(name: string): name is StrategyName {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, name);
}
