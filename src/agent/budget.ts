/**
 * The carry budget: everything one run hands to the next (the continue-as-new input) stays under
 * {@link CARRY_BUDGET_BYTES} (1.5 MiB; Temporal refuses payloads over 2 MiB).
 *
 * | part | bound |
 * |---|---|
 * | dedupe window | `dedupeWindow` ids × 67 bytes (2,048 ids: 134 KiB) |
 * | dead letters | `deadLetterLimit` letters and 64 KiB, oldest dropped first |
 * | call results | 1,000 results and 128 KiB, oldest dropped first |
 * | bookkeeping | 8 KiB |
 * | state + pending timers + unfinished effects | the rest (the **pool**, about 1.2 MiB by default); the state alone at most the kind's `maxStateBytes` (default 256 KiB) |
 *
 * The pool is the part actions control. A signal whose outcome would not fit is rejected before it
 * changes anything: `STATE_TOO_LARGE` when its state alone is over `maxStateBytes`, `BUDGET_EXCEEDED`
 * (retryable: timers fire and effects finish) when state, timers and effects together would overflow.
 * The inbox is always empty when a run continues (it is drained first). Pure module.
 *
 * @module
 */
import { ErrorCode } from '../errors.js';
import type { Rejection } from './apply.js';
import { CALL_RESULTS_BUDGET, CARRY_BUDGET_BYTES } from './limits.js';

const KiB = 1024;
/** Bytes of one id in the dedupe window, at most (ids are at most 64 characters; UUID v7 ids are 36). */
export const DEDUPE_ID_MAX_BYTES = 67;
/** Longest signal id the dedupe window keeps. */
export const DEDUPE_ID_MAX_LENGTH = 64;
/** Bytes kept for dead letters (and at most `deadLetterLimit` of them). */
export const DEAD_LETTERS_BUDGET_BYTES = 64 * KiB;
/** Counters, ids and JSON punctuation of the input around the parts. */
const BOOKKEEPING_BYTES = 8 * KiB;

/** The part of the carry budget left for state, timers and effects, given a kind's options. */
export function poolBytes(options: { dedupeWindow: number }): number {
  return CARRY_BUDGET_BYTES - options.dedupeWindow * DEDUPE_ID_MAX_BYTES - DEAD_LETTERS_BUDGET_BYTES - CALL_RESULTS_BUDGET.bytes - BOOKKEEPING_BYTES;
}

/** What the pool holds now, or would hold after a signal. */
export interface PoolUsage {
  state: number;
  timers: number;
  effects: number;
}

function kib(n: number): string {
  return `${(n / KiB).toFixed(1)} KiB`;
}

/**
 * Whether a signal's outcome fits: `next` is the pool after it (its new state's size, the timers and
 * effects with its own added). Returns the rejection naming the limit, or undefined when it fits.
 */
export function checkPool(next: PoolUsage, limits: { maxStateBytes: number; poolBytes: number }): Rejection | undefined {
  if (next.state > limits.maxStateBytes) {
    return {
      code: ErrorCode.STATE_TOO_LARGE,
      message: `the new state would be ${kib(next.state)}, over this kind's maxStateBytes of ${kib(limits.maxStateBytes)}; keep large data outside the agent (send a reference)`,
    };
  }
  const total = next.state + next.timers + next.effects;
  if (total > limits.poolBytes) {
    return {
      code: ErrorCode.BUDGET_EXCEEDED,
      message:
        `state ${kib(next.state)} + pending timers ${kib(next.timers)} + unfinished effects ${kib(next.effects)} would be ${kib(total)}, ` +
        `over the agent's carry budget of ${kib(limits.poolBytes)}; retry when timers have fired and effects finished`,
    };
  }
  return undefined;
}
