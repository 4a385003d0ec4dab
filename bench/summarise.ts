/**
 * Turns the raw runs of one benchmark into its result: spreads over repeats, paired ratios against the
 * bare baseline, growth over the sweep, and the targets checked. Only the groups that ran
 * (`config.groups`) get a section and their targets. Pure module.
 *
 * @module
 */
import type { BenchConfig, BenchGroup } from './config.js';
import type { MachineFacts } from './machine.js';
import type {
  BenchResult,
  CostResult,
  CostWindow,
  DetectionResult,
  MembershipResult,
  MemoryProjection,
  MigrationBenchResult,
  MigrationRun,
  MigrationSide,
  StallResult,
  StallRun,
  StateResult,
  StateSizeSide,
  SweepPoint,
  SweepResult,
  SweepVsBare,
  TargetCheck,
} from './result.js';
import type { DetectionRaw, MembershipRaw, StallRaw } from './scenarios/membership.js';
import type { MigrationRaw } from './scenarios/migration.js';
import type { StateSample, StateSize } from './scenarios/state.js';
import type { SweepRaw, SweepRuns } from './scenarios/sweep.js';
import { growth, median, pairedRatio, percentiles, spread, type Percentiles } from './stats.js';

/** Everything measured, run by run (empty for a group that did not run). */
export interface RawRuns {
  throughput: { bare: number[]; runtime: number[]; coalesced: number[]; batched: number[] };
  latency: Array<{ bare: Percentiles; runtime: Percentiles }>;
  micro: Array<{ router: number; routerUncached: number; parse: number }>;
  sweep: SweepRuns[];
  baselines: SweepRaw['baselines'];
  state: Record<StateSize, StateSample[]>;
  /** The opt-in `membership` group's measurements (absent when it did not run). */
  membership?: MembershipRaw;
  /** The opt-in `migration` group's measurements (absent when it did not run). */
  migration?: MigrationRaw;
}

/** Empty raw runs, to be filled by the groups that run. */
export function emptyRuns(): RawRuns {
  return {
    throughput: { bare: [], runtime: [], coalesced: [], batched: [] },
    latency: [],
    micro: [],
    sweep: [],
    baselines: [],
    state: { small: [], large: [] },
  };
}

/** Per-signal cost counts as flat while the largest size costs at most this many times the smallest. */
export const FLAT_GROWTH = 1.5;

/** Targets of the issue: memory per cached agent ÷ bare (own bundle), projected node memory, state size. */
export const MEMORY_VS_BARE = 1.5;
export const PROJECTED_AGENTS = 10_000;
export const PROJECTED_GIB = 8;
export const STATE_SIZE_RATIO = 1.2;
/** Targets of the membership issue: detection after `kill -9` (production preset), false suspicions. */
export const DETECTION_GOAL_SEC = 5;
export const FALSE_SUSPICIONS_GOAL = 0;
/**
 * Membership events per node per hour should not depend on the heartbeat rate: the slowest ÷ fastest
 * ratio counts as flat within this much either side of 1 (load reports land in a window ±1 at its edges).
 */
export const COST_FLAT_TOLERANCE = 0.2;

/** Worker memory for {@link PROJECTED_AGENTS} agents, from the largest sweep size measured. */
export function memoryProjection(points: readonly SweepPoint[], agents = PROJECTED_AGENTS): MemoryProjection | null {
  const largest = points.at(-1);
  if (largest === undefined) return null;
  const rssPerAgentKiB = largest.rssPerAgentKiB.median;
  return { agents, fromAgents: largest.agents, rssPerAgentKiB, totalGiB: (rssPerAgentKiB * agents) / 1024 ** 2 };
}

/** The sweep points from the first with at least `inFlight` agents on (all points when none has). */
function saturated(points: SweepPoint[], inFlight: number): SweepPoint[] {
  const from = points.findIndex((p) => p.agents >= inFlight);
  return from <= 0 ? points : points.slice(from);
}

