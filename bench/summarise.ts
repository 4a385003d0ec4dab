/**
 * Turns the raw runs of one benchmark into its result: spreads over repeats, paired ratios against the
 * bare baseline, growth over the sweep, and the targets checked. Pure module.
 *
 * @module
 */
import type { BenchConfig } from './config.js';
import type { MachineFacts } from './machine.js';
import type { BenchResult, SweepPoint, SweepVsBare, TargetCheck } from './result.js';
import type { SweepRaw, SweepRuns } from './scenarios/sweep.js';
import { growth, pairedRatio, spread, type Percentiles } from './stats.js';

/** Everything measured, run by run. */
export interface RawRuns {
  throughput: { bare: number[]; runtime: number[]; batched: number[] };
  latency: Array<{ bare: Percentiles; runtime: Percentiles }>;
  micro: Array<{ router: number; routerUncached: number; parse: number }>;
  sweep: SweepRuns[];
  baselines: SweepRaw['baselines'];
}

/** Per-signal cost counts as flat while the largest size costs at most this many times the smallest. */
export const FLAT_GROWTH = 1.5;

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

function checks(r: Pick<BenchResult, 'throughput' | 'latency' | 'micro' | 'sweep'>): TargetCheck[] {
  const t = (name: string, target: string, measured: number, met: boolean | null): TargetCheck => ({ name, target, measured, met });
  const checks = [
    t('throughput runtime ÷ bare', '≥ 0.9', r.throughput.ratios.runtimeOverBare.median, r.throughput.ratios.runtimeOverBare.median >= 0.9),
    t('throughput batched ÷ bare', '≥ 3', r.throughput.ratios.batchedOverBare.median, r.throughput.ratios.batchedOverBare.median >= 3),
    t('latency p95 runtime ÷ bare', '≤ 1.2', r.latency.ratios.p95.median, r.latency.ratios.p95.median <= 1.2),
    t('per-signal cost, largest ÷ smallest sweep size', `≤ ${FLAT_GROWTH} (flat)`, r.sweep.growth.perSignal, r.sweep.growth.perSignal <= FLAT_GROWTH),
    t('router matches/s (1,000 routes)', '≥ 1,000,000', r.micro.routerMatchesPerSec.median, r.micro.routerMatchesPerSec.median >= 1_000_000),
  ];
  const memory = r.sweep.vsBare?.rssPerAgent.ownBundle.median;
  if (memory !== undefined) checks.push(t('worker RSS per cached agent ÷ bare workflow (own bundle)', 'none set', memory, null));
  return checks;
}

export function summarise(
  config: BenchConfig,
  raw: RawRuns,
  machine: MachineFacts,
  run: { startedAt: Date; finishedAt: Date; maxCachedWorkflows: number; notes: string[] },
): BenchResult {
  const tp = raw.throughput;
  const lat = (side: 'bare' | 'runtime', p: keyof Percentiles) => spread(raw.latency.map((x) => x[side][p]));
  const latRatio = (p: 'p50' | 'p95' | 'p99') => pairedRatio(raw.latency.map((x) => x.runtime[p]), raw.latency.map((x) => x.bare[p]));
  const points = raw.sweep.map(point);
  const sections = {
    throughput: {
      agents: config.throughput.agents,
      signalsPerAgent: config.throughput.signalsPerAgent,
      batchSize: config.throughput.batchSize,
      concurrency: config.concurrency,
      bare: spread(tp.bare),
      runtime: spread(tp.runtime),
      batched: spread(tp.batched),
      ratios: { runtimeOverBare: pairedRatio(tp.runtime, tp.bare), batchedOverBare: pairedRatio(tp.batched, tp.bare) },
    },
    latency: {
      calls: config.latency.calls,
      warmup: config.latency.warmup,
      runs: raw.latency,
      bare: { p50: lat('bare', 'p50'), p95: lat('bare', 'p95'), p99: lat('bare', 'p99') },
      runtime: { p50: lat('runtime', 'p50'), p95: lat('runtime', 'p95'), p99: lat('runtime', 'p99') },
      ratios: { p50: latRatio('p50'), p95: latRatio('p95'), p99: latRatio('p99') },
    },
    micro: {
      routes: config.micro.routes,
      routerMatchesPerSec: spread(pick(raw.micro, 'router')),
      routerUncachedMatchesPerSec: spread(pick(raw.micro, 'routerUncached')),
      parsePerSec: spread(pick(raw.micro, 'parse')),
    },
    sweep: {
      maxCachedWorkflows: run.maxCachedWorkflows,
      points,
      baselines: raw.baselines.map((b) => ({ subject: b.subject, ...point(b) })),
      vsBare: vsBare(raw),
      growth: {
        perSignal: growth(points.map((p) => p.perSignalMs.median)),
        perSignalSaturated: growth(saturated(points, config.concurrency).map((p) => p.perSignalMs.median)),
        rssPerAgent: (points[0]?.rssPerAgentKiB.median ?? 0) > 0 ? growth(points.map((p) => p.rssPerAgentKiB.median)) : null,
      },
    },
  };
  return {
    schema: 1,
    mode: config.mode,
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
