/**
 * Per-node circuit breakers, fed by failed node tasks. Closed: failures within `windowMs` are counted, and
 * `failureThreshold` of them open it. Open: the node gets nothing for `cooldownMs`, then it is half-open:
 * one trial placement is let through; a success closes it, a failure opens it again. Plain JSON records,
 * times passed in. Pure.
 *
 * @module
 */
import type { BreakerState } from './table.js';

export interface BreakerConfig {
  failureThreshold: number;
  windowMs: number;
  cooldownMs: number;
}

export const BREAKER_DEFAULTS: BreakerConfig = { failureThreshold: 5, windowMs: 30_000, cooldownMs: 30_000 };

export interface BreakerRecord {
  state: BreakerState;
  failures: number;
  /** When the first failure of the current window happened (epoch ms). */
  windowStart?: number;
  openedAt?: number;
}

export const CLOSED: BreakerRecord = { state: 'closed', failures: 0 };

/** The breaker's state at `now` (an open breaker past its cooldown is half-open). */
export function currentState(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerState {
  if (b.state === 'open' && b.openedAt !== undefined && now - b.openedAt >= cfg.cooldownMs) return 'half-open';
  return b.state;
}

export function recordFailure(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerRecord {
  const state = currentState(b, now, cfg);
  if (state === 'half-open') return { state: 'open', failures: b.failures + 1, openedAt: now, windowStart: now };
  if (state === 'open') return b;
  const fresh = b.windowStart === undefined || now - b.windowStart > cfg.windowMs;
  const failures = fresh ? 1 : b.failures + 1;
  const windowStart = fresh ? now : (b.windowStart as number);
  return failures >= cfg.failureThreshold ? { state: 'open', failures, windowStart, openedAt: now } : { state: 'closed', failures, windowStart };
}

export function recordSuccess(b: BreakerRecord, now: number, cfg: BreakerConfig = BREAKER_DEFAULTS): BreakerRecord {
  const state = currentState(b, now, cfg);
  return state === 'open' ? b : CLOSED;
}
