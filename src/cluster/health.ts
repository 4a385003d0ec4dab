/**
 * Node health as data: the HealthMonitor agent's anomaly detection, failure prediction, alerts and
 * quarantine, one pure step per sample ({@link observe}). The agent keeps a {@link NodeHealth} per node
 * incarnation in its state and carries it across continue-as-new; everything here is plain JSON.
 *
 * One step, `observe(health, sample, config)`:
 *
 * - **Anomalies (z-scores).** For cpu, memory and activity latency the z-score of the new value is taken
 *   against that metric's sliding window *before* the value is added: `(value − mean) / max(σ, minStdDev)`
 *   (population σ; the floor keeps a flat baseline from alarming on noise), and only once the window holds
 *   `minSamples` values. Then the value is appended and the window cut to its last `window` values, so the
 *   baseline adapts (anomalous values enter it too). Only upward deviations alarm: a drop in load is not an
 *   anomaly. `z ≥ threshold` → `<metric>-anomaly` warning; `z ≥ 2 × threshold` → critical.
 * - **Absolute limits.** `cpu ≥ limits.cpu` → `cpu-limit`, `memory ≥ limits.memory` → `memory-limit`,
 *   both critical, whatever the baseline.
 * - **Memory exhaustion.** `{ t: at, v: memory }` is appended to `trend` (last `trendWindow` points, sample
 *   times). Once it holds `minSamples` points, a least-squares line is fitted; if it rises (r² ≥ 0.5) and
 *   reaches 1.0 within `exhaustionHorizonMs` of this sample → `memory-exhaustion-predicted` warning, within
 *   a quarter of the horizon → critical (`predictedInMs` says when).
 * - **Rising latency.** Over the latency window *after* this sample is added (at least `minSamples` values),
 *   a line is fitted with the sample index as time (samples are taken at a steady cadence, and the window
 *   holds no times). Slope > 0, r² ≥ 0.8 and the latest latency ≥ 2 × that window's mean → `latency-rising`
 *   warning. A linear ramp alone does not qualify (its last value is below twice its mean unless it starts
 *   near zero): this catches accelerating growth and a sharp rise from a steady baseline.
 * - **Verdict.** `failing` when any critical alert or any anomaly alert is raised, `passing` otherwise
 *   (warnings that are not anomalies inform but do not fail a node). `failing` counts consecutive failing
 *   verdicts and resets to 0 on a passing one.
 * - **Quarantine.** Not quarantined: status is `failing` from one failing verdict, and at `failAfter`
 *   consecutive ones the node is quarantined (action `quarantine`, `quarantinedAt` = sample time); a passing
 *   verdict makes it `healthy` again (no action). Quarantined: a failing verdict clears `passingSince`; a
 *   passing one sets it if unset, and once `at − passingSince ≥ recoveryMs` the node is released (status
 *   `healthy`, action `release`, a `recovered` info alert). A quarantined node is never quarantined again.
 * - **Out-of-order samples.** A sample older than `lastAt` is ignored: the same `health` comes back, with no
 *   alerts, verdict `passing` and no action. A sample at the same instant as the last one is taken.
 * - **Bad input.** A non-finite field, cpu or memory outside [0, 1.5], or a negative latency or lag throws a
 *   `RangeError` naming the field. The agent validates samples with zod first; this is defence in depth.
 *   `eventLoopLagMs` is validated but drives no alert yet.
 *
 * Pure module: safe in the workflow sandbox (imports only zod; no clock, no randomness, inputs never
 * mutated).
 *
 * @module
 */
import { z } from 'zod';

/** One health report from a node. `cpu` and `memory` are fractions (normally in [0, 1]); `at` is epoch ms. */
export interface HealthSample {
  cpu: number;
  memory: number;
  activityLatencyMs: number;
  eventLoopLagMs: number;
  at: number;
}

export type Severity = 'info' | 'warning' | 'critical';

export type AlertKind =
  | 'cpu-anomaly'
  | 'memory-anomaly'
  | 'latency-anomaly'
  | 'cpu-limit'
  | 'memory-limit'
  | 'memory-exhaustion-predicted'
  | 'latency-rising'
  | 'recovered';

/**
 * An alert about one node incarnation. `value` is the measured value (for `recovered`, the ms the node
 * passed every check); `threshold` is what it was compared with (σ for anomalies, the limit, the horizon
 * in ms, or twice the latency mean).
 */
export interface HealthAlert {
  nodeId: string;
  incarnation: number;
  kind: AlertKind;
  severity: Severity;
  message: string;
  value: number;
  zScore?: number;
  threshold?: number;
  predictedInMs?: number;
  at: number;
}

