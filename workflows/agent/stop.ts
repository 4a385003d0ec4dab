/**
 * Stopping: an agent that was asked to stop applies everything it had already accepted (later signals
 * from outside are refused), lets its effects finish, unmounts from its node if hosted, and completes
 * with its final state. A stopping agent whose run reaches its history ceiling while activities are still
 * running (they may never finish) completes anyway: what never started is dropped and the activities are
 * abandoned, each reported as a dead letter, and it does not wait for an unmount. Spawns past the run's
 * 1,000 children are dropped too (a stopping agent does not continue-as-new). So a stop always ends.
 *
 * @module
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { Rejection } from '../../src/agent/apply.js';
import type { QueuedEffect } from '../../src/agent/effect-queue.js';
import { ErrorCode } from '../../src/errors.js';
import type { RunBudget } from './continue-as-new.js';
import type { Effects } from './effects.js';
import type { Hosting } from './hosting.js';
import type { Inbox } from './inbox.js';

/** What a stop needs from the agent. */
export interface StopHost {
  readonly agentId: string;
  readonly hosted: boolean;
  readonly inbox: Inbox;
  readonly effects: Effects;
  readonly hosting: Hosting;
  readonly thisRun: RunBudget;
  /** Applies everything in the inbox. */
  drain(): void;
  deadLetter(raw: unknown, rejection: Rejection): void;
}

function effectName(e: QueuedEffect): string {
  return e.kind === 'run' ? `activity "${e.activity}"` : e.kind;
}

function describeEffect(e: QueuedEffect): string {
  if (e.kind === 'saga') return `start of saga ${e.workflowId}`;
  return e.kind === 'spawn' ? `spawn of ${e.agentKind} "${e.agentId}"` : e.kind === 'emit' ? `emit of "${e.signal.type}"` : effectName(e);
}

/** Resolves when the stopping agent may complete (see the module comment). */
export async function settleStop(host: StopHost): Promise<void> {
  const { effects, inbox } = host;
  // Runs held back for a continue-as-new that will not happen now: start them, and wait for them below.
  host.thisRun.draining = undefined;
  effects.releaseDeferred();
  effects.pump();
  // Settled: everything finished; or at the ceiling with only activities left running; or nothing in flight
  // and only spawns left that this run may no longer start (its 1,000 children are spent).
  const settled = (): boolean =>
    allHandlersFinished() &&
    (effects.idle || (host.thisRun.atCeiling && !effects.queue.busyBesidesActivities) || (effects.queue.childBudgetSpent && !effects.queue.busy));
  for (;;) {
    await condition(() => inbox.size > 0 || settled());
    if (inbox.size === 0) break;
    host.drain();
  }
  const stopped = (what: string): Rejection => ({ code: ErrorCode.SIGNAL_REJECTED, message: `agent "${host.agentId}" stopped ${what}` });
  if (!effects.idle) {
    for (const effect of effects.dropUnstarted()) host.deadLetter(undefined, stopped(`before its ${describeEffect(effect)} could start`));
    for (const run of effects.runningRuns()) host.deadLetter(undefined, stopped(`at its history ceiling with ${effectName(run)} still running; its result will not be applied`));
  }
  if (host.hosted && host.thisRun.atCeiling) {
    // The unmount could take minutes on a dead node while signals keep coming: the run must end first.
    host.deadLetter(undefined, { code: ErrorCode.NODE_UNAVAILABLE, message: `agent "${host.agentId}" stopped at its history ceiling without unmounting from its node` });
  } else if (host.hosted) {
    await host.hosting.unmount();
    // Signals that arrived while the node unmounted us are reported, not silently dropped.
    for (let e = inbox.shift(); e !== undefined; e = inbox.shift()) {
      if ('signal' in e) host.deadLetter(e.signal, stopped('before it could apply this signal'));
      else if ('rejected' in e) host.deadLetter(e.rejected, e.rejection);
    }
  }
}
