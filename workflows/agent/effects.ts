/**
 * Carries out an agent's effects: emit → signal another workflow, run → activity on the home node's
 * queue, spawn → abandoned child workflow. Effects leave the {@link EffectQueue} in order, never more in
 * flight than {@link EFFECTS_IN_FLIGHT} per kind, so no run goes over Temporal's 2,000 pending
 * activities, outgoing signals or children. Ids and times of emitted signals are given when they start.
 *
 * @module
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  TimeoutFailure,
  getExternalWorkflowHandle,
  proxyActivities,
  startChild,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Rejection } from '../../src/agent/apply.js';
import { agentWorkflowId, nodeTaskQueue } from '../../src/agent/agent-id.js';
import type { EmitDirective, OutboundSignal, RunDirective, SagaDirective, SpawnDirective } from '../../src/agent/directives.js';
import { EffectQueue, type DispatchMode, type EffectEntry, type QueuedEffect } from '../../src/agent/effect-queue.js';
import { runActivityId } from '../../src/agent/fencing.js';
import { ErrorCode } from '../../src/errors.js';
import { signalMessage, signalsMessage, type AgentWorkflowInput } from '../../src/messages.js';
import { AgentKindKey, AgentNodeKey, AgentStatusKey } from '../../src/search-attributes.js';
import type { JsonValue, Signal } from '../../src/signal/index.js';
import { publishMessage, topicWorkflowId } from '../../src/topic/index.js';

/**
 * Defaults of a `run` directive: Jido's action defaults (one retry, 250 ms backoff doubling), a minute to
 * run, and a minute to be picked up by the node before the agent hears that its node is not answering.
 */
export const RUN_DEFAULTS = {
  startToCloseMs: 60_000,
  scheduleToStartMs: 60_000,
  retry: { maximumAttempts: 2, initialIntervalMs: 250, backoffCoefficient: 2 },
};

/** What the dispatcher needs from the agent it works for. */
export interface EffectHost {
  readonly agentId: string;
  /** The home node now (it changes when the agent moves). */
  node(): string;
  /** The fencing epoch now (it grows when the agent moves). */
  epoch(): number;
  /** A complete signal from an outbound one (deterministic id, workflow time). */
  outbound(s: OutboundSignal): Signal;
  /** An internal delivery into the inbox (activity results). */
  deliver(s: OutboundSignal): void;
  deadLetter(raw: unknown, rejection: Rejection): void;
  /** Why a spawn cannot start (unknown kind, state failing its schema), or undefined. */
  checkSpawn(d: SpawnDirective): Rejection | undefined;
  /** How effects may start right now. */
  mode(): DispatchMode;
  /** An effect has settled (its completion is in the history). */
  settled?(): void;
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The root of an activity failure as JSON: `{ message, type }`, type `SCHEDULE_TO_START` etc. for timeouts. */
export function activityError(err: unknown): { message: string; type: string | null } {
  const cause = err instanceof ActivityFailure && err.cause !== undefined ? err.cause : err;
  if (cause instanceof TimeoutFailure) {
    const type = String(cause.timeoutType ?? 'TIMEOUT').replace(/^TIMEOUT_TYPE_/, '');
    return { message: `activity timed out (${type})`, type };
  }
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? null };
  return { message: describe(cause), type: null };
}

/** The code of a failed emit, from the failure type core gives it. */
function emitFailureCode(err: unknown): ErrorCode {
  const type = err instanceof ApplicationFailure ? err.type : undefined;
  if (type === 'ExternalWorkflowExecutionNotFound') return ErrorCode.AGENT_NOT_FOUND;
  if (type === 'SignalCountLimitExceeded') return ErrorCode.AGENT_BUSY;
  return ErrorCode.ACTION_FAILED;
}

function retryPolicy(r: NonNullable<RunDirective['retry']>): RetryPolicy {
  const policy: RetryPolicy = {};
  if (r.maximumAttempts !== undefined) policy.maximumAttempts = r.maximumAttempts;
  if (r.initialIntervalMs !== undefined) policy.initialInterval = r.initialIntervalMs;
  if (r.backoffCoefficient !== undefined) policy.backoffCoefficient = r.backoffCoefficient;
  if (r.maximumIntervalMs !== undefined) policy.maximumInterval = r.maximumIntervalMs;
  if (r.nonRetryableErrorTypes !== undefined) policy.nonRetryableErrorTypes = r.nonRetryableErrorTypes;
  return policy;
}