/** Tuning of the monitor. Thresholds are in σ, windows in samples, times in ms. */
export interface HealthConfig {
  cpu: { threshold: number; window: number };
  memory: { threshold: number; window: number };
  latency: { threshold: number; window: number };
  /** z-scores (and trends) only once the window holds this many samples. */
  minSamples: number;
  /** Floor of σ, so a flat baseline does not alarm on noise. */
  minStdDev: { cpu: number; memory: number; latencyMs: number };
  /** Absolute limits (fractions): reaching one is critical. */
  limits: { cpu: number; memory: number };
  /** Memory points kept for exhaustion prediction. */
  trendWindow: number;
  /** Memory predicted to reach 1.0 within this → warning; within a quarter of it → critical. */
  exhaustionHorizonMs: number;
  /** Consecutive failing checks before quarantine. */
  failAfter: number;
  /** A quarantined node is released after passing every check for this long. */
  recoveryMs: number;
}

/** The defaults (cpu and memory thresholds and windows from the seed design). Frozen. */
export const HEALTH_DEFAULTS: HealthConfig = Object.freeze({
  cpu: Object.freeze({ threshold: 2.5, window: 20 }),
  memory: Object.freeze({ threshold: 2.0, window: 15 }),
  latency: Object.freeze({ threshold: 3.0, window: 20 }),
  minSamples: 5,
  minStdDev: Object.freeze({ cpu: 0.02, memory: 0.01, latencyMs: 5 }),
  limits: Object.freeze({ cpu: 0.95, memory: 0.95 }),
  trendWindow: 10,
  exhaustionHorizonMs: 600_000,
  failAfter: 3,
  recoveryMs: 60_000,
});

const positive = z.number().positive().finite();
const count = z.number().int().positive();
const metricSchema = z.strictObject({ threshold: positive, window: count });

/**
 * A complete {@link HealthConfig} (callers merge partial overrides onto {@link HEALTH_DEFAULTS} first).
 * Every number is positive; windows and counts are integers; `minSamples` may not exceed any window (it
 * would silently turn anomaly detection off).
 */
export const healthConfigSchema = z
  .strictObject({
    cpu: metricSchema,
    memory: metricSchema,
    latency: metricSchema,
    minSamples: count,
    minStdDev: z.strictObject({ cpu: positive, memory: positive, latencyMs: positive }),
    limits: z.strictObject({ cpu: positive, memory: positive }),
    trendWindow: count,
    exhaustionHorizonMs: positive,
    failAfter: count,
    recoveryMs: positive,
  })
  .refine((c) => c.minSamples <= Math.min(c.cpu.window, c.memory.window, c.latency.window), {
    message: 'minSamples must not exceed any window',
    path: ['minSamples'],
  }) satisfies z.ZodType<HealthConfig>;

/** What the monitor knows about one node incarnation. Plain JSON, carried in the agent's state. */
export interface NodeHealth {
  nodeId: string;
  incarnation: number;
  /** Sliding windows, oldest first. */
  cpu: number[];
  memory: number[];
  latency: number[];
  /** Memory over time, for exhaustion prediction. */
  trend: Array<{ t: number; v: number }>;
  /** Consecutive failing checks. */
  failing: number;
  status: 'healthy' | 'failing' | 'quarantined';
  /** While quarantined: since when every check has passed. */
  passingSince?: number;
  quarantinedAt?: number;
  /** Time of the last sample taken. */
  lastAt?: number;
}

/** A node incarnation nothing is known about yet. */
export function emptyNodeHealth(nodeId: string, incarnation: number): NodeHealth {
  return { nodeId, incarnation, cpu: [], memory: [], latency: [], trend: [], failing: 0, status: 'healthy' };
}

/** Arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Population standard deviation; NaN for no values. */
export function stdDev(xs: readonly number[]): number {
  const m = mean(xs);
  let sum = 0;
  for (const x of xs) sum += (x - m) * (x - m);
  return Math.sqrt(sum / xs.length);
}

/**
 * `(value − mean) / max(σ, minStdDev)` of `window` (the baseline, without `value`); undefined while the
 * window holds fewer than `minSamples` values (or none).
 */
export function zScore(window: readonly number[], value: number, minSamples: number, minStdDev: number): number | undefined {
  if (window.length === 0 || window.length < minSamples) return undefined;
  const m = mean(window);
  const sd = Math.max(stdDev(window), minStdDev);
  if (sd === 0) return value === m ? 0 : value > m ? Infinity : -Infinity;
  return (value - m) / sd;
}

