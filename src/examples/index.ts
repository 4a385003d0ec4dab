/**
 * The example agent kinds shipped with the runtime (used by `npm start`, the tests and the benchmarks).
 *
 * @module
 */
import { accumulatorAgent } from './accumulator.js';
import { memoAgent } from './memo.js';
import { probeAgent } from './probe.js';

export { accumulatorAgent, accumulatorState, type AccumulatorState } from './accumulator.js';
export { memoAgent, memoState, memoResultSchema, type MemoResult, type MemoState } from './memo.js';
export { probeAgent, probeState, nodeSampleSchema, PROBE_SAMPLES_KEPT, type NodeSample, type ProbeState } from './probe.js';

/** Every example kind, for registering with a client. */
export const exampleKinds = [accumulatorAgent, probeAgent, memoAgent] as const;