function point({ requested, agents, samples }: SweepRuns): SweepPoint {
  return {
    requested,
    agents,
    perSignalMs: spread(pick(samples, 'perSignalMs')),
    startsPerSec: spread(pick(samples, 'startsPerSec')),
    rssPerAgentKiB: spread(pick(samples, 'rssPerAgentKiB')),
    heapPerAgentKiB: spread(pick(samples, 'heapPerAgentKiB')),
  };
}

/** Runtime ÷ bare at the baseline size, repeat by repeat; null when the sweep has no such size. */
function vsBare(raw: RawRuns): SweepVsBare | null {
  const bench = raw.baselines.find((b) => b.subject === 'bare-bench-bundle');
  const own = raw.baselines.find((b) => b.subject === 'bare-own-bundle');
  const runtime = raw.sweep.find((p) => p.agents === bench?.agents);
  if (bench === undefined || own === undefined || runtime === undefined) return null;
  const n = Math.min(runtime.samples.length, bench.samples.length, own.samples.length);
  const ratio = (side: SweepRuns, key: 'perSignalMs' | 'rssPerAgentKiB') =>
    pairedRatio(pick(runtime.samples.slice(0, n), key), pick(side.samples.slice(0, n), key));
  return {
    agents: runtime.agents,
    perSignal: { benchBundle: ratio(bench, 'perSignalMs'), ownBundle: ratio(own, 'perSignalMs') },
    rssPerAgent: { benchBundle: ratio(bench, 'rssPerAgentKiB'), ownBundle: ratio(own, 'rssPerAgentKiB') },
  };
}

const pick = <T, K extends keyof T>(rows: readonly T[], key: K): T[K][] => rows.map((r) => r[key]);

type Sections = Pick<BenchResult, 'throughput' | 'latency' | 'micro' | 'sweep' | 'state' | 'membership' | 'migration'>;

function checks(r: Sections): TargetCheck[] {
  const t = (name: string, target: string, measured: number, met: boolean | null, unit?: string): TargetCheck =>
    unit === undefined ? { name, target, measured, met } : { name, target, measured, unit, met };
  const out: TargetCheck[] = [];
  if (r.throughput !== undefined) {
    const { runtimeOverBare, coalescedOverBare, batchedOverBare } = r.throughput.ratios;
    out.push(
      t('throughput runtime ÷ bare', '≥ 0.9', runtimeOverBare.median, runtimeOverBare.median >= 0.9),
      t('throughput coalesced send ÷ bare', 'none set', coalescedOverBare.median, null),
      t('throughput batched ÷ bare', '≥ 3', batchedOverBare.median, batchedOverBare.median >= 3),
    );
  }
  if (r.latency !== undefined) out.push(t('latency p95 runtime ÷ bare', '≤ 1.2', r.latency.ratios.p95.median, r.latency.ratios.p95.median <= 1.2));
  if (r.sweep !== undefined) {
    const g = r.sweep.growth.perSignal;
    out.push(t('per-signal cost, largest ÷ smallest sweep size', `≤ ${FLAT_GROWTH} (flat)`, g, g <= FLAT_GROWTH));
  }
  if (r.state !== undefined) {
    const ratio = r.state.ratios.perSignal.median;
    const kb = (b: number) => `${Math.round(b / 1024)} KB`;
    out.push(t(`per-signal cost, ${kb(r.state.large.targetBytes)} ÷ ${kb(r.state.small.targetBytes)} state`, `≤ ${STATE_SIZE_RATIO}`, ratio, ratio <= STATE_SIZE_RATIO));
  }
  if (r.micro !== undefined) {
    const m = r.micro.routerMatchesPerSec.median;
    out.push(t('router matches/s (1,000 routes)', '≥ 1,000,000', m, m >= 1_000_000));
  }
  if (r.sweep !== undefined) {
    const memory = r.sweep.vsBare?.rssPerAgent.ownBundle.median;
    if (memory !== undefined) out.push(t('worker memory per cached agent ÷ bare workflow (own bundle)', `≤ ${MEMORY_VS_BARE}`, memory, memory <= MEMORY_VS_BARE));
    const p = r.sweep.projection;
    if (p !== null) {
      out.push(t(`projected memory for ${p.agents.toLocaleString('en-US')} live agents on one node`, `≤ ${PROJECTED_GIB} GiB`, p.totalGiB, p.totalGiB <= PROJECTED_GIB, 'GiB'));
    }
  }
  if (r.membership !== undefined) out.push(...membershipChecks(r.membership, t));
  const ratios = r.migration?.ratios;
  if (ratios != null) {
    out.push(
      t('one live migration of a hosted agent, p50, runtime ÷ bare Temporal', 'none set', ratios.p50, null),
      t('one live migration of a hosted agent, p95, runtime ÷ bare Temporal', 'none set', ratios.p95, null),
    );
  }
  return out;
}