export class Effects {
  readonly queue: EffectQueue;
  /** Runs held back while a v1 run drained for continue-as-new (carried, or started by a stop). */
  private readonly deferred: EffectEntry[] = [];
  /** Runs of a hosted agent waiting for its node to mount it. */
  private readonly awaitingMount: EffectEntry[] = [];
  private pumping = false;
  /** Runs dispatched in this run (numbers the activity ids of a moved agent's runs). */
  private runs = 0;

  constructor(
    private readonly host: EffectHost,
    size: (e: QueuedEffect) => number,
    carried: readonly QueuedEffect[],
  ) {
    this.queue = new EffectQueue(size);
    for (const e of carried) this.queue.enqueue(e);
  }

  /** Queues an effect and starts what may start. */
  add(effect: QueuedEffect, bytes?: number): void {
    this.queue.enqueue(effect, bytes);
    this.pump();
  }

  /**
   * Starts effects from the head of the queue while the mode and the caps allow. Not re-entrant: an effect
   * that fails at once releases its slot from inside `start`, and this loop, still running, picks the freed
   * slot up (a nested call would recurse once per failing effect and could overflow the stack).
   */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const next = this.queue.next(this.host.mode());
        if (next.step === 'wait') return;
        if (next.step === 'start') this.start(next.entries);
        else (next.step === 'defer' ? this.deferred : this.awaitingMount).push(next.entry);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * The node has mounted the agent (or failed to): held runs go back to the head of the queue and start
   * under the caps. (A run recorded before `runtime-v2` started them all at once, or deferred them.)
   */
  mounted(): void {
    const held = this.awaitingMount.splice(0);
    if (!this.host.mode().legacy) {
      this.queue.requeueFront(held);
      this.pump();
      return;
    }
    for (const entry of held) {
      if (this.host.mode().draining === 'holdRuns') this.deferred.push(entry);
      else this.start([entry]);
    }
  }

  /**
   * A stop pre-empted a continue-as-new: runs held for it go now (only a run recorded before
   * `runtime-v2` holds runs back this way), or wait for the mount as any run would.
   */
  releaseDeferred(): void {
    for (const entry of this.deferred.splice(0)) {
      if (this.host.mode().mountPending) this.awaitingMount.push(entry);
      else this.start([entry]);
    }
  }

  /** Unfinished effects for the next run (`hard`: activities in flight are dispatched again). */
  carry(hard: boolean): QueuedEffect[] {
    return this.queue.carry({ runsInFlight: hard, held: [...this.deferred, ...this.awaitingMount] });
  }

  /** Nothing queued or held, nothing in flight. */
  get idle(): boolean {
    return this.queue.queued === 0 && this.deferred.length === 0 && this.awaitingMount.length === 0 && !this.queue.busy;
  }

  /** Runs whose activities are still in flight (abandoned when a stopping agent completes at its ceiling). */
  runningRuns(): QueuedEffect[] {
    return this.queue.runningRuns();
  }

  /** Drops what never started (a stopping agent at its ceiling); returns the effects dropped. */
  dropUnstarted(): QueuedEffect[] {
    const held = [...this.deferred.splice(0), ...this.awaitingMount.splice(0)];
    for (const e of held) this.queue.dropped(e);
    return [...held, ...this.queue.clear()].map((e) => e.effect);
  }

  /** Starts one effect, or a batch of emits to one agent (see EffectQueue.next). */
  private start(entries: EffectEntry[]): void {
    this.queue.started(entries);
    const done = (): void => {
      this.host.settled?.();
      this.queue.finished(entries);
      this.pump();
    };
    const e = (entries[0] as EffectEntry).effect;
    if (e.kind === 'emit') this.emit(entries.map((x) => x.effect as EmitDirective), done);
    else if (e.kind === 'run') this.run(e, done);
    else if (e.kind === 'saga') this.saga(e, done);
    else this.spawn(e, done);
  }

