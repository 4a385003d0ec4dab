/**
 * Continue-as-new: when a run may hand over to the next, and what it hands over.
 *
 * A **soft** decision (the server's suggestion, `maxHistoryEvents`, the soft signal and call counts)
 * waits until nothing is in flight; a **hard** one (the ceiling) waits only for outgoing signals and child
 * starts, which finish in moments, and carries activities still running so that the next run dispatches
 * them again (at-least-once). Both wait for calls awaiting their replies: Temporal drops unfinished
 * update handlers at continue-as-new. The input is measured; the budget (src/agent/budget.ts) keeps it
 * well under Temporal's 2 MiB payload limit.
 *
 * @module
 */
import { allHandlersFinished, log, workflowInfo } from '@temporalio/workflow';
import type { CallResultEntry } from '../../src/agent/call-results.js';
import type { DedupeWindow } from '../../src/agent/dedupe-window.js';
import type { EffectQueue, QueuedEffect } from '../../src/agent/effect-queue.js';
import { CARRY_BUDGET_BYTES, continueDecision, legacyContinueDecision, type ContinueDecision, type RunLimits, type RunUsage } from '../../src/agent/limits.js';
import { carriedBytes } from '../../src/agent/json-size.js';
import type { TimerEntry } from '../../src/agent/timer-table.js';
import type { AgentStats, AgentWorkflowInput, CarriedOver, DeadLetter, PendingMove } from '../../src/messages.js';
import type { Signal } from '../../src/signal/index.js';

/**
 * The run's use of its limits and the decision they drive: counts the Temporal signals and updates this
 * run received, and, once a decision is taken, remembers it (draining) — it can only harden after that.
 */
export class RunBudget {
  signals = 0;
  updates = 0;
  /** The decision being carried out; undefined while the run carries on. */
  draining: ContinueDecision;
  /**
   * The history figures as of the last thing this run recorded (`observed` runs only): a workflow task
   * the server throws away (a speculative task carrying only calls refused by the validator) still
   * activates the workflow with its own figures, and a decision taken from them would not replay.
   */
  private seen: Pick<RunUsage, 'historyLength' | 'historySize' | 'continueAsNewSuggested'> | undefined;

  /** @param legacy a run recorded before `runtime-v2` decides by the old rule (see legacyContinueDecision) */
  constructor(
    private readonly limits: RunLimits,
    private readonly childBudgetSpent: () => boolean,
    private readonly legacy = false,
    private readonly observed = false,
  ) {
    this.observe();
  }

  /** Something the history records happened in this activation (a message handled, an effect settled, a delivery). */
  observe(): void {
    if (!this.observed) return;
    const { historyLength, historySize, continueAsNewSuggested } = workflowInfo();
    this.seen = { historyLength, historySize, continueAsNewSuggested };
  }

  usage(): RunUsage {
    const info = this.seen ?? workflowInfo();
    return {
      historyLength: info.historyLength,
      historySize: info.historySize,
      continueAsNewSuggested: info.continueAsNewSuggested,
      signals: this.signals,
      updates: this.updates,
      childBudgetSpent: this.childBudgetSpent(),
    };
  }

  /** The decision now, from the usage alone. */
  due(): ContinueDecision {
    return (this.legacy ? legacyContinueDecision : continueDecision)(this.usage(), this.limits);
  }

  /** The decision being carried out, hardened if the run has reached its ceiling meanwhile. */
  current(): ContinueDecision {
    const now = this.due();
    return now?.mode === 'hard' ? now : this.draining;
  }

  get atCeiling(): boolean {
    return this.due()?.mode === 'hard';
  }
}

/** Nothing blocks continuing-as-new under this decision. */
export function readyToContinue(effects: EffectQueue, decision: ContinueDecision): boolean {
  if (decision === undefined || !allHandlersFinished()) return false;
  return decision.mode === 'hard' ? !effects.busyBesidesActivities : !effects.busy;
}

/** What a run carries over. */
export interface CarriedParts {
  /** Signals not yet applied (only a run recorded before `runtime-v2` continues with any). */
  inbox: Signal[];
  state: unknown;
  seen: DedupeWindow;
  deadLetters: DeadLetter[];
  timers: TimerEntry[];
  effects: QueuedEffect[];
  results: CallResultEntry[];
  mountPending: boolean;
  stats: AgentStats;
  /** Home node and fencing epoch now. */
  node: string;
  epoch: number;
  move: PendingMove | undefined;
}

/** The next run's input, measured (its size is kept in the next run's stats and shown by `jido.info`). */
export function carryInput(input: AgentWorkflowInput, parts: CarriedParts): AgentWorkflowInput {
  const carried: CarriedOver = {
    seen: parts.seen.toJSON(),
    inbox: parts.inbox,
    deadLetters: parts.deadLetters,
    timers: parts.timers,
    effects: parts.effects,
    results: parts.results,
    stats: { ...parts.stats, generation: parts.stats.generation + 1 },
  };
  if (parts.mountPending) carried.mountPending = true;
  if (parts.move !== undefined) carried.move = parts.move;
  // The home node and epoch as they are now (a move changes them), not as this run started.
  const next: AgentWorkflowInput = { agentId: input.agentId, node: parts.node, state: parts.state, carried };
  if (parts.epoch > 0) next.epoch = parts.epoch;
  if (input.limits !== undefined) next.limits = input.limits;
  const bytes = carriedBytes(next);
  carried.stats.carriedBytes = bytes;
  if (bytes > CARRY_BUDGET_BYTES) {
    // Cannot happen by construction (every part is bounded); loud if it ever does.
    log.error('continue-as-new input over its budget', { agentId: input.agentId, bytes, budget: CARRY_BUDGET_BYTES });
  }
  return next;
}