function membershipChecks(m: MembershipResult, t: (name: string, target: string, measured: number, met: boolean | null, unit?: string) => TargetCheck): TargetCheck[] {
  const out: TargetCheck[] = [];
  const goal = `≤ ${DETECTION_GOAL_SEC} s`;
  for (const d of m.detection) {
    // The goal is about production; other presets are reported beside it.
    const target = d.preset === 'production' ? goal : 'none set';
    const met = (v: number) => (d.preset === 'production' ? v <= DETECTION_GOAL_SEC : null);
    out.push(
      t(`detection after kill -9, median of ${d.kills.length} (${d.preset})`, target, d.downSec.median, met(d.downSec.median), 's'),
      t(`detection after kill -9, max of ${d.kills.length} (${d.preset})`, target, d.downSec.max, met(d.downSec.max), 's'),
    );
  }
  if (m.soak !== null) {
    const s = m.soak;
    out.push(t(`false suspicions, ${s.nodes} nodes, ${fmtSeconds(s.seconds)} s with every core busy`, String(FALSE_SUSPICIONS_GOAL), s.falseSuspicions, s.falseSuspicions <= FALSE_SUSPICIONS_GOAL));
  }
  if (m.cost !== null && m.cost.windows.length > 1) {
    const [fast, slow] = [m.cost.windows[0] as CostWindow, m.cost.windows.at(-1) as CostWindow];
    const r = m.cost.membershipSlowOverFast;
    out.push(t(`membership events per node per hour, heartbeat ${slow.heartbeatEveryMs} ÷ ${fast.heartbeatEveryMs} ms`, `1 ± ${COST_FLAT_TOLERANCE} (independent of the rate)`, r, Math.abs(r - 1) <= COST_FLAT_TOLERANCE));
  }
  if (m.stall !== null) {
    out.push(t('a cached agent\'s call right after kill -9 of its worker, runtime ÷ bare (median)', 'none set', m.stall.ratios.immediate.median, null));
  }
  return out;
}

const fmtSeconds = (s: number): string => String(Math.round(s));

function detectionSection(d: DetectionRaw): DetectionResult {
  const suspects = d.kills.flatMap((k) => (k.suspectSec === null ? [] : [k.suspectSec]));
  return {
    ...d,
    suspectSec: suspects.length > 0 ? spread(suspects) : null,
    downSec: spread(d.kills.map((k) => k.downSec)),
    downOverLeaseTimeout: spread(d.kills.map((k) => (k.downSec * 1000) / d.heartbeatTimeoutMs)),
  };
}

function costSection(windows: readonly CostWindow[]): CostResult | null {
  if (windows.length === 0) return null;
  const sorted = [...windows].sort((a, b) => a.heartbeatEveryMs - b.heartbeatEveryMs);
  const fast = sorted[0] as CostWindow;
  const slow = sorted.at(-1) as CostWindow;
  return {
    windows: sorted,
    membershipSlowOverFast: slow.membership.perNodePerHour / fast.membership.perNodePerHour,
    detectorsSlowOverFast: fast.detectors.events > 0 ? slow.detectors.perNodePerHour / fast.detectors.perNodePerHour : null,
  };
}

