/**
 * Reading the continue-as-new input a previous run carried over, whatever runtime version wrote it:
 * runs before timers-as-data carried full signals with `fireAt`, and runs held back for a continue-as-new
 * as `deferredRuns`. Both become today's form (timer entries, the effect queue). Pure module.
 *
 * @module
 */
import type { CarriedOver, PendingTimer } from '../messages.js';
import type { CallResultEntry } from './call-results.js';
import type { OutboundSignal } from './directives.js';
import type { QueuedEffect } from './effect-queue.js';
import type { TimerEntry } from './timer-table.js';

/** A carried-over input in today's form. */
export interface Carried extends Omit<CarriedOver, 'timers' | 'deferredRuns' | 'effects' | 'results'> {
  timers: TimerEntry[];
  effects: QueuedEffect[];
  results: CallResultEntry[];
}

function isLegacyTimer(t: TimerEntry | PendingTimer): t is PendingTimer {
  return 'fireAt' in t;
}

/** The compact form of a signal a timer delivers (id and time are given when it fires). */
function compact(signal: PendingTimer['signal']): OutboundSignal {
  const out: OutboundSignal = { type: signal.type };
  if (signal.data !== undefined) out.data = signal.data;
  if (signal.subject !== undefined) out.subject = signal.subject;
  if (signal.source !== undefined) out.source = signal.source;
  return out;
}

export function normaliseCarried(c: CarriedOver | undefined): Carried | undefined {
  if (c === undefined) return undefined;
  const { deferredRuns, timers, effects, results, ...rest } = c;
  return {
    ...rest,
    timers: timers.map((t, i) => (isLegacyTimer(t) ? { at: t.fireAt, seq: i, signal: compact(t.signal) } : t)),
    effects: [...(deferredRuns ?? []), ...(effects ?? [])],
    results: results ?? [],
  };
}
