/**
 * The pure parts of the benchmark harness (bench/): statistics, the command line, the summary against the
 * issue's targets, and the markdown and SVG reports. No server; the harness itself is exercised end to end
 * by test/integration/bench.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { barChart, benchChart, xmlEscape } from '../../bench/chart.js';
import { parseBenchArgs } from '../../bench/config.js';
import type { MachineFacts } from '../../bench/machine.js';
import { fmt, fmtSpread, markdownReport } from '../../bench/report.js';
import { routeTable, signalTypes } from '../../bench/scenarios/micro.js';
import { growth, median, pairedRatio, percentile, percentiles, perSecond, spread, type Percentiles } from '../../bench/stats.js';
import { summarise, type RawRuns } from '../../bench/summarise.js';
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
  throughput: { bare: [100, 200], runtime: [90, 190], batched: [400, 500] },
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
};

function result() {
  const config = parseBenchArgs(['--repeat', '2', '--concurrency', '64'], '/tmp/out');
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

  it('takes overrides and rejects what is not a positive integer', () => {
    expect(parseBenchArgs(['--repeat', '5', '--sweep', '100,10,100'], '/r')).toMatchObject({ repeat: 5, sweep: { sizes: [10, 100] } });
    expect(() => parseBenchArgs(['--repeat', '0'], '/r')).toThrow(/--repeat must be a positive integer/);
    expect(() => parseBenchArgs(['--bogus'], '/r')).toThrow();
  });
});

describe('bench summary and reports', () => {
  it('divides runtime by bare run by run and checks the targets', () => {
    const r = result();
    expect(r.throughput.ratios.runtimeOverBare).toMatchObject({ min: 0.9, max: 0.95 });
    expect(r.throughput.ratios.batchedOverBare.median).toBeCloseTo(3.25);
    expect(r.latency.ratios.p95.median).toBeCloseTo((1.1 + 1.05) / 2);
    expect(r.sweep.growth).toEqual({ perSignal: 0.3, perSignalSaturated: 1.5, rssPerAgent: 1.2 });
    expect(r.durationSec).toBe(61);
    expect(Object.fromEntries(r.targets.map((t) => [t.name, t.met]))).toEqual({
      'throughput runtime ÷ bare': true,
      'throughput batched ÷ bare': true,
      'latency p95 runtime ÷ bare': true,
      'per-signal cost, largest ÷ smallest sweep size': true,
      'router matches/s (1,000 routes)': true,
      'worker RSS per cached agent ÷ bare workflow (own bundle)': null,
    });
    expect(r.sweep.vsBare).toMatchObject({ agents: 100, perSignal: { benchBundle: { median: 1 }, ownBundle: { median: 2 } }, rssPerAgent: { ownBundle: { median: 5 } } });
  });

  it('writes a markdown report with the headline first and every scenario', () => {
    const md = markdownReport(result());
    expect(md.indexOf('## Headline')).toBeLessThan(md.indexOf('## Throughput'));
    for (const heading of ['## Latency', '## Micro', '## Scale sweep', '## Notes']) expect(md).toContain(heading);
    expect(md).toContain('| throughput runtime ÷ bare | 0.925 | ≥ 0.9 | yes |');
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

describe('bench micro workload', () => {
  it('builds 1,000 valid routes that route most of its signal types', () => {
    const router = createRouter(routeTable(1_000));
    expect(router.size).toBe(1_000);
    const types = signalTypes(1_000);
    expect(new Set(types).size).toBe(1_000);
    expect(types.filter((t) => router.has(t)).length).toBeGreaterThan(900);
  });
});