interface Fit {
  slope: number;
  intercept: number;
  r2: number;
  meanT: number;
  meanV: number;
}

/** Least squares on centred times, so epoch-ms times keep their precision. */
function fit(points: ReadonlyArray<{ t: number; v: number }>): Fit | undefined {
  if (points.length < 3) return undefined;
  let st = 0;
  let sv = 0;
  for (const p of points) {
    st += p.t;
    sv += p.v;
  }
  const meanT = st / points.length;
  const meanV = sv / points.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dt = p.t - meanT;
    const dv = p.v - meanV;
    sxx += dt * dt;
    sxy += dt * dv;
    syy += dv * dv;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  // A constant series lies exactly on its (flat) line.
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: meanV - slope * meanT, r2, meanT, meanV };
}

/**
 * Least-squares line `v = slope·t + intercept` (slope per unit of `t`, per ms for sample times) and its r²
 * (1 for a constant series); undefined for fewer than 3 points or no spread in time.
 */
export function linearTrend(points: ReadonlyArray<{ t: number; v: number }>): { slope: number; intercept: number; r2: number } | undefined {
  const f = fit(points);
  return f && { slope: f.slope, intercept: f.intercept, r2: f.r2 };
}

/**
 * Time from the last point until the fitted line reaches `limit` (0 if it already has); undefined when
 * there is no fit, the line does not rise, or it explains the points poorly (r² < 0.5).
 */
export function timeToExhaustionMs(points: ReadonlyArray<{ t: number; v: number }>, limit = 1): number | undefined {
  const f = fit(points);
  const last = points[points.length - 1];
  if (f === undefined || last === undefined || f.slope <= 0 || f.r2 < 0.5) return undefined;
  const fittedNow = f.meanV + f.slope * (last.t - f.meanT);
  return Math.max(0, (limit - fittedNow) / f.slope);
}

/** The outcome of one sample: the new health, the alerts it raised, the verdict and what to do. */
export interface Observation {
  health: NodeHealth;
  alerts: HealthAlert[];
  verdict: 'passing' | 'failing';
  action?: 'quarantine' | 'release';
}

const SAMPLE_FIELDS = ['cpu', 'memory', 'activityLatencyMs', 'eventLoopLagMs', 'at'] as const;
const MAX_FRACTION = 1.5;

function checkSample(sample: HealthSample): void {
  for (const field of SAMPLE_FIELDS) {
    const v: unknown = sample[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`health sample ${field} must be a finite number (got ${String(v)})`);
  }
  for (const field of ['cpu', 'memory'] as const) {
    const v = sample[field];
    if (v < 0 || v > MAX_FRACTION) throw new RangeError(`health sample ${field} must be within [0, ${MAX_FRACTION}] (got ${v})`);
  }
  for (const field of ['activityLatencyMs', 'eventLoopLagMs'] as const) {
    if (sample[field] < 0) throw new RangeError(`health sample ${field} must not be negative (got ${sample[field]})`);
  }
}

