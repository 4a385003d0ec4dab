/**
 * The HealthMonitor's pure core (src/cluster/health.ts): statistics, z-score anomalies, trend prediction,
 * alerts, the quarantine state machine and its input guards. Hand-computed cases; no server.
 */
import { describe, expect, it } from 'vitest';
import {
  HEALTH_DEFAULTS,
  emptyNodeHealth,
  healthConfigSchema,
  linearTrend,
  mean,
  observe,
  stdDev,
  timeToExhaustionMs,
  zScore,
  type HealthConfig,
  type HealthSample,
  type NodeHealth,
  type Observation,
} from '../../src/cluster/health.js';

const T0 = 1_700_000_000_000;
const health = (over: Partial<NodeHealth> = {}): NodeHealth => ({ ...emptyNodeHealth('n1', 2), ...over });
const sample = (over: Partial<HealthSample> = {}): HealthSample => ({ cpu: 0.3, memory: 0.5, activityLatencyMs: 10, eventLoopLagMs: 1, at: T0, ...over });
const kinds = (o: Observation): string[] => o.alerts.map((a) => `${a.kind}:${a.severity}`);
/** Feeds samples in order; returns every observation. */
function feed(h: NodeHealth, samples: HealthSample[], config: HealthConfig = HEALTH_DEFAULTS): Observation[] {
  const out: Observation[] = [];
  for (const s of samples) {
    const o = observe(h, s, config);
    out.push(o);
    h = o.health;
  }
  return out;
}
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe('statistics', () => {
  it('computes mean and population σ', () => {
    // [2,4,4,4,5,5,7,9]: Σ = 40, mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32, σ = √(32/8) = 2.
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('takes the z-score against the window before the value, floored and gated', () => {
    // mean 0.25; deviations ±0.05, σ = 0.05; (0.4 − 0.25) / 0.05 = 3.
    expect(zScore([0.2, 0.2, 0.3, 0.3], 0.4, 4, 0.01)).toBeCloseTo(3, 10);
    // A flat window has σ 0: the floor 0.02 is used, (0.52 − 0.5) / 0.02 = 1, not Infinity.
    expect(zScore([0.5, 0.5, 0.5, 0.5, 0.5], 0.52, 5, 0.02)).toBeCloseTo(1, 10);
    // Four values, five needed: no z-score yet; none for an empty window either.
    expect(zScore([0.2, 0.2, 0.3, 0.3], 0.9, 5, 0.01)).toBeUndefined();
    expect(zScore([], 0.9, 0, 0.01)).toBeUndefined();
  });

  it('fits a line exactly and a noisy one with its r²', () => {
    // v = 0.5 + 0.00001·t at epoch-ms times: slope 1e-5 per ms, intercept 0.5 − 1e-5·T0, r² = 1.
    const exact = [0, 1000, 2000, 3000].map((d) => ({ t: T0 + d, v: 0.5 + 0.00001 * d }));
    const line = linearTrend(exact);
    expect(line?.slope).toBeCloseTo(1e-5, 12);
    expect(line?.r2).toBeCloseTo(1, 10);
    expect(linearTrend([0, 1000, 2000].map((t) => ({ t, v: 0.5 + 0.00001 * t })))?.intercept).toBeCloseTo(0.5, 12);
    // (0,1) (1,3) (2,2) (3,4): t̄ 1.5, v̄ 2.5; Sxy = 2.25 − 0.25 − 0.25 + 2.25 = 4, Sxx = 5, Syy = 5;
    // slope 4/5 = 0.8, intercept 2.5 − 0.8·1.5 = 1.3, r² = 4² / (5·5) = 0.64.
    const noisy = [{ t: 0, v: 1 }, { t: 1, v: 3 }, { t: 2, v: 2 }, { t: 3, v: 4 }];
    const n = linearTrend(noisy);
    expect(n?.slope).toBeCloseTo(0.8, 12);
    expect(n?.intercept).toBeCloseTo(1.3, 12);
    expect(n?.r2).toBeCloseTo(0.64, 12);
    expect(linearTrend(noisy.slice(0, 2))).toBeUndefined();
    expect(linearTrend([{ t: 5, v: 1 }, { t: 5, v: 2 }, { t: 5, v: 3 }])).toBeUndefined();
  });

  it('predicts time to exhaustion from the last point', () => {
    // Memory rising 0.01 per 1000 ms and now at 0.5: (1 − 0.5) / 0.00001 = 50,000 ms.
    const rising = [-2000, -1000, 0].map((d) => ({ t: T0 + d, v: 0.5 + 0.00001 * d }));
    expect(timeToExhaustionMs(rising)).toBeCloseTo(50_000, 3);
    // Noisy fit above: fitted value at t = 3 is 1.3 + 0.8·3 = 3.7; (10 − 3.7) / 0.8 = 7.875.
    expect(timeToExhaustionMs([{ t: 0, v: 1 }, { t: 1, v: 3 }, { t: 2, v: 2 }, { t: 3, v: 4 }], 10)).toBeCloseTo(7.875, 10);
    // (0,1) (1,3) (2,1) (3,3): Sxy = 2, Sxx = 5, Syy = 4, r² = 4 / 20 = 0.2 < 0.5: no prediction.
    expect(timeToExhaustionMs([{ t: 0, v: 1 }, { t: 1, v: 3 }, { t: 2, v: 1 }, { t: 3, v: 3 }], 10)).toBeUndefined();
    expect(timeToExhaustionMs(rising.map((p) => ({ t: p.t, v: 1 - p.v })))).toBeUndefined(); // falling
  });
});

describe('config', () => {
  it('accepts the defaults and refuses unknown keys, non-positive values and minSamples over a window', () => {
    expect(healthConfigSchema.parse(HEALTH_DEFAULTS)).toEqual(HEALTH_DEFAULTS);
    expect(healthConfigSchema.safeParse({ ...HEALTH_DEFAULTS, extra: 1 }).success).toBe(false);
    expect(healthConfigSchema.safeParse({ ...HEALTH_DEFAULTS, cpu: { threshold: -1, window: 20 } }).success).toBe(false);
    expect(healthConfigSchema.safeParse({ ...HEALTH_DEFAULTS, minSamples: 16 }).success).toBe(false);
  });
});

describe('observe: alerts', () => {
  // Alternating 0.4 / 0.6, twenty values: mean 0.5, σ 0.1.
  const cpu20 = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0.4 : 0.6));
  // Deviations from 0.5 in units of 0.025: ±2 five times each, ±3, ±1, 0. Σ = 0; Σd² = 40 + 18 + 2 = 60
  // units², σ² = 60/15 = 4 units², σ = 2 units = 0.05.
  const mem15 = [...Array<number>(5).fill(0.45), ...Array<number>(5).fill(0.55), 0.575, 0.425, 0.525, 0.475, 0.5];

  it('holds the seed thresholds: cpu 2.5σ over 20 samples, memory 2.0σ over 15', () => {
    expect(stdDev(mem15)).toBeCloseTo(0.05, 12);
    // cpu 0.74 is 2.4σ (no alert), 0.76 is 2.6σ (warning), 1.0 is 5σ = 2 × 2.5 (critical, and over the limit).
    expect(kinds(observe(health({ cpu: cpu20 }), sample({ cpu: 0.74 }), HEALTH_DEFAULTS))).toEqual([]);
    const warn = observe(health({ cpu: cpu20 }), sample({ cpu: 0.76 }), HEALTH_DEFAULTS);
    expect(kinds(warn)).toEqual(['cpu-anomaly:warning']);
    expect(warn.alerts[0]?.zScore).toBeCloseTo(2.6, 10);
    expect(warn.alerts[0]?.message).toMatch(/n1.*76\.0%.*2\.5σ/);
    expect(warn.verdict).toBe('failing');
    expect(kinds(observe(health({ cpu: cpu20 }), sample({ cpu: 1 }), HEALTH_DEFAULTS))).toEqual(['cpu-anomaly:critical', 'cpu-limit:critical']);
    // memory 0.595 is 1.9σ (none), 0.605 is 2.1σ (warning).
    expect(kinds(observe(health({ memory: mem15 }), sample({ memory: 0.595 }), HEALTH_DEFAULTS))).toEqual([]);
    expect(kinds(observe(health({ memory: mem15 }), sample({ memory: 0.605 }), HEALTH_DEFAULTS))).toEqual(['memory-anomaly:warning']);
  });

  it('does not treat a drop in load as an anomaly', () => {
    const high = cpu20.map((c) => c + 0.3); // mean 0.8, σ 0.1: 0.05 is 7.5σ below
    expect(zScore(high, 0.05, 5, 0.02)).toBeCloseTo(-7.5, 10);
    const o = observe(health({ cpu: high }), sample({ cpu: 0.05 }), HEALTH_DEFAULTS);
    expect(o.alerts).toEqual([]);
    expect(o.verdict).toBe('passing');
  });

  it('predicts memory exhaustion: critical within a quarter of the horizon, warning within it', () => {
    const trend = (perMs: number) => [0, 1000, 2000, 3000, 4000].map((d) => ({ t: T0 + d, v: 0.5 + perMs * d }));
    // +0.01/s, now 0.55: (1 − 0.55) / 1e-5 = 45,000 ms ≤ 150,000 → critical.
    const fast = observe(health({ trend: trend(1e-5) }), sample({ memory: 0.55, at: T0 + 5000 }), HEALTH_DEFAULTS);
    expect(kinds(fast)).toEqual(['memory-exhaustion-predicted:critical']);
    expect(fast.alerts[0]?.predictedInMs).toBeCloseTo(45_000, 3);
    expect(fast.verdict).toBe('failing');
    // +0.001/s, now 0.505: 0.495 / 1e-6 = 495,000 ms, within 600,000 → warning, which does not fail a node.
    const slow = observe(health({ trend: trend(1e-6) }), sample({ memory: 0.505, at: T0 + 5000 }), HEALTH_DEFAULTS);
    expect(kinds(slow)).toEqual(['memory-exhaustion-predicted:warning']);
    expect(slow.alerts[0]?.predictedInMs).toBeCloseTo(495_000, 3);
    expect(slow.verdict).toBe('passing');
  });

  it('warns of rising latency (index as time) only when it accelerates past twice the mean', () => {
    // Window after the sample [5,10,20,40,80]: slope 18/index, r² = 180² / (10·3720) ≈ 0.871, mean 31, 80 ≥ 62.
    const o = observe(health({ latency: [5, 10, 20, 40] }), sample({ activityLatencyMs: 80 }), HEALTH_DEFAULTS);
    expect(kinds(o)).toEqual(['latency-rising:warning']);
    expect(o.alerts[0]?.threshold).toBeCloseTo(62, 10);
    expect(o.verdict).toBe('passing');
    // A linear ramp [10..50]: mean 30, 50 < 60.
    expect(observe(health({ latency: [10, 20, 30, 40] }), sample({ activityLatencyMs: 50 }), HEALTH_DEFAULTS).alerts).toEqual([]);
  });
});

