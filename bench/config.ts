/**
 * The benchmark's sizes and command line. Full mode is sized for a 2-core machine and a single-shard
 * dev server to finish in about 10–15 minutes; `--quick` proves the harness works in seconds and says
 * nothing about speed. Pure module.
 *
 * ```
 * npm run bench                                  # full, 3 repeats, results in bench/results/
 * npm run bench -- --repeat 5 --sweep 10,100,1000
 * npm run bench -- --only state,latency             # some groups only: <date>-latency-state.* files
 * npm run bench -- --only membership                # opt-in: failure detection, soak, cost (~20 min)
 * npm run bench -- --only migration --migrations 40  # opt-in: one live migration vs bare Temporal (~3 min)
 * node --import tsx bench/run.ts --quick --out /tmp/bench
 * ```
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { DETECTOR_PRESETS } from '../src/cluster/detector.js';

/** The groups of scenarios run by default (no `--only`), in the order they run and are reported. */
export const BENCH_GROUPS = ['throughput', 'latency', 'micro', 'sweep', 'state'] as const;
/**
 * Groups that run only when `--only` names them: `membership` starts node processes and dev servers of its
 * own, kills nodes, saturates every core for minutes (about 20 minutes in all); `migration` starts a
 * cluster of its own (a dev server, two node processes, two bare workers). A default run leaves them out.
 */
export const OPT_IN_GROUPS = ['membership', 'migration'] as const;
/** Every group, default ones first, in the order they run and are reported. */
export const ALL_GROUPS = [...BENCH_GROUPS, ...OPT_IN_GROUPS] as const;
export type BenchGroup = (typeof ALL_GROUPS)[number];

/** One line per group, for `--help`. */
export const GROUP_HELP: Record<BenchGroup, string> = {
  throughput: 'N agents × M signals: bare signal, send (one per RPC), coalesced send, sendBatch',
  latency: 'client → new state, one call at a time: jido.call vs a bare update, p50/p95/p99',
  micro: 'in process: router matches/s (1,000 routes), safeParseSignal/s',
  sweep: 'K live agents (scale), and worker memory per cached agent vs a bare workflow',
  state: 'per-signal cost with a 1 KB vs a 200 KB agent state',
  membership: '(opt-in) real node processes: detection after kill -9, false suspicions with every core busy, history events per node per hour at two heartbeat rates, a cached agent\'s call after kill -9 of its worker vs bare Temporal',
  migration: '(opt-in) real node processes: one live migration of a hosted agent (memo) between two nodes, p50/p95, vs bare Temporal doing the same round trips',
};

/** The cluster presets a detection run can use (src/cluster/presets.ts). */
export const DETECT_PRESETS = ['production', 'development'] as const;
export type DetectPreset = (typeof DETECT_PRESETS)[number];

/** Sizes of the `membership` group. Durations in seconds unless named otherwise. */
export interface MembershipSizes {
  /** Presets whose detection is measured, each in a fresh cluster (production is the one the goal is about). */
  presets: DetectPreset[];
  /** `kill -9`s per preset. */
  kills: number;
  /** Other nodes kept live during the kills (the detectors and the membership run on them). */
  liveNodes: number;
  /** Nodes of the soak. */
  soakNodes: number;
  /** How long every core is kept busy. */
  soakSeconds: number;
  /** Nodes of each cost window. */
  costNodes: number;
  /** Length of each cost window. */
  costSeconds: number;
  /** Lease heartbeat intervals compared by the cost windows, ms (the lease timeout stays the preset's). */
  costHeartbeatsMs: number[];
  /** Kills per side and call delay in the stall runs. */
  stallRuns: number;
}

/** Sizes of the `migration` group. */
export interface MigrationSizes {
  /** Hosted (`memo`) agents started on the first node; migration i moves agent i mod `agents`, so they go back and forth. */
  agents: number;
  /** Measured migrations per side (runtime and bare), interleaved. */
  migrations: number;
  /** Untimed migrations per side first (a warm-up agent and partner of their own). */
  warmups: number;
  /** `memo.get` lookups of distinct keys per agent before it moves: its node-local cache. */
  warmKeys: number;
}

export interface BenchConfig {
  mode: 'full' | 'quick';
  /** The groups to run (`--only`), in {@link BENCH_GROUPS} order; all by default. */
  groups: BenchGroup[];
  repeat: number;
  /** Directory of the result files. */
  out: string;
  /** Client calls in flight at once, everywhere. */
  concurrency: number;
  throughput: { agents: number; signalsPerAgent: number; batchSize: number };
  latency: { calls: number; warmup: number };
  micro: { routes: number; durationMs: number };
  /**
   * Sizes above `onceAbove` are measured in the first repeat only (10,000 starts take minutes here), and
   * shrunk when projected to take longer than `budgetSec` or more than half the free memory. The bare
   * baselines run at `baselineSize` (one of the sizes, so per-signal costs compare at equal K).
   */
  sweep: { sizes: number[]; onceAbove: number; budgetSec: number; baselineSize: number };
  /** N agents × M signals, each agent starting with a state of `smallBytes` or `largeBytes` of JSON. */
  state: { agents: number; signalsPerAgent: number; smallBytes: number; largeBytes: number };
  membership: MembershipSizes;
  migration: MigrationSizes;
}

