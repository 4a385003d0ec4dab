/**
 * Per-node circuit breakers, fed by failed node tasks (`cluster.placement.failed`, a node going down) and
 * successful ones (`cluster.placement.succeeded`).
 *
 * - **Closed**: failures are counted over a sliding window: `failureThreshold` failures within any
 *   `windowMs` open it (5 in 30 s by default). A success clears the count (the node works).
 * - **Open**: the node gets no new agents (./constraints.ts excludes it). Further failures are counted
 *   but do not extend the cooldown; successes (of work started before it opened) change nothing.
 * - **Half-open**: `cooldownMs` after opening (30 s by default) the breaker reads half-open: placement lets
 *   the node be chosen again, as a trial. One success closes it; one failure opens it again, for another
 *   cooldown.
 *
 * The seeds name circuit breakers (LoadBalancer `circuit_breakers`, `:circuit_breaker_open`;
 * `Jido.Resilience.with_circuit_breaker`) but give no numbers; these defaults are the common ones
 * (Polly / resilience4j style: a handful of failures in tens of seconds, a cooldown of the same order).
 *
 * Plain JSON records, bounded (at most `failureThreshold` times kept), times passed in (epoch ms,
 * workflow time in the load balancer): no clock read. Half-open is derived from `now`, never stored, so a
 * record needs no timer to move on. Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import type { BreakerState } from './table.js';

export interface BreakerConfig {
  /** Failures within `windowMs` that open a closed breaker. */
  failureThreshold: number;
  windowMs: number;
  /** How long an open breaker stays open before it reads half-open. */
  cooldownMs: number;
}

export const BREAKER_DEFAULTS: BreakerConfig = { failureThreshold: 5, windowMs: 30_000, cooldownMs: 30_000 };

export interface BreakerRecord {
  /** As last recorded: an `open` record past its cooldown reads `half-open` ({@link currentState}). */
  state: BreakerState;
  /** Closed: failures within the window; open: failures since it (re)opened. */
  failures: number;
  /** When it last opened (epoch ms). */
  openedAt?: number;
  /** When the last failure was recorded (epoch ms). */
  lastFailureAt?: number;
  /** Closed only: when the failures within the window happened, oldest first (fewer than the threshold). */
  recent?: number[];
}

/** A closed breaker with no failures: what every node starts with. */
export const CLOSED: BreakerRecord = { state: 'closed', failures: 0 };

/** The breaker's state at `now`: an open breaker past its cooldown is half-open. */
export function currentState(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerState {
  if (b.state !== 'open') return b.state;
  // An open record without its time (never written by this module) is treated as long open.
  return b.openedAt === undefined || now - b.openedAt >= cfg.cooldownMs ? 'half-open' : 'open';
}

/** True when placement may choose the node (closed, or half-open for a trial). */
export function allowsPlacement(b: BreakerRecord | undefined, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): boolean {
  return b === undefined || currentState(b, now, cfg) !== 'open';
}

/** A failed task on the node at `now`. */
export function recordFailure(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerRecord {
  const state = currentState(b, now, cfg);
  if (state === 'half-open') return { state: 'open', failures: 1, openedAt: now, lastFailureAt: now };
  if (state === 'open') return { ...b, failures: b.failures + 1, lastFailureAt: now };
  const recent = (b.recent ?? []).filter((t) => now - t < cfg.windowMs);
  recent.push(now);
  if (recent.length >= cfg.failureThreshold) return { state: 'open', failures: recent.length, openedAt: now, lastFailureAt: now };
  return { state: 'closed', failures: recent.length, lastFailureAt: now, recent };
}

/** A successful task on the node at `now`. */
export function recordSuccess(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerRecord {
  const state = currentState(b, now, cfg);
  if (state === 'open') return b;
  if (state === 'closed' && b.failures === 0 && b.recent === undefined) return b;
  return CLOSED;
}