/** Null when the runs do not make a runtime–bare pair at both delays (a run that stopped early). */
function stallSection(s: StallRaw): StallResult | null {
  // Pairs in run order; a side's run whose partner never ran is left out.
  const all = (side: StallRun['side'], later: boolean) => s.runs.filter((r) => r.side === side && r.delayMs > 0 === later);
  const pairs = (later: boolean) => Math.min(all('runtime', later).length, all('bare', later).length);
  if (pairs(false) === 0 || pairs(true) === 0) return null;
  const pickRuns = (side: StallRun['side'], later: boolean, key: 'callMs' | 'sinceKillMs') =>
    all(side, later)
      .slice(0, pairs(later))
      .map((r) => r[key]);
  const calls = (side: StallRun['side'], later: boolean) => pickRuns(side, later, 'callMs');
  const side = (which: StallRun['side'], key: 'callMs' | 'sinceKillMs' = 'callMs') => ({
    immediate: spread(pickRuns(which, false, key)),
    delayed: spread(pickRuns(which, true, key)),
  });
  return {
    ...s,
    runtime: side('runtime'),
    bare: side('bare'),
    sinceKill: { runtime: side('runtime', 'sinceKillMs'), bare: side('bare', 'sinceKillMs') },
    ratios: {
      immediate: pairedRatio(calls('runtime', false), calls('bare', false)),
      delayed: pairedRatio(calls('runtime', true), calls('bare', true)),
    },
  };
}

/** Spreads and ratios of the membership group's raw measurements. */
export function membershipSection(m: MembershipRaw): MembershipResult {
  return {
    detection: m.detection.map(detectionSection),
    soak: m.soak,
    cost: costSection(m.cost),
    stall: m.stall === null ? null : stallSection(m.stall),
  };
}

function migrationSide(runs: readonly MigrationRun[]): MigrationSide {
  const ms = runs.filter((r) => r.ok).map((r) => r.ms);
  const dispatch = runs.flatMap((r) => (r.ok && r.dispatch !== undefined ? [r.dispatch] : []));
  return {
    dispatch: dispatch.length === 0 ? null : { tasks: median(dispatch.map((d) => d.tasks)), ms: median(dispatch.map((d) => d.ms)) },
    completed: ms.length,
    failed: runs.length - ms.length,
    ms: ms.length > 0 ? percentiles(ms) : null,
    minMs: ms.length > 0 ? Math.min(...ms) : null,
    maxMs: ms.length > 0 ? Math.max(...ms) : null,
  };
}

/** Percentiles per side of the completed migrations, failures counted, and runtime ÷ bare of the p50s and p95s. */
export function migrationSection(m: MigrationRaw): MigrationBenchResult {
  const runtime = migrationSide(m.runs.filter((r) => r.side === 'runtime'));
  const bare = migrationSide(m.runs.filter((r) => r.side === 'bare'));
  const ratios =
    runtime.ms === null || bare.ms === null ? null : { p50: runtime.ms.p50 / bare.ms.p50, p95: runtime.ms.p95 / bare.ms.p95, mean: runtime.ms.mean / bare.ms.mean };
  return { preset: m.preset, agents: m.agents, warmKeys: m.warmKeys, warmups: m.warmups, migrations: m.migrations, runtime, bare, ratios, cacheCheck: m.cacheCheck, runs: m.runs };
}

function stateSide(samples: readonly StateSample[], targetBytes: number): StateSizeSide {
  const last = samples.at(-1) as StateSample;
  return {
    targetBytes,
    stateBytes: last.stateBytes,
    rows: last.rows,
    perSignalMs: spread(pick(samples, 'perSignalMs')),
    workerCpuMsPerSignal: spread(pick(samples, 'workerCpuMsPerSignal')),
  };
}

function stateSection(config: BenchConfig, raw: RawRuns): StateResult {
  const { small, large } = raw.state;
  return {
    agents: config.state.agents,
    signalsPerAgent: config.state.signalsPerAgent,
    concurrency: config.concurrency,
    small: stateSide(small, config.state.smallBytes),
    large: stateSide(large, config.state.largeBytes),
    ratios: {
      perSignal: pairedRatio(pick(large, 'perSignalMs'), pick(small, 'perSignalMs')),
      workerCpu: pairedRatio(pick(large, 'workerCpuMsPerSignal'), pick(small, 'workerCpuMsPerSignal')),
    },
  };
}

