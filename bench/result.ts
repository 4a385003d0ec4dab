/**
 * The shape of `bench/results/<date>.json`: everything one `npm run bench` measured, with the machine it
 * ran on. Figures from repeated runs are spreads (min / median / max, plus every run); ratios are of runs
 * paired within a repeat. JSON only.
 *
 * @module
 */
import type { MachineFacts } from './machine.js';
import type { Percentiles, Spread } from './stats.js';

/** 1. Throughput, signals per second until the final count is visible. */
export interface ThroughputResult {
  agents: number;
  signalsPerAgent: number;
  batchSize: number;
  /** Client calls in flight at once. */
  concurrency: number;
  bare: Spread;
  runtime: Spread;
  batched: Spread;
  ratios: { runtimeOverBare: Spread; batchedOverBare: Spread };
}

/** 2. Latency of client → state visible (an update whose result is the new count), milliseconds. */
export interface LatencyResult {
  calls: number;
  warmup: number;
  /** Every repeat's percentiles, in run order. */
  runs: Array<{ bare: Percentiles; runtime: Percentiles }>;
  bare: { p50: Spread; p95: Spread; p99: Spread };
  runtime: { p50: Spread; p95: Spread; p99: Spread };
  /** runtime ÷ bare per percentile (above 1: the runtime is slower). */
  ratios: { p50: Spread; p95: Spread; p99: Spread };
}

/** 3. Pure, in-process operations per second. */
export interface MicroResult {
  routes: number;
  /** `router.match(type)` over 1,000 distinct types with the router's type cache (its normal mode). */
  routerMatchesPerSec: Spread;
  /** The same with the cache off (`cacheSize: 0`): a trie walk and a sort per match. */
  routerUncachedMatchesPerSec: Spread;
  /** `safeParseSignal` (zod validation of a CloudEvents envelope) per second. */
  parsePerSec: Spread;
}

/** 4. One size of the scale sweep. */
export interface SweepPoint {
  /** The size asked for; larger than `agents` when this machine could not afford it (see notes). */
  requested: number;
  agents: number;
  /** Wall time to deliver one signal to every agent and see it applied, ÷ agents, ms. */
  perSignalMs: Spread;
  /** Agents started per second (before the timed phase). */
  startsPerSec: Spread;
  /** Worker RSS growth ÷ agents, KiB (everything: V8 isolates of the workflow thread and Temporal core). */
  rssPerAgentKiB: Spread;
  /** Main-isolate heap growth ÷ agents, KiB (workflow code runs in a worker thread, so this is small). */
  heapPerAgentKiB: Spread;
}

/** A bare-counter step of the sweep: bundled with the runtime's modules, or alone. */
export interface SweepBaseline extends SweepPoint {
  subject: 'bare-bench-bundle' | 'bare-own-bundle';
}

/** Runtime ÷ bare at one size, per repeat (above 1: the runtime costs more). */
export interface SweepVsBare {
  agents: number;
  perSignal: { benchBundle: Spread; ownBundle: Spread };
  rssPerAgent: { benchBundle: Spread; ownBundle: Spread };
}

export interface SweepResult {
  maxCachedWorkflows: number;
  points: SweepPoint[];
  baselines: SweepBaseline[];
  /** Null when the baseline size is not one of the sweep's sizes. */
  vsBare: SweepVsBare | null;
  /**
   * Largest ÷ smallest size of the median per-signal cost and memory per agent (1 = flat).
   * `perSignalSaturated` starts at the first size with at least as many agents as calls in flight: below
   * that, one signal per agent cannot fill the pipeline and the figure is a round trip ÷ K.
   * `rssPerAgent` is null when the smallest size shows no RSS growth to divide by (GC noise at tiny K).
   */
  growth: { perSignal: number; perSignalSaturated: number; rssPerAgent: number | null };
}

/** A headline figure: a target of the issue and whether this run met it (null: no target set). */
export interface TargetCheck {
  name: string;
  target: string;
  measured: number;
  met: boolean | null;
}

export interface BenchResult {
  schema: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  repeat: number;
  machine: MachineFacts;
  throughput: ThroughputResult;
  latency: LatencyResult;
  micro: MicroResult;
  sweep: SweepResult;
  targets: TargetCheck[];
  /** What was not measured as asked, and why; caveats of the method. */
  notes: string[];
}