describe('observe: windows, order and guards', () => {
  it('keeps every window to its size, newest last', () => {
    const samples = Array.from({ length: 30 }, (_, i) => sample({ cpu: i / 100, memory: 0.3 + i / 1000, activityLatencyMs: i, at: T0 + i * 1000 }));
    const h = feed(emptyNodeHealth('n1', 2), samples).at(-1)?.health as NodeHealth;
    expect(h.cpu).toHaveLength(20);
    expect(h.cpu[0]).toBe(0.1);
    expect(h.memory).toHaveLength(15);
    expect(h.latency).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect(h.trend).toHaveLength(10);
    expect(h.trend.at(-1)).toEqual({ t: T0 + 29_000, v: 0.329 });
    expect(h.lastAt).toBe(T0 + 29_000);
  });

  it('ignores an out-of-order sample', () => {
    const h = health({ cpu: [0.1], lastAt: T0 + 5000 });
    expect(observe(h, sample({ cpu: 1, at: T0 + 4000 }), HEALTH_DEFAULTS)).toEqual({ health: h, alerts: [], verdict: 'passing' });
  });

  it('throws a RangeError naming a bad field', () => {
    const h = health();
    expect(() => observe(h, sample({ cpu: Number.NaN }), HEALTH_DEFAULTS)).toThrow(RangeError);
    expect(() => observe(h, sample({ cpu: Number.NaN }), HEALTH_DEFAULTS)).toThrow(/cpu/);
    expect(() => observe(h, sample({ eventLoopLagMs: Infinity }), HEALTH_DEFAULTS)).toThrow(/eventLoopLagMs/);
    expect(() => observe(h, sample({ at: Number.NaN }), HEALTH_DEFAULTS)).toThrow(/\bat\b/);
    expect(() => observe(h, sample({ memory: 2 }), HEALTH_DEFAULTS)).toThrow(/memory/);
  });

  it('never mutates its inputs', () => {
    const h = deepFreeze(health({ cpu: Array<number>(20).fill(0.3), trend: [{ t: T0 - 1000, v: 0.5 }], failing: 2, status: 'failing' }));
    const s = deepFreeze(sample({ cpu: 0.99 }));
    const config = deepFreeze(structuredClone(HEALTH_DEFAULTS));
    const before = structuredClone(h);
    const o = observe(h, s, config);
    expect(o.action).toBe('quarantine');
    expect(o.health.cpu).toHaveLength(20);
    expect(h).toEqual(before);
  });
});