function lastN<T>(xs: readonly T[], x: T, n: number): T[] {
  const out = [...xs, x];
  return out.length > n ? out.slice(out.length - n) : out;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const num = (x: number): string => String(Number(x.toPrecision(4)));
const secs = (ms: number): string => `${Math.round(ms / 1000)}s`;

/** Takes one sample; see the module documentation for the rules. Throws `RangeError` on a bad sample. */
export function observe(health: NodeHealth, sample: HealthSample, config: HealthConfig): Observation {
  checkSample(sample);
  if (health.lastAt !== undefined && sample.at < health.lastAt) return { health, alerts: [], verdict: 'passing' };

  const { nodeId, incarnation } = health;
  const at = sample.at;
  const who = `node ${nodeId}#${incarnation}`;
  const alerts: HealthAlert[] = [];
  const alert = (a: Omit<HealthAlert, 'nodeId' | 'incarnation' | 'at'>): void => {
    alerts.push({ nodeId, incarnation, ...a, at });
  };

  // Anomalies, against the windows before this sample enters them.
  const metrics = [
    { kind: 'cpu-anomaly', name: 'cpu', window: health.cpu, value: sample.cpu, cfg: config.cpu, floor: config.minStdDev.cpu, show: pct },
    { kind: 'memory-anomaly', name: 'memory', window: health.memory, value: sample.memory, cfg: config.memory, floor: config.minStdDev.memory, show: pct },
    {
      kind: 'latency-anomaly',
      name: 'activity latency',
      window: health.latency,
      value: sample.activityLatencyMs,
      cfg: config.latency,
      floor: config.minStdDev.latencyMs,
      show: (x: number) => `${num(x)}ms`,
    },
  ] as const;
  for (const m of metrics) {
    const z = zScore(m.window, m.value, config.minSamples, m.floor);
    if (z === undefined || z < m.cfg.threshold) continue;
    const severity: Severity = z >= 2 * m.cfg.threshold ? 'critical' : 'warning';
    alert({
      kind: m.kind,
      severity,
      message: `${who}: ${m.name} ${m.show(m.value)} is ${num(z)}σ above its mean ${m.show(mean(m.window))} (threshold ${m.cfg.threshold}σ)`,
      value: m.value,
      zScore: z,
      threshold: m.cfg.threshold,
    });
  }

  // Absolute limits.
  for (const metric of ['cpu', 'memory'] as const) {
    if (sample[metric] < config.limits[metric]) continue;
    alert({
      kind: `${metric}-limit`,
      severity: 'critical',
      message: `${who}: ${metric} ${pct(sample[metric])} is at or over its limit ${pct(config.limits[metric])}`,
      value: sample[metric],
      threshold: config.limits[metric],
    });
  }

  const cpu = lastN(health.cpu, sample.cpu, config.cpu.window);
  const memory = lastN(health.memory, sample.memory, config.memory.window);
  const latency = lastN(health.latency, sample.activityLatencyMs, config.latency.window);
  const trend = lastN(health.trend, { t: at, v: sample.memory }, config.trendWindow);

  // Memory exhaustion, from the trend over sample times.
  if (trend.length >= config.minSamples) {
    const eta = timeToExhaustionMs(trend);
    const horizon = config.exhaustionHorizonMs;
    if (eta !== undefined && eta <= horizon) {
      const severity: Severity = eta <= horizon / 4 ? 'critical' : 'warning';
      alert({
        kind: 'memory-exhaustion-predicted',
        severity,
        message: `${who}: memory ${pct(sample.memory)} is predicted to run out in ${secs(eta)} (horizon ${secs(severity === 'critical' ? horizon / 4 : horizon)})`,
        value: sample.memory,
        threshold: horizon,
        predictedInMs: eta,
      });
    }
  }

  // Rising latency, over the updated window with the sample index as time.
  if (latency.length >= config.minSamples) {
    const line = linearTrend(latency.map((v, t) => ({ t, v })));
    const avg = mean(latency);
    if (line !== undefined && line.slope > 0 && line.r2 >= 0.8 && sample.activityLatencyMs >= 2 * avg) {
      alert({
        kind: 'latency-rising',
        severity: 'warning',
        message: `${who}: activity latency ${num(sample.activityLatencyMs)}ms keeps rising (r² ${num(line.r2)}), at least twice its mean ${num(avg)}ms (threshold ${num(2 * avg)}ms)`,
        value: sample.activityLatencyMs,
        threshold: 2 * avg,
      });
    }
  }

  const fails = alerts.some((a) => a.severity === 'critical' || a.kind.endsWith('-anomaly'));
  const verdict: Observation['verdict'] = fails ? 'failing' : 'passing';
  const failing = fails ? health.failing + 1 : 0;

  let status = health.status;
  let passingSince: number | undefined;
  let quarantinedAt: number | undefined;
  let action: Observation['action'];
  if (status === 'quarantined') {
    quarantinedAt = health.quarantinedAt;
    // A failing check leaves passingSince unset: recovery starts over at the next passing one.
    if (!fails) {
      const since = health.passingSince ?? at;
      if (at - since >= config.recoveryMs) {
        status = 'healthy';
        quarantinedAt = undefined;
        action = 'release';
        alert({
          kind: 'recovered',
          severity: 'info',
          message: `${who}: passed every check for ${secs(at - since)} (threshold ${secs(config.recoveryMs)}), released from quarantine`,
          value: at - since,
          threshold: config.recoveryMs,
        });
      } else {
        passingSince = since;
      }
    }
  } else if (failing >= config.failAfter) {
    status = 'quarantined';
    quarantinedAt = at;
    action = 'quarantine';
  } else {
    status = failing >= 1 ? 'failing' : 'healthy';
  }

  const next: NodeHealth = {
    nodeId,
    incarnation,
    cpu,
    memory,
    latency,
    trend,
    failing,
    status,
    ...(passingSince !== undefined && { passingSince }),
    ...(quarantinedAt !== undefined && { quarantinedAt }),
    lastAt: at,
  };
  return action === undefined ? { health: next, alerts, verdict } : { health: next, alerts, verdict, action };
}
