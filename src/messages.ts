/**
 * The wire contract of every agent workflow: message names and payload shapes. These names are what a
 * client in any language uses (`jido.signal`, `jido.signals`, `jido.call`, `jido.state`, `jido.info`,
 * `jido.stop`). Imports only `@temporalio/workflow` and types, so both the workflow and the client share
 * these definitions (the samples-typescript `shared.ts` pattern).
 *
 * @module
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Rejection } from './agent/apply.js';
import type { CallResultEntry } from './agent/call-results.js';
import type { RunDirective } from './agent/directives.js';
import type { QueuedEffect } from './agent/effect-queue.js';
import type { TimerEntry } from './agent/timer-table.js';
import type { AgentStatus } from './search-attributes.js';
import type { Signal } from './signal/index.js';
import type { PlacementDecision } from './placement/place.js';

/** One Jido signal (CloudEvents 1.0.2 JSON). Invalid ones go to the dead-letter list. */
export const signalMessage = defineSignal<[unknown]>('jido.signal');
/** A batch of Jido signals, applied in order: one Temporal event for many signals. */
export const signalsMessage = defineSignal<[unknown[]]>('jido.signals');
/** Asks the agent to stop after the signals already accepted are applied. */
export const stopMessage = defineSignal<[{ reason?: string }?]>('jido.stop');
/**
 * Routes one signal and returns the first routed action's `result`. Its synchronous validator rejects a
 * malformed envelope, an unknown type, params failing the action's schema, a duplicate id, or a stopping
 * agent, before anything is written to history.
 */
export const callUpdate = defineUpdate<unknown, [unknown]>('jido.call');
/**
 * The move protocol (used by the migration saga, `workflows/sagas/migration.ts`; see
 * workflows/agent/moving.ts): prepare (hold new node-local work, answer once none is in flight), then
 * commit (switch the home node under a new fencing epoch) or abort (resume where it was). Each request
 * is answered with a {@link moveReplyMessage} signal to `replyTo`. A signal, not an update, so that it
 * takes its turn in the agent's inbox behind the signals sent before it.
 */
export const moveMessage = defineSignal<[MoveRequest]>('jido.move');
/** The agent's answer to a {@link moveMessage}, signalled to the requester's workflow. */
export const moveReplyMessage = defineSignal<[MoveReply]>('jido.move.reply');
/** Asks an agent homed on a node that restarted to mount itself again (hosted kinds; others ignore it). */
export const remountMessage = defineSignal<[{ node: string }]>('jido.remount');
/** The agent's current state. */
export const stateQuery = defineQuery<unknown>('jido.state');
/** Kind, home node, status, counters and dead letters. */
export const infoQuery = defineQuery<AgentInfo>('jido.info');

/** A step of the move protocol. `moveId` names one move (the saga's run); `replyTo` is a workflow id. */
export type MoveRequest =
  | { op: 'prepare'; moveId: string; replyTo: string; target: string; timeoutMs?: number }
  | { op: 'commit'; moveId: string; replyTo: string; node: string; epoch: number }
  | { op: 'abort'; moveId: string; replyTo: string; reason: string };

/** The answer to a move step: where the agent is homed now, under which epoch. */
export interface MoveReply {
  moveId: string;
  op: MoveRequest['op'];
  ok: boolean;
  /** Why the step was refused (`ok: false`). */
  reason?: string;
  agentId: string;
  kind: string;
  node: string;
  epoch: number;
  hosted: boolean;
}

/** A prepared move, carried across continue-as-new. */
export interface PendingMove {
  moveId: string;
  replyTo: string;
  target: string;
  /** Workflow time (epoch ms) after which the agent gives up waiting for commit and resumes. */
  deadline: number;
  /** The prepare was answered. */
  answered: boolean;
}

/** A signal the agent did not apply, and why. Bounded list, oldest dropped first. */
export interface DeadLetter extends Rejection {
  /** The signal id when the envelope had a readable one. */
  signalId?: string;
  /** The signal type when the envelope had a readable one. */
  type?: string;
  /** Workflow time, ISO-8601. */
  at: string;
}

/** A pending timer as runs before timers-as-data carried it (read, never written, by today's runtime). */
export interface PendingTimer {
  /** Epoch ms of workflow time at which it fires. */
  fireAt: number;
  signal: Signal;
}

