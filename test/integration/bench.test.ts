/**
 * The benchmark harness works end to end: `bench/run.ts --quick` starts its own dev server and worker
 * process, runs every default group of scenarios at tiny sizes and writes its three result files. Nothing
 * here is about speed — only that every figure is there and is a real number. The opt-in `membership`
 * group (node processes, kills, a CPU soak: minutes even at its quick sizes) is not part of that run; its
 * summary, report and chart are checked here from a made-up measurement.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchChart } from '../../bench/chart.js';
import { parseBenchArgs, resultStem } from '../../bench/config.js';
import type { MachineFacts } from '../../bench/machine.js';
import { markdownReport } from '../../bench/report.js';
import type { BenchResult } from '../../bench/result.js';
import type { MembershipRaw } from '../../bench/scenarios/membership.js';
import { emptyRuns, summarise } from '../../bench/summarise.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let out: string;
let run: { code: number | null; stdout: string; stderr: string };

/** Runs the quick benchmark as a child process, as `npm run bench -- --quick` would. */
function quickBench(dir: string): Promise<typeof run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGINT: the harness then removes its dev server and worker before exiting.
    const timer = setTimeout(() => child.kill('SIGINT'), 140_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every number under `value`, with its JSON path. */
function numbers(value: unknown, at = '$'): Array<[string, number]> {
  if (typeof value === 'number') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${at}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => numbers(v, `${at}.${k}`));
  return [];
}

