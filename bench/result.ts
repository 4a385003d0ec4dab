/**
 * The shape of `bench/results/<date>.json` (or `<date>-<groups>.json`): everything one `npm run bench`
 * measured, with the machine it ran on. Figures from repeated runs are spreads (min / median / max, plus
 * every run); ratios are of runs paired within a repeat. A section is absent when its group did not run
 * (`--only`). JSON only.
 *
 * Schema 2 (from schema 1): sections optional and `groups` added; throughput `coalesced`; the `state`
 * section; sweep `projection`; targets may carry a `unit`.
 *
 * @module
 */
import type { BenchGroup } from './config.js';
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
  /** `send`, one RPC per signal (`coalesce: false`). */
  runtime: Spread;
  /** `send` through a default client: concurrent sends to one agent share a `jido.signals` RPC. */
  coalesced: Spread;
  batched: Spread;
  ratios: { runtimeOverBare: Spread; coalescedOverBare: Spread; batchedOverBare: Spread };
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

/** Worker memory for many live agents on one node, projected from one sweep size's RSS per agent. */
export interface MemoryProjection {
  /** Live agents projected to (10,000). */
  agents: number;
  /** The sweep size the figure comes from: the largest measured. */
  fromAgents: number;
  /** Its median worker RSS growth per agent, KiB. */
  rssPerAgentKiB: number;
  /** `rssPerAgentKiB × agents`, GiB. */
  totalGiB: number;
}

export interface SweepResult {
  maxCachedWorkflows: number;
  /** Client calls in flight at once. */
  concurrency: number;
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
  /** Null when no sweep size was measured. */
  projection: MemoryProjection | null;
}

/** One state size of scenario 5. */
export interface StateSizeSide {
  /** JSON bytes asked for. */
  targetBytes: number;
  /** JSON bytes of the state as the agent measured it (the same every run). */
  stateBytes: number;
  rows: number;
  /** Wall ms per signal, until every count is visible (as throughput: queries included). */
  perSignalMs: Spread;
  /** Worker process CPU ms per signal (all threads; idle polling included). */
  workerCpuMsPerSignal: Spread;
}

/** 5. Per-signal cost with a small and a large agent state (N agents × M signals, no coalescing). */
export interface StateResult {
  agents: number;
  signalsPerAgent: number;
  concurrency: number;
  small: StateSizeSide;
  large: StateSizeSide;
  /** large ÷ small, per repeat (above 1: a large state makes a signal dearer). */
  ratios: { perSignal: Spread; workerCpu: Spread };
}

/** A headline figure: a target of the issue and whether this run met it (null: no target set). */
export interface TargetCheck {
  name: string;
  target: string;
  measured: number;
  /** Shown after the measured figure (e.g. `GiB`); none for ratios and rates. */
  unit?: string;
  met: boolean | null;
}

export interface BenchResult {
  schema: 2;
  mode: 'full' | 'quick';
  /** The groups that ran (`--only`), in run order. */
  groups: BenchGroup[];
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  repeat: number;
  machine: MachineFacts;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  micro?: MicroResult;
  sweep?: SweepResult;
  state?: StateResult;
  targets: TargetCheck[];
  /** What was not measured as asked, and why; caveats of the method. */
  notes: string[];
}