/** Counters carried across continue-as-new. */
export interface AgentStats {
  signalsApplied: number;
  duplicatesIgnored: number;
  lastSignalId?: string;
  /** How many times this agent has continued-as-new. */
  generation: number;
  /** Workflow time of the first run, ISO-8601. */
  startedAt?: string;
  /** JSON bytes of the continue-as-new input this run started from. */
  carriedBytes?: number;
}

/** Everything one run hands to the next across continue-as-new. JSON only. */
export interface CarriedOver {
  seen: string[];
  /** Signals accepted and not applied (today's runtime drains first: always empty when it writes). */
  inbox: Signal[];
  deadLetters: DeadLetter[];
  /** Pending timers (older runs wrote {@link PendingTimer}s). */
  timers: Array<TimerEntry | PendingTimer>;
  /** Written by older runs: runs held back for the continue-as-new (today: part of `effects`). */
  deferredRuns?: RunDirective[];
  /** Effects not finished: queued ones, held ones, and (after a hard continue-as-new) activities to dispatch again. */
  effects?: QueuedEffect[];
  /** The idempotent-reply window of `jido.call`, oldest first. */
  results?: CallResultEntry[];
  /** A hosted agent's mount had not finished: the next run mounts again. */
  mountPending?: boolean;
  /** A move prepared and not yet committed or aborted. */
  move?: PendingMove;
  stats: AgentStats;
}

/** Input of every agent workflow. */
export interface AgentWorkflowInput {
  agentId: string;
  /** Home node: the agent's activities run on the task queue `node.<node>`. */
  node: string;
  /**
   * Fencing epoch of the home node (0 when never moved): it grows with every move, every node-local
   * operation carries it, and a node refuses an operation carrying an epoch older than one it has seen.
   */
  epoch?: number;
  /** Initial state (first run) or carried state (after continue-as-new). Defaults to the kind's initial state. */
  state?: unknown;
  /** Per-agent overrides of the kind's options. */
  limits?: AgentLimits;
  /**
   * How the agent's home node was chosen, when it was placed automatically: the decision with its inputs
   * (src/placement/place.ts). First run only; it stays in that run's history.
   */
  placement?: PlacementDecision;
  /**
   * Signals to apply first, before anything sent to the agent (first run only; never carried). What a
   * `spawn` directive's `signals` become. Invalid ones are dead-lettered.
   */
  signals?: unknown[];
  carried?: CarriedOver;
}

/** Per-agent overrides of the kind's runtime options. */
export interface AgentLimits {
  /** Continue-as-new at this history length once effects in flight have finished (default: the kind's `maxHistoryEvents`). */
  maxHistoryEvents?: number;
  /**
   * The hard ceiling: continue-as-new at this history length even with activities in flight (they are
   * dispatched again in the next run). Default 20,000 (at least `maxHistoryEvents` + 500, at most 30,000).
   */
  historyCeiling?: number;
}

/** What `jido.info` answers. */
export interface AgentInfo {
  agentId: string;
  kind: string;
  node: string;
  /** Fencing epoch of the home node (see {@link AgentWorkflowInput.epoch}). */
  epoch: number;
  /** A move under way (prepared, not yet committed or aborted). */
  move?: { moveId: string; target: string; quiesced: boolean };
  status: AgentStatus;
  signalsApplied: number;
  duplicatesIgnored: number;
  lastSignalId?: string;
  generation: number;
  startedAt?: string;
  /** Signals accepted and not yet applied. */
  inbox: number;
  /** Emits, activities and spawns under way. */
  pendingEffects: number;
  /** Effects waiting for a free slot (or for the next run). */
  queuedEffects: number;
  /** Pending timers, and when the earliest fires (ISO-8601). */
  timers: number;
  nextTimerAt?: string;
  dedupeWindow: { size: number; capacity: number };
  deadLetters: DeadLetter[];
  /** The carry budget (bytes): the pool for state + timers + effects, what each holds now, the state's own limit. */
  budget: { pool: number; state: number; timers: number; effects: number; maxState: number };
  /** This run: Temporal signals received, calls accepted, history length. */
  run: { signals: number; updates: number; historyLength: number };
  /** JSON bytes of the continue-as-new input this run started from. */
  carriedBytes?: number;
}

/** What an agent workflow returns when it stops. */
export interface AgentResult {
  state: unknown;
  info: AgentInfo;
  reason?: string;
}