describe('observe: quarantine and recovery', () => {
  const config = healthConfigSchema.parse({ ...HEALTH_DEFAULTS, failAfter: 3, recoveryMs: 30_000 });
  const fail = (at: number) => sample({ cpu: 0.99, at: T0 + at }); // over the cpu limit: critical
  const pass = (at: number) => sample({ cpu: 0.3, at: T0 + at });

  it('returns a failing node to healthy on a passing check', () => {
    const [a, b] = feed(health(), [fail(0), pass(1000)], config);
    expect([a?.health.status, b?.health.status, b?.health.failing, b?.action]).toEqual(['failing', 'healthy', 0, undefined]);
  });

  it('quarantines after three failing checks and releases after 30 s of passing ones', () => {
    const o = feed(health(), [fail(0), fail(1000), fail(2000), fail(3000), pass(4000), pass(20_000), fail(25_000), pass(26_000), pass(55_999), pass(56_000)], config);
    expect(o.map((x) => x.health.status)).toEqual(['failing', 'failing', ...Array<string>(7).fill('quarantined'), 'healthy']);
    expect(o.map((x) => x.action)).toEqual([undefined, undefined, 'quarantine', ...Array<undefined>(6).fill(undefined), 'release']);
    expect(o[2]?.health).toMatchObject({ failing: 3, quarantinedAt: T0 + 2000 });
    expect(o[3]?.health.failing).toBe(4); // still quarantined, not quarantined again
    expect(o[5]?.health.passingSince).toBe(T0 + 4000);
    expect(o[6]?.health.passingSince).toBeUndefined(); // a failing check restarts the clock
    expect(o[8]?.health.passingSince).toBe(T0 + 26_000); // 29,999 ms of passing: not yet
    const released = o[9] as Observation;
    expect(kinds(released)).toEqual(['recovered:info']);
    expect(released.alerts[0]).toMatchObject({ nodeId: 'n1', incarnation: 2, value: 30_000, threshold: 30_000 });
    expect(released.health).not.toHaveProperty('quarantinedAt');
    expect(released.health).not.toHaveProperty('passingSince');
  });
});