export const USAGE = [
  'usage: node --import tsx bench/run.ts [--quick] [--only GROUP[,GROUP…]] [--repeat N] [--out DIR]',
  '  [--sweep 10,100,1000,10000] [--sweep-once-above N] [--sweep-budget SEC] [--sweep-baseline K]',
  '  [--agents N] [--signals M] [--batch B] (throughput) [--calls N] (latency) [--concurrency C]',
  '  [--kills N] [--detect-presets production,development] [--soak-seconds S] [--cost-seconds S]',
  '  [--cost-heartbeats 250,1000] [--stall-runs N] (membership) [--migrations N] [--migration-agents K] (migration)',
  `groups (default: ${BENCH_GROUPS.join(', ')}; ${OPT_IN_GROUPS.join(', ')} only when --only names it):`,
  ...ALL_GROUPS.map((g) => `  ${g.padEnd(11)} ${GROUP_HELP[g]}`),
  'output: <out>/<date>.json, .md, .svg when every default group ran, else <date>-<groups>.* (e.g. 2026-11-22-state.md,',
  '  2026-11-22-membership.md, 2026-11-22-migration.md); --quick appends -quick. <out> defaults to bench/results.',
].join('\n');

function full(out: string): BenchConfig {
  return {
    mode: 'full',
    groups: [...BENCH_GROUPS],
    repeat: 3,
    out,
    concurrency: 64,
    throughput: { agents: 10, signalsPerAgent: 300, batchSize: 20 },
    latency: { calls: 200, warmup: 20 },
    micro: { routes: 1_000, durationMs: 1_000 },
    sweep: { sizes: [10, 100, 1_000, 10_000], onceAbove: 1_000, budgetSec: 480, baselineSize: 100 },
    state: { agents: 10, signalsPerAgent: 200, smallBytes: 1024, largeBytes: 200 * 1024 },
    membership: {
      presets: ['production', 'development'],
      kills: 5,
      liveNodes: 2,
      soakNodes: 3,
      soakSeconds: 300,
      costNodes: 3,
      costSeconds: 120,
      costHeartbeatsMs: [250, 1_000],
      stallRuns: 5,
    },
    migration: { agents: 20, migrations: 40, warmups: 2, warmKeys: 3 },
  };
}

function quick(out: string): BenchConfig {
  return {
    mode: 'quick',
    groups: [...BENCH_GROUPS],
    repeat: 1,
    out,
    concurrency: 32,
    throughput: { agents: 4, signalsPerAgent: 20, batchSize: 10 },
    latency: { calls: 20, warmup: 3 },
    micro: { routes: 1_000, durationMs: 100 },
    sweep: { sizes: [10, 100], onceAbove: 100, budgetSec: 60, baselineSize: 10 },
    state: { agents: 4, signalsPerAgent: 20, smallBytes: 1024, largeBytes: 200 * 1024 },
    membership: {
      presets: ['development'],
      kills: 2,
      liveNodes: 2,
      soakNodes: 2,
      soakSeconds: 15,
      costNodes: 2,
      costSeconds: 15,
      costHeartbeatsMs: [250, 1_000],
      stallRuns: 1,
    },
    migration: { agents: 2, migrations: 4, warmups: 1, warmKeys: 2 },
  };
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got "${value}")\n${USAGE}`);
  return n;
}

/**
 * The groups named by `--only` (comma-separated), deduplicated, in {@link ALL_GROUPS} order; the default
 * ones ({@link BENCH_GROUPS}) when `value` is undefined. Throws a one-line error naming the valid groups
 * on an unknown one.
 */
export function parseGroups(value: string | undefined): BenchGroup[] {
  if (value === undefined) return [...BENCH_GROUPS];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const valid = ALL_GROUPS.join(', ');
  if (names.length === 0) throw new Error(`--only needs at least one group; valid groups: ${valid}`);
  const unknown = names.filter((n) => !(ALL_GROUPS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown bench group${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in --only; valid groups: ${valid}`);
  }
  return ALL_GROUPS.filter((g) => names.includes(g));
}

/** True when exactly the default groups ran (a default run). */
export function isDefaultRun(groups: readonly BenchGroup[]): boolean {
  return BENCH_GROUPS.every((g) => groups.includes(g)) && !OPT_IN_GROUPS.some((g) => groups.includes(g));
}

/**
 * The file name (without extension) of a run's results: `<date>` when exactly the default groups ran,
 * else `<date>-<group>-<group>…`, so a partial run (or one with an opt-in group) never overwrites the
 * default run of the same day; `-quick` appended in quick mode.
 */
