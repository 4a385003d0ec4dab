/**
 * The benchmark's sizes and command line. Full mode is sized for a 2-core machine and a single-shard
 * dev server to finish in about 10–15 minutes; `--quick` proves the harness works in seconds and says
 * nothing about speed. Pure module.
 *
 * ```
 * npm run bench                                  # full, 3 repeats, results in bench/results/
 * npm run bench -- --repeat 5 --sweep 10,100,1000
 * node --import tsx bench/run.ts --quick --out /tmp/bench
 * ```
 *
 * @module
 */
import { parseArgs } from 'node:util';

export interface BenchConfig {
  mode: 'full' | 'quick';
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
}

export const USAGE = `usage: node --import tsx bench/run.ts [--quick] [--repeat N] [--out DIR] [--sweep 10,100,1000,10000]
  [--sweep-once-above N] [--sweep-budget SEC] [--agents N] [--signals M] [--batch B] [--calls N] [--concurrency C]`;

function full(out: string): BenchConfig {
  return {
    mode: 'full',
    repeat: 3,
    out,
    concurrency: 64,
    throughput: { agents: 10, signalsPerAgent: 300, batchSize: 20 },
    latency: { calls: 200, warmup: 20 },
    micro: { routes: 1_000, durationMs: 1_000 },
    sweep: { sizes: [10, 100, 1_000, 10_000], onceAbove: 1_000, budgetSec: 480, baselineSize: 100 },
  };
}

function quick(out: string): BenchConfig {
  return {
    mode: 'quick',
    repeat: 1,
    out,
    concurrency: 32,
    throughput: { agents: 4, signalsPerAgent: 20, batchSize: 10 },
    latency: { calls: 20, warmup: 3 },
    micro: { routes: 1_000, durationMs: 100 },
    sweep: { sizes: [10, 100], onceAbove: 100, budgetSec: 60, baselineSize: 10 },
  };
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got "${value}")\n${USAGE}`);
  return n;
}

/** Parses the command line into a config; throws with the usage on a bad flag. */
export function parseBenchArgs(argv: readonly string[], defaultOut: string): BenchConfig & { help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      repeat: { type: 'string' },
      out: { type: 'string' },
      sweep: { type: 'string' },
      'sweep-once-above': { type: 'string' },
      'sweep-budget': { type: 'string' },
      agents: { type: 'string' },
      signals: { type: 'string' },
      batch: { type: 'string' },
      calls: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const out = values.out ?? defaultOut;
  const config = values.quick ? quick(out) : full(out);
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
  return { ...config, help: values.help };
}