  /** Emits to one receiver: one signal as `jido.signal` (or `topic.publish`), several as one `jido.signals`. */
  private emit(ds: EmitDirective[], done: () => void): void {
    const to = (ds[0] as EmitDirective).to;
    const signals: Signal[] = [];
    for (const d of ds) {
      try {
        signals.push(this.host.outbound(d.signal));
      } catch (err) {
        // An outbound signal that breaks the envelope rules: report it, keep the agent alive.
        this.host.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `emit directive failed: ${describe(err)}` });
      }
    }
    if (signals.length === 0) return done();
    const target = 'agent' in to ? agentWorkflowId(to.agent) : topicWorkflowId(to.topic);
    const handle = getExternalWorkflowHandle(target);
    const sent =
      'topic' in to ? handle.signal(publishMessage, signals[0]) : signals.length === 1 ? handle.signal(signalMessage, signals[0]) : handle.signal(signalsMessage, signals);
    sent.then(done, (err: unknown) => {
      const code = emitFailureCode(err);
      for (const signal of signals) this.host.deadLetter(signal, { code, message: `emit to ${target} failed: ${describe(err)}` });
      done();
    });
  }

  private run(d: RunDirective, done: () => void): void {
    const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
      taskQueue: nodeTaskQueue(this.host.node()),
      startToCloseTimeout: d.startToCloseMs ?? RUN_DEFAULTS.startToCloseMs,
      scheduleToStartTimeout: d.scheduleToStartMs ?? RUN_DEFAULTS.scheduleToStartMs,
      retry: retryPolicy({ ...RUN_DEFAULTS.retry, ...d.retry }),
      // Only when asked: a run recorded without it replays the same ScheduleActivityTask command.
      ...(d.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeout: d.heartbeatTimeoutMs }),
      // A moved agent's runs carry its epoch in their id, for the node to fence (activities/host/fencing.ts);
      // an agent never moved keeps the default ids, so its histories replay unchanged.
      ...(this.host.epoch() > 0 ? { activityId: runActivityId(this.host.epoch(), this.runs++) } : {}),
    });
    const fn = activities[d.activity] as (input: unknown) => Promise<unknown>;
    const node = this.host.node();
    const epoch = this.host.epoch();
    // A result from the node the agent has since moved away from is not applied (fencing). A move waits
    // for runs in flight, so only a failover — the agent re-homed while its old node still ran — gets here.
    const fenced = (): boolean => {
      if (this.host.epoch() === epoch) return false;
      this.host.deadLetter(undefined, {
        code: ErrorCode.FENCED,
        message: `result of activity "${d.activity}" from node ${node} (epoch ${epoch}) ignored: the agent is homed on node ${this.host.node()} under epoch ${this.host.epoch()} now`,
      });
      return true;
    };
    fn(d.input).then(
      (result) => {
        if (fenced()) return done();
        this.host.deliver({ type: d.onResult, data: { result: (result ?? null) as JsonValue, input: d.input ?? null } });
        done();
      },
      (err: unknown) => {
        if (fenced()) return done();
        this.host.deliver({ type: d.onError ?? `${d.onResult}.failed`, data: { error: activityError(err), input: d.input ?? null } });
        done();
      },
    );
  }

  /** Starts a saga as an abandoned child; one already running under its id is reported as `onError`. */
  private saga(d: SagaDirective, done: () => void): void {
    const started = startChild(d.sagaType, {
      workflowId: d.workflowId,
      args: [d.input],
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: d.summary ?? `${d.sagaType} (started by ${this.host.agentId})`,
    });
    started.then(done, (err: unknown) => {
      const error = err instanceof WorkflowExecutionAlreadyStartedError ? `a ${d.sagaType} is already running as ${d.workflowId}` : describe(err);
      if (d.onError !== undefined) this.host.deliver({ type: d.onError, data: { workflowId: d.workflowId, error } });
      else this.host.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `saga ${d.workflowId} did not start: ${error}` });
      done();
    });
  }

  private spawn(d: SpawnDirective, done: () => void): void {
    const problem = this.host.checkSpawn(d);
    if (problem !== undefined) {
      this.host.deadLetter(undefined, problem);
      return done();
    }
    const node = d.node ?? this.host.node();
    const input: AgentWorkflowInput = d.state === undefined ? { agentId: d.agentId, node } : { agentId: d.agentId, node, state: d.state };
    if (d.signals !== undefined) input.signals = d.signals.map((s) => this.host.outbound(s));
    const started = startChild(d.agentKind, {
      workflowId: agentWorkflowId(d.agentId),
      args: [input],
      taskQueue: workflowInfo().taskQueue,
      // The spawner's own (AgentClient sets it): a child stalls no longer than its parent would.
      workflowTaskTimeout: workflowInfo().taskTimeoutMs,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: AgentKindKey, value: d.agentKind },
        { key: AgentNodeKey, value: node },
        { key: AgentStatusKey, value: 'running' },
      ],
      staticSummary: `${d.agentKind} agent ${d.agentId} on ${node} (spawned by ${this.host.agentId})`,
    });
    started.then(done, (err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        // idempotent: an agent already running under that id is left as it is
        this.host.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `spawn of ${d.agentKind} "${d.agentId}" failed: ${describe(err)}` });
      }
      done();
    });
  }
}
