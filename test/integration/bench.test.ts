/**
 * The benchmark harness works end to end: `bench/run.ts --quick` starts its own dev server and worker
 * process, runs every group of scenarios at tiny sizes and writes its three result files. Nothing here is
 * about speed — only that every figure is there and is a real number.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/result.js';

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