/** Well-formed XML for what the chart writes: balanced tags, quoted attributes, escaped text. */
function expectWellFormedXml(xml: string): void {
  const open: string[] = [];
  for (const token of xml.match(/<[^>]*>|[^<]+/g) ?? []) {
    if (!token.startsWith('<')) {
      expect(token, 'text escapes & as an entity').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
    expect(tag, `malformed tag ${token}`).not.toBeNull();
    const [, closing, name, , selfClosing] = tag as RegExpExecArray;
    if (closing) expect(open.pop(), `unbalanced </${name}>`).toBe(name);
    else if (!selfClosing) open.push(name as string);
  }
  expect(open).toEqual([]);
}

function resultFile(ext: string): string {
  const name = readdirSync(out).find((f) => f.endsWith(`-quick.${ext}`));
  expect(name, `a *-quick.${ext} file in ${out}`).toBeDefined();
  return path.join(out, name as string);
}

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'bench-quick-'));
  run = await quickBench(out);
}, 150_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('benchmark harness (quick mode)', () => {
  it('exits cleanly and prints the markdown report', () => {
    expect(run.code, run.stderr.slice(-3_000)).toBe(0);
    expect(run.stdout).toContain('## Headline');
  });

  it('writes a JSON result with every section and real, positive figures', () => {
    expect(path.basename(resultFile('json'))).toMatch(/^\d{4}-\d{2}-\d{2}-quick\.json$/); // every group ran: no group names
    const result = JSON.parse(readFileSync(resultFile('json'), 'utf8')) as BenchResult;
    expect(result.mode).toBe('quick');
    expect(result.groups).toEqual(['throughput', 'latency', 'micro', 'sweep', 'state']);
    for (const section of ['machine', 'throughput', 'latency', 'micro', 'sweep', 'state', 'targets'] as const) expect(result[section]).toBeDefined();
    const { throughput, sweep, state } = result as Required<BenchResult>;
    expect(throughput.coalesced.runs).toHaveLength(1);
    expect(throughput.ratios.coalescedOverBare.median).toBeGreaterThan(0);
    expect(sweep.points.map((p) => p.agents)).toEqual([10, 100]);
    expect(sweep.baselines.map((b) => b.subject)).toEqual(['bare-bench-bundle', 'bare-own-bundle']);
    expect(sweep.vsBare?.agents).toBe(10);
    expect(sweep.projection).toMatchObject({ agents: 10_000, fromAgents: 100 });
    expect(state).toMatchObject({ agents: 4, signalsPerAgent: 20 });
    expect(state.small.stateBytes).toBeGreaterThanOrEqual(1024);
    expect(state.large.stateBytes).toBeGreaterThanOrEqual(200 * 1024);
    expect(state.ratios.perSignal.median).toBeGreaterThan(0);
    const names = result.targets.map((t) => t.name);
    for (const name of ['throughput coalesced send ÷ bare', 'per-signal cost, 200 KB ÷ 1 KB state', 'worker memory per cached agent ÷ bare workflow (own bundle)', 'projected memory for 10,000 live agents on one node']) {
      expect(names).toContain(name);
    }
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.temporalServer).toMatch(/^\d+\.\d+/);
    for (const [at, n] of numbers({ throughput, latency: result.latency, micro: result.micro, sweep, state })) {
      expect(Number.isFinite(n), `${at} = ${n}`).toBe(true);
      // Memory deltas of a handful of agents can drown in GC noise; every other figure is a rate or a time.
      if (!/PerAgentKiB|rssPerAgent|totalGiB/.test(at)) expect(n, at).toBeGreaterThan(0);
    }
  });

  it('writes the markdown report and an SVG chart', () => {
    const markdown = readFileSync(resultFile('md'), 'utf8');
    expect(markdown).toBe(run.stdout);
    const svg = readFileSync(resultFile('svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectWellFormedXml(svg.trim());
    expect(svg).toContain('Runtime ÷ bare');
    expect(svg).toContain('State size');
  });
});

describe('membership group (opt-in)', () => {
  const kill = (downSec: number, suspectSec: number | null) => ({ nodeId: 'victim-1', incarnation: 1, killedAt: 0, suspectSec, downSec, detectorOnVictim: false, membershipOnVictim: downSec > 5 });
  const costWindow = (heartbeatEveryMs: number, events: number) => ({
    heartbeatEveryMs,
    heartbeatTimeoutMs: 2_500,
    nodes: 3,
    windowSec: 120,
    loadReportMs: 10_000,
    loadReports: 36,
    membership: { events, perNodePerHour: events * 10 },
    detectors: { events: 0, perNodePerHour: 0 },
    healthMonitor: { events: 100, perNodePerHour: 1_000 },
  });
  const stallRun = (side: 'runtime' | 'bare', delayMs: number, callMs: number) => ({ side, delayMs, callMs, sinceKillMs: callMs + delayMs, timeouts: ['start-to-close'] });
  const measured: MembershipRaw = {
    detection: [
      { preset: 'production', heartbeatTimeoutMs: 2_500, heartbeatEveryMs: 400, confirmTimeoutMs: 1_500, stickyTimeoutMs: 2_000, liveNodes: 2, kills: [kill(4, 2.5), kill(4.5, 2.6), kill(6, null)] },
    ],
    stall: {
      runs: [stallRun('runtime', 0, 4_000), stallRun('bare', 0, 10_000), stallRun('bare', 2_000, 10_000), stallRun('runtime', 2_000, 2_000)],
      runtimePreset: 'production',
      runtimeStickyTimeoutMs: 2_000,
      runtimeWorkflowTaskTimeoutMs: 4_000,
      bareStickyTimeoutMs: 10_000,
      bareWorkflowTaskTimeoutMs: 10_000,
      delayMs: 2_000,
    },
    soak: { preset: 'production', nodes: 3, seconds: 300, burners: 2, cores: 2, burnerCpuShare: 0.6, machineBusyShare: 1, suspects: 0, downs: 0, falseSuspicions: 0, detectorSuspicions: 0, otherTransitions: { quarantined: 1 } },
    cost: [costWindow(1_000, 300), costWindow(250, 330)],
    notes: [],
  };
  const machine: MachineFacts = { cores: 2, cpuModel: 'cpu', memoryGiB: 8, node: 'v20', os: 'Linux', temporalCli: 'temporal 1.5.1', temporalServer: '1.29.1', sdk: '1.24.0' };

  it('runs only when --only names it, and names its result files after it', () => {
    expect(parseBenchArgs([], '/r').groups).not.toContain('membership');
    const config = parseBenchArgs(['--only', 'membership', '--kills', '7', '--soak-seconds', '30', '--cost-heartbeats', '1000,250'], '/r');
    expect(config.groups).toEqual(['membership']);
    expect(config.membership).toMatchObject({ kills: 7, soakSeconds: 30, costHeartbeatsMs: [250, 1_000] });
    expect(() => parseBenchArgs(['--cost-heartbeats', '2000'], '/r')).toThrow(/--cost-heartbeats/);
    expect(resultStem('2026-11-22', config.groups, 'full')).toBe('2026-11-22-membership');
    expect(resultStem('2026-11-22', ['throughput', 'latency', 'micro', 'sweep', 'state', 'membership'], 'full')).toBe('2026-11-22-throughput-latency-micro-sweep-state-membership');
  });

  it('summarises detection, the soak, the cost and the stall against their targets, and reports them', () => {
    const config = parseBenchArgs(['--only', 'membership'], '/r');
    const raw = { ...emptyRuns(), membership: measured };
    const t0 = new Date('2026-11-22T00:00:00Z');
    const r = summarise(config, raw, machine, { startedAt: t0, finishedAt: new Date(t0.getTime() + 1_000), maxCachedWorkflows: 0, notes: [] });
    const m = r.membership as NonNullable<BenchResult['membership']>;
    expect(m.detection[0]?.downSec).toMatchObject({ median: 4.5, max: 6 });
    expect(m.detection[0]?.downOverLeaseTimeout.median).toBeCloseTo(1.8);
    expect(m.detection[0]?.suspectSec?.runs).toEqual([2.5, 2.6]);
    expect(m.cost?.windows.map((w) => w.heartbeatEveryMs)).toEqual([250, 1_000]);
    expect(m.cost?.membershipSlowOverFast).toBeCloseTo(300 / 330);
    expect(m.stall?.ratios.immediate.median).toBeCloseTo(0.4);
    expect(m.stall?.sinceKill.runtime.delayed.median).toBe(4_000);
    expect(Object.fromEntries(r.targets.map((t) => [t.name, t.met]))).toEqual({
      'detection after kill -9, median of 3 (production)': true,
      'detection after kill -9, max of 3 (production)': false,
      'false suspicions, 3 nodes, 300 s with every core busy': true,
      'membership events per node per hour, heartbeat 1000 ÷ 250 ms': true,
      "a cached agent's call right after kill -9 of its worker, runtime ÷ bare (median)": null,
    });
    const md = markdownReport(r);
    expect(md).toContain('Groups: membership only (`--only`); not run: throughput, latency, micro, sweep, state.');
    for (const heading of ['## Membership', '### Detection after `kill -9`', '### False suspicions', '### Cost', '### A cached workflow']) expect(md).toContain(heading);
    expect(md).toContain('| 6 s | ≤ 5 s | no |');
    const svg = benchChart(r);
    expectWellFormedXml(svg.trim());
    expect(svg).toContain('kill -9 to suspect and to down');
  });
});
