/**
 * The pure parts of the benchmark harness (bench/): statistics, the command line, the summary against the
 * issue's targets, and the markdown and SVG reports. No server; the harness itself is exercised end to end
 * by test/integration/bench.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ballastAdd, ballastAgent, ballastRows } from '../../bench/ballast-agent.js';
import { barChart, benchChart, xmlEscape } from '../../bench/chart.js';
import { BENCH_GROUPS, parseBenchArgs, parseGroups, resultStem, USAGE } from '../../bench/config.js';
import type { MachineFacts } from '../../bench/machine.js';
import type { SweepPoint } from '../../bench/result.js';
import { fmt, fmtSpread, markdownReport } from '../../bench/report.js';
import { routeTable, signalTypes } from '../../bench/scenarios/micro.js';
import { growth, median, pairedRatio, percentile, percentiles, perSecond, spread, type Percentiles } from '../../bench/stats.js';
import { memoryProjection, summarise, type RawRuns } from '../../bench/summarise.js';
import { planStep, projectedSeconds, roundDown } from '../../bench/sweep-plan.js';
import { createRouter } from '../../src/router/index.js';

const machine: MachineFacts = {
  cores: 2,
  cpuModel: 'test cpu',
  memoryGiB: 24,
  node: 'v20.0.0',
  os: 'Linux',
  temporalCli: 'temporal version 1.5.1',
  temporalServer: '1.29.1',
  sdk: '1.24.0',
};

const pct = (p50: number): Percentiles => ({ p50, p95: p50 * 2, p99: p50 * 3, mean: p50, count: 100 });

const raw: RawRuns = {
  throughput: { bare: [100, 200], runtime: [90, 190], coalesced: [300, 400], batched: [400, 500] },
  latency: [
    { bare: pct(10), runtime: pct(11) },
    { bare: pct(20), runtime: pct(21) },
  ],
  micro: [
    { router: 2e6, routerUncached: 5e5, parse: 3e5 },
    { router: 3e6, routerUncached: 6e5, parse: 4e5 },
  ],
  sweep: [
    { requested: 10, agents: 10, samples: [{ perSignalMs: 10, startsPerSec: 50, rssPerAgentKiB: 100, heapPerAgentKiB: 5 }] },
    { requested: 100, agents: 100, samples: [{ perSignalMs: 2, startsPerSec: 60, rssPerAgentKiB: 110, heapPerAgentKiB: 4 }] },
    { requested: 1000, agents: 1000, samples: [{ perSignalMs: 3, startsPerSec: 70, rssPerAgentKiB: 120, heapPerAgentKiB: 3 }] },
  ],
  baselines: [
    { subject: 'bare-bench-bundle', requested: 100, agents: 100, samples: [{ perSignalMs: 2, startsPerSec: 60, rssPerAgentKiB: 100, heapPerAgentKiB: 4 }] },
    { subject: 'bare-own-bundle', requested: 100, agents: 100, samples: [{ perSignalMs: 1, startsPerSec: 80, rssPerAgentKiB: 22, heapPerAgentKiB: 4 }] },
  ],
  state: {
    small: [
      { perSignalMs: 2, workerCpuMsPerSignal: 1, stateBytes: 1_077, rows: 12 },
      { perSignalMs: 3, workerCpuMsPerSignal: 1, stateBytes: 1_077, rows: 12 },
    ],
    large: [
      { perSignalMs: 2.1, workerCpuMsPerSignal: 1.5, stateBytes: 204_857, rows: 2_306 },
      { perSignalMs: 3.6, workerCpuMsPerSignal: 1.1, stateBytes: 204_857, rows: 2_306 },
    ],
  },
};

function result(only?: string) {
  const config = parseBenchArgs(['--repeat', '2', '--concurrency', '64', ...(only === undefined ? [] : ['--only', only])], '/tmp/out');
  const t0 = new Date('2025-01-02T03:04:05Z');
  return summarise(config, raw, machine, { startedAt: t0, finishedAt: new Date(t0.getTime() + 61_000), maxCachedWorkflows: 11_000, notes: ['a <note>'] });
}

/** Well-formed XML for the subset the chart writes: balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const tokens = xml.match(/<[^>]*>|[^<]+/g) ?? [];
  for (const token of tokens) {
    if (!token.startsWith('<')) {
      expect(token, 'text must escape & as an entity').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
    expect(tag, `malformed tag ${token}`).not.toBeNull();
    const [, closing, name, , selfClosing] = tag as RegExpExecArray;
    if (closing) expect(stack.pop(), `unbalanced </${name}>`).toBe(name);
    else if (!selfClosing) stack.push(name as string);
  }
  expect(stack).toEqual([]);
}

describe('bench statistics', () => {
  it('interpolates percentiles between the nearest ranks', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([7], 99)).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentiles([4, 1, 3, 2])).toMatchObject({ p50: 2.5, mean: 2.5, count: 4 });
  });

  it('refuses empty or non-finite samples and percentiles outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => spread([1, Number.NaN])).toThrow(/finite/);
    expect(() => percentile([1], 101)).toThrow(/\[0, 100\]/);
    expect(() => perSecond(1, 0)).toThrow(/positive duration/);
  });

  it('reports the spread of repeats and ratios of paired runs', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, runs: [3, 1, 2] });
    expect(pairedRatio([2, 9], [1, 3])).toEqual({ min: 2, median: 2.5, max: 3, runs: [2, 3] });
    expect(() => pairedRatio([1], [1, 2])).toThrow(/as many runs/);
    expect(perSecond(500, 250)).toBe(2000);
    expect(growth([2, 3, 4])).toBe(2);
  });
});

describe('bench command line', () => {
  it('defaults to the full sizes with 3 repeats and the sweep to 10,000', () => {
    const c = parseBenchArgs([], '/r');
    expect(c).toMatchObject({ mode: 'full', repeat: 3, out: '/r', help: false });
    expect(c.sweep.sizes).toEqual([10, 100, 1_000, 10_000]);
  });

  it('has a quick mode of one repeat sweeping 10 and 100', () => {
    const c = parseBenchArgs(['--quick', '--out', '/tmp/x'], '/r');
    expect(c).toMatchObject({ mode: 'quick', repeat: 1, out: '/tmp/x' });
    expect(c.sweep.sizes).toEqual([10, 100]);
  });

  it('runs every group unless --only names some, in run order, and names the result files after them', () => {
    expect(parseBenchArgs([], '/r').groups).toEqual(['throughput', 'latency', 'micro', 'sweep', 'state']);
    expect(parseBenchArgs(['--only', 'state'], '/r').groups).toEqual(['state']);
    expect(parseBenchArgs(['--quick', '--only', ' state, latency,state '], '/r').groups).toEqual(['latency', 'state']);
    expect(parseGroups(undefined)).toEqual([...BENCH_GROUPS]);
    expect(resultStem('2026-11-22', BENCH_GROUPS, 'full')).toBe('2026-11-22');
    expect(resultStem('2026-11-22', ['state', 'micro', 'throughput', 'latency', 'sweep'], 'full')).toBe('2026-11-22');
    expect(resultStem('2026-11-22', ['state'], 'full')).toBe('2026-11-22-state');
    expect(resultStem('2026-11-22', ['state', 'latency'], 'full')).toBe('2026-11-22-latency-state');
    expect(resultStem('2026-11-22', BENCH_GROUPS, 'quick')).toBe('2026-11-22-quick');
    expect(resultStem('2026-11-22', ['sweep'], 'quick')).toBe('2026-11-22-sweep-quick');
    for (const g of BENCH_GROUPS) expect(USAGE).toContain(`  ${g} `);
  });

  it('rejects an unknown group in one line naming the valid ones', () => {
    const valid = 'valid groups: throughput, latency, micro, sweep, state';
    expect(() => parseBenchArgs(['--only', 'state,memory'], '/r')).toThrow(`unknown bench group "memory" in --only; ${valid}`);
    expect(() => parseGroups('x,y')).toThrow(`unknown bench groups "x", "y" in --only; ${valid}`);
    expect(() => parseGroups(' , ')).toThrow(`--only needs at least one group; ${valid}`);
    expect(() => parseGroups('memory')).toThrow(/^[^\n]+$/);
  });

  it('takes overrides and rejects what is not a positive integer', () => {
    expect(parseBenchArgs(['--repeat', '5', '--sweep', '100,10,100'], '/r')).toMatchObject({ repeat: 5, sweep: { sizes: [10, 100] } });
    expect(() => parseBenchArgs(['--repeat', '0'], '/r')).toThrow(/--repeat must be a positive integer/);
    expect(() => parseBenchArgs(['--bogus'], '/r')).toThrow();
  });
});

describe('bench summary and reports', () => {
  it('divides runtime by bare run by run and checks the targets', () => {
    const r = result();
    expect(r.schema).toBe(2);
    expect(r.groups).toEqual([...BENCH_GROUPS]);
    expect(r.throughput?.ratios.runtimeOverBare).toMatchObject({ min: 0.9, max: 0.95 });
    expect(r.throughput?.ratios.coalescedOverBare).toMatchObject({ min: 2, max: 3 });
    expect(r.throughput?.ratios.batchedOverBare.median).toBeCloseTo(3.25);
    expect(r.latency?.ratios.p95.median).toBeCloseTo((1.1 + 1.05) / 2);
    expect(r.sweep?.growth).toEqual({ perSignal: 0.3, perSignalSaturated: 1.5, rssPerAgent: 1.2 });
    expect(r.durationSec).toBe(61);
    expect(Object.fromEntries(r.targets.map((t) => [t.name, t.met]))).toEqual({
      'throughput runtime ÷ bare': true,
      'throughput coalesced send ÷ bare': null,
      'throughput batched ÷ bare': true,
      'latency p95 runtime ÷ bare': true,
      'per-signal cost, largest ÷ smallest sweep size': true,
      'per-signal cost, 200 KB ÷ 1 KB state': true,
      'router matches/s (1,000 routes)': true,
      'worker memory per cached agent ÷ bare workflow (own bundle)': false,
      'projected memory for 10,000 live agents on one node': true,
    });
    expect(r.sweep?.vsBare).toMatchObject({ agents: 100, perSignal: { benchBundle: { median: 1 }, ownBundle: { median: 2 } }, rssPerAgent: { ownBundle: { median: 5 } } });
  });

  it('pairs the state sizes repeat by repeat and records their cost per signal', () => {
    const st = result().state;
    expect(st).toMatchObject({ agents: 10, signalsPerAgent: 200, concurrency: 64 });
    expect(st?.small).toMatchObject({ targetBytes: 1024, stateBytes: 1_077, rows: 12, perSignalMs: { min: 2, max: 3 } });
    expect(st?.large).toMatchObject({ targetBytes: 200 * 1024, stateBytes: 204_857, rows: 2_306 });
    expect(st?.ratios.perSignal.runs.map((x) => Math.round(x * 100) / 100)).toEqual([1.05, 1.2]);
    expect(st?.ratios.perSignal.median).toBeCloseTo(1.125);
    expect(st?.ratios.workerCpu).toMatchObject({ min: 1.1, max: 1.5 });
  });

  it('projects worker memory for 10,000 agents from the largest sweep size', () => {
    const p = result().sweep?.projection;
    expect(p).toEqual({ agents: 10_000, fromAgents: 1000, rssPerAgentKiB: 120, totalGiB: (120 * 10_000) / 1024 ** 2 });
    const t = result().targets.find((x) => x.name.startsWith('projected memory'));
    expect(t).toMatchObject({ target: '≤ 8 GiB', unit: 'GiB', met: true });
    expect(memoryProjection([])).toBeNull();
    const big = memoryProjection([{ ...(result().sweep?.points[0] as SweepPoint), agents: 6_000, rssPerAgentKiB: spread([1_644]) }]);
    expect(big?.totalGiB).toBeCloseTo(15.68, 2);
  });

  it('leaves out the sections, targets and chart panels of the groups that did not run', () => {
    const r = result('state');
    expect(r.groups).toEqual(['state']);
    for (const section of ['throughput', 'latency', 'micro', 'sweep'] as const) expect(r[section]).toBeUndefined();
    expect(r.targets.map((t) => t.name)).toEqual(['per-signal cost, 200 KB ÷ 1 KB state']);
    const md = markdownReport(r);
    expect(md).toContain('Groups: state only (`--only`); not run: throughput, latency, micro, sweep.');
    expect(md).toContain('## State size: 10 agents × 200 signals, 1 KB vs 200 KB of state');
    for (const heading of ['## Throughput', '## Latency', '## Micro', '## Scale sweep']) expect(md).not.toContain(heading);
    const svg = benchChart(r);
    assertWellFormedXml(svg);
    expect(svg).toContain('State size');
    expect(svg).not.toContain('Runtime ÷ bare');
    const micro = result('micro');
    expect(micro.targets.map((t) => t.name)).toEqual(['router matches/s (1,000 routes)']);
    assertWellFormedXml(benchChart(micro));
    expect(markdownReport(micro)).toContain('## Micro');
  });

  it('writes a markdown report with the headline first and every scenario', () => {
    const md = markdownReport(result());
    expect(md.indexOf('## Headline')).toBeLessThan(md.indexOf('## Throughput'));
    for (const heading of ['## Latency', '## Micro', '## Scale sweep', '## State size', '## Notes']) expect(md).toContain(heading);
    expect(md).toContain('Groups: all (throughput, latency, micro, sweep, state).');
    expect(md).toContain('| throughput runtime ÷ bare | 0.925 | ≥ 0.9 | yes |');
    expect(md).toContain('| throughput coalesced send ÷ bare | 2.5 | none set | — |');
    expect(md).toContain('| projected memory for 10,000 live agents on one node | 1.14 GiB | ≤ 8 GiB | yes |');
    expect(md).toContain('| 200 KB ÷ 1 KB |  | 1.13× (1.05 – 1.2) |');
    expect(md).toContain('Projected worker memory for 10,000 live agents on one node: 1.14 GiB');
    expect(md).toContain('2 cores (test cpu), 24 GiB');
  });

  it('formats numbers for people and spreads as median (min – max)', () => {
    expect(fmt(1234567.8)).toBe('1,234,568');
    expect(fmt(12.345)).toBe('12.3');
    expect(fmt(0.12345)).toBe('0.123');
    expect(fmtSpread(spread([1, 2, 3]), '×')).toBe('2× (1 – 3)');
    expect(fmtSpread(spread([2]))).toBe('2');
  });

  it('draws a well-formed SVG chart, escaping labels', () => {
    const svg = benchChart(result());
    expect(svg.startsWith('<svg')).toBe(true);
    assertWellFormedXml(svg);
    expect(xmlEscape('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
    const odd = barChart('x & <y>', [{ title: 'p<q', ref: 1, bars: [{ label: '"l"', value: spread([1, 2]), tone: 'bare' }] }]);
    assertWellFormedXml(odd);
    expect(odd).toContain('x &amp; &lt;y&gt;');
  });
});

describe('bench sweep plan', () => {
  const rates = { startsPerSec: 40, perSignalMs: 10, rssPerAgentKiB: 1_000 };
  const roomy = { budgetSec: 1_000, freeMemKiB: 64 * 1024 ** 2, floor: 1_000 };

  it('projects a step from the rates of the one before', () => {
    expect(projectedSeconds(1_000, rates)).toBe(70);
    expect(roundDown(7_431)).toBe(7_000);
    expect(roundDown(0.5)).toBe(0);
  });

  it('runs the size asked for when it fits time and memory', () => {
    expect(planStep(10_000, rates, { ...roomy, budgetSec: 800 })).toEqual({ agents: 10_000 });
  });

  it('shrinks a step that would take longer than its budget, and says why', () => {
    const step = planStep(10_000, rates, { ...roomy, budgetSec: 400 });
    expect(step.agents).toBe(5_000);
    expect(step.reason).toMatch(/10,000 agents would take about 700 s .*40 starts\/s.*400 s budget/);
  });

  it('shrinks a step that would need more than its share of the free memory', () => {
    const step = planStep(10_000, rates, { ...roomy, freeMemKiB: 8 * 1024 ** 2 });
    expect(step.agents).toBe(5_000);
    expect(step.reason).toMatch(/about 10 GiB .* over 60 % of the 8 GiB free/);
  });

  it('skips a step that cannot be larger than the previous one', () => {
    expect(planStep(10_000, rates, { ...roomy, budgetSec: 40 })).toMatchObject({ agents: 0, reason: expect.stringMatching(/^skipped:/) });
  });
});

describe('bench state-size workload', () => {
  it('builds rows to the size asked for, give or take one row', () => {
    for (const bytes of [1024, 200 * 1024]) {
      const rows = ballastRows(bytes);
      const size = JSON.stringify({ count: 0, rows }).length;
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size - JSON.stringify(rows.at(-1)).length - 1).toBeLessThan(bytes);
      expect(ballastAgent.state.safeParse({ count: 0, rows }).success).toBe(true);
    }
    expect(ballastRows(1024)).toEqual(ballastRows(1024));
  });

  it('counts without copying the rows, within its raised state limit', () => {
    const state = { count: 0, rows: ballastRows(200 * 1024) };
    const next = ballastAdd.run(state, {}, undefined as never, undefined as never).state;
    expect(next.count).toBe(1);
    expect(next.rows).toBe(state.rows);
    expect(ballastAgent.options.maxStateBytes).toBe(512 * 1024);
    expect(ballastAgent.router.has('ballast.add')).toBe(true);
  });
});

describe('bench micro workload', () => {
  it('builds 1,000 valid routes that route most of its signal types', () => {
    const router = createRouter(routeTable(1_000));
    expect(router.size).toBe(1_000);
    const types = signalTypes(1_000);
    expect(new Set(types).size).toBe(1_000);
    expect(types.filter((t) => router.has(t)).length).toBeGreaterThan(900);
  });
});