export function resultStem(date: string, groups: readonly BenchGroup[], mode: BenchConfig['mode']): string {
  const which = isDefaultRun(groups) ? '' : `-${ALL_GROUPS.filter((g) => groups.includes(g)).join('-')}`;
  return `${date}${which}${mode === 'quick' ? '-quick' : ''}`;
}

/** A comma-separated list of positive integers (`--cost-heartbeats 250,1000`), deduplicated, ascending. */
function positiveInts(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => positiveInt(name, s.trim()) as number);
  return [...new Set(list)].sort((a, b) => a - b);
}

/** `--detect-presets production,development`: known presets, in the order given, deduplicated. */
function detectPresets(value: string | undefined): DetectPreset[] | undefined {
  if (value === undefined) return undefined;
  const names = [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
  const unknown = names.filter((n) => !(DETECT_PRESETS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--detect-presets takes one or more of ${DETECT_PRESETS.join(', ')} (got "${value}")\n${USAGE}`);
  }
  return names as DetectPreset[];
}

/** Parses the command line into a config; throws with the usage on a bad flag. */
export function parseBenchArgs(argv: readonly string[], defaultOut: string): BenchConfig & { help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      repeat: { type: 'string' },
      out: { type: 'string' },
      sweep: { type: 'string' },
      'sweep-once-above': { type: 'string' },
      'sweep-budget': { type: 'string' },
      'sweep-baseline': { type: 'string' },
      agents: { type: 'string' },
      signals: { type: 'string' },
      batch: { type: 'string' },
      calls: { type: 'string' },
      concurrency: { type: 'string' },
      kills: { type: 'string' },
      'detect-presets': { type: 'string' },
      'soak-seconds': { type: 'string' },
      'cost-seconds': { type: 'string' },
      'cost-heartbeats': { type: 'string' },
      'stall-runs': { type: 'string' },
      migrations: { type: 'string' },
      'migration-agents': { type: 'string' },
    },
  });
  const out = values.out ?? defaultOut;
  const config = values.quick ? quick(out) : full(out);
  config.groups = parseGroups(values.only);
  config.repeat = positiveInt('repeat', values.repeat) ?? config.repeat;
  config.concurrency = positiveInt('concurrency', values.concurrency) ?? config.concurrency;
  config.throughput.agents = positiveInt('agents', values.agents) ?? config.throughput.agents;
  config.throughput.signalsPerAgent = positiveInt('signals', values.signals) ?? config.throughput.signalsPerAgent;
  config.throughput.batchSize = positiveInt('batch', values.batch) ?? config.throughput.batchSize;
  config.latency.calls = positiveInt('calls', values.calls) ?? config.latency.calls;
  if (values.sweep !== undefined) {
    const sizes = values.sweep.split(',').map((s) => positiveInt('sweep', s.trim()) as number);
    config.sweep.sizes = [...new Set(sizes)].sort((a, b) => a - b);
  }
  config.sweep.onceAbove = positiveInt('sweep-once-above', values['sweep-once-above']) ?? config.sweep.onceAbove;
  config.sweep.budgetSec = positiveInt('sweep-budget', values['sweep-budget']) ?? config.sweep.budgetSec;
  config.sweep.baselineSize = positiveInt('sweep-baseline', values['sweep-baseline']) ?? config.sweep.baselineSize;
  if (!config.sweep.sizes.includes(config.sweep.baselineSize)) {
    throw new Error(`--sweep-baseline must be one of the sweep sizes (${config.sweep.sizes.join(', ')}), got ${config.sweep.baselineSize}\n${USAGE}`);
  }
  const ms = config.membership;
  ms.kills = positiveInt('kills', values.kills) ?? ms.kills;
  ms.presets = detectPresets(values['detect-presets']) ?? ms.presets;
  ms.soakSeconds = positiveInt('soak-seconds', values['soak-seconds']) ?? ms.soakSeconds;
  ms.costSeconds = positiveInt('cost-seconds', values['cost-seconds']) ?? ms.costSeconds;
  ms.costHeartbeatsMs = positiveInts('cost-heartbeats', values['cost-heartbeats']) ?? ms.costHeartbeatsMs;
  ms.stallRuns = positiveInt('stall-runs', values['stall-runs']) ?? ms.stallRuns;
  config.migration.migrations = positiveInt('migrations', values.migrations) ?? config.migration.migrations;
  config.migration.agents = positiveInt('migration-agents', values['migration-agents']) ?? config.migration.agents;
  // The detector refuses a heartbeat slower than half its timeout, or faster than 50 ms (src/cluster/detector.ts).
  const slowest = DETECTOR_PRESETS.production.heartbeatTimeoutMs / 2;
  const bad = ms.costHeartbeatsMs.filter((h) => h < 50 || h > slowest);
  if (bad.length > 0) throw new Error(`--cost-heartbeats must each be 50 … ${slowest} ms (half the production lease timeout), got ${bad.join(', ')}\n${USAGE}`);
  return { ...config, help: values.help };
}