function sweepSection(config: BenchConfig, raw: RawRuns, maxCachedWorkflows: number): SweepResult {
  const points = raw.sweep.map(point);
  return {
    maxCachedWorkflows,
    concurrency: config.concurrency,
    points,
    baselines: raw.baselines.map((b) => ({ subject: b.subject, ...point(b) })),
    vsBare: vsBare(raw),
    growth: {
      perSignal: growth(points.map((p) => p.perSignalMs.median)),
      perSignalSaturated: growth(saturated(points, config.concurrency).map((p) => p.perSignalMs.median)),
      rssPerAgent: (points[0]?.rssPerAgentKiB.median ?? 0) > 0 ? growth(points.map((p) => p.rssPerAgentKiB.median)) : null,
    },
    projection: memoryProjection(points),
  };
}

export function summarise(
  config: BenchConfig,
  raw: RawRuns,
  machine: MachineFacts,
  run: { startedAt: Date; finishedAt: Date; maxCachedWorkflows: number; notes: string[] },
): BenchResult {
  const ran = (g: BenchGroup) => config.groups.includes(g);
  const tp = raw.throughput;
  const lat = (side: 'bare' | 'runtime', p: keyof Percentiles) => spread(raw.latency.map((x) => x[side][p]));
  const latRatio = (p: 'p50' | 'p95' | 'p99') => pairedRatio(raw.latency.map((x) => x.runtime[p]), raw.latency.map((x) => x.bare[p]));
  const sections: Sections = {};
  if (ran('throughput')) {
    sections.throughput = {
      agents: config.throughput.agents,
      signalsPerAgent: config.throughput.signalsPerAgent,
      batchSize: config.throughput.batchSize,
      concurrency: config.concurrency,
      bare: spread(tp.bare),
      runtime: spread(tp.runtime),
      coalesced: spread(tp.coalesced),
      batched: spread(tp.batched),
      ratios: {
        runtimeOverBare: pairedRatio(tp.runtime, tp.bare),
        coalescedOverBare: pairedRatio(tp.coalesced, tp.bare),
        batchedOverBare: pairedRatio(tp.batched, tp.bare),
      },
    };
  }
  if (ran('latency')) {
    sections.latency = {
      calls: config.latency.calls,
      warmup: config.latency.warmup,
      runs: raw.latency,
      bare: { p50: lat('bare', 'p50'), p95: lat('bare', 'p95'), p99: lat('bare', 'p99') },
      runtime: { p50: lat('runtime', 'p50'), p95: lat('runtime', 'p95'), p99: lat('runtime', 'p99') },
      ratios: { p50: latRatio('p50'), p95: latRatio('p95'), p99: latRatio('p99') },
    };
  }
  if (ran('micro')) {
    sections.micro = {
      routes: config.micro.routes,
      routerMatchesPerSec: spread(pick(raw.micro, 'router')),
      routerUncachedMatchesPerSec: spread(pick(raw.micro, 'routerUncached')),
      parsePerSec: spread(pick(raw.micro, 'parse')),
    };
  }
  if (ran('sweep')) sections.sweep = sweepSection(config, raw, run.maxCachedWorkflows);
  if (ran('state')) sections.state = stateSection(config, raw);
  if (ran('membership') && raw.membership !== undefined) sections.membership = membershipSection(raw.membership);
  if (ran('migration') && raw.migration !== undefined) sections.migration = migrationSection(raw.migration);
  return {
    schema: 2,
    mode: config.mode,
    groups: [...config.groups],
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationSec: Math.round((run.finishedAt.getTime() - run.startedAt.getTime()) / 100) / 10,
    repeat: config.repeat,
    machine,
    ...sections,
    targets: checks(sections),
    notes: run.notes,
  };
}
