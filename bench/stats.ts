/**
 * The arithmetic of the benchmark: percentiles of latency samples, the spread (min / median / max) of
 * repeated runs, and ratios of paired runs. Pure module.
 *
 * @module
 */

/** How a figure varied over repeated runs. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  /** Every run's value, in run order. */
  runs: number[];
}

/** Latency percentiles of one run, milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  count: number;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function assertSamples(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} needs at least one value`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`${what} needs finite values (got ${v})`);
}

/**
 * The `p`-th percentile (0–100) of `values`, interpolating linearly between the two nearest ranks
 * (the method of numpy's default and of most load-testing tools).
 */
export function percentile(values: readonly number[], p: number): number {
  assertSamples(values, 'percentile');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100] (got ${p})`);
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** The median: the 50th percentile. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** p50 / p95 / p99 and mean of latency samples. */
export function percentiles(samples: readonly number[]): Percentiles {
  assertSamples(samples, 'percentiles');
  const mean = samples.reduce((sum, v) => sum + v, 0) / samples.length;
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), mean, count: samples.length };
}

/** Min, median and max of repeated runs. */
export function spread(runs: readonly number[]): Spread {
  assertSamples(runs, 'spread');
  const s = sorted(runs);
  return { min: s[0] as number, median: median(s), max: s[s.length - 1] as number, runs: [...runs] };
}

/**
 * Ratios of paired runs (`a[i] / b[i]`), as a spread. Pairs come from the same repeat, measured back to
 * back, so drift of the machine over the whole run cancels out better than in a ratio of medians.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): Spread {
  if (a.length !== b.length) throw new RangeError(`pairedRatio needs as many runs on both sides (${a.length} vs ${b.length})`);
  return spread(a.map((v, i) => v / (b[i] as number)));
}

/** Operations per second of `count` operations done in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  if (!(ms > 0)) throw new RangeError(`perSecond needs a positive duration (got ${ms} ms)`);
  return (count * 1000) / ms;
}

/**
 * How a per-item figure grows with size: `last / first` over points ordered by size. 1 is flat, 2 means
 * it doubled from the smallest to the largest size.
 */
export function growth(values: readonly number[]): number {
  assertSamples(values, 'growth');
  return (values[values.length - 1] as number) / (values[0] as number);
}
