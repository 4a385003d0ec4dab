/**
 * The agent entity runtime: one long-lived workflow per agent (`agent/<agentId>`), the Temporal
 * counterpart of Jido's agent server.
 *
 * Owns: the agent's state, its inbox, its exactly-once window, its dead letters, its timers.
 * Answers: signals `jido.signal`, `jido.signals`, `jido.stop`; update `jido.call`; queries `jido.state`,
 * `jido.info` (see src/messages.ts).
 *
 * Every accepted signal goes through one inbox and is applied one at a time in arrival order by the pure
 * core (`applySignal`); the runtime then carries out the directives: emit → signal another workflow,
 * run → activity on the home node's queue, schedule → durable timer, spawn → child workflow (abandoned, so
 * it outlives us), stop → finish. Before continuing-as-new it waits for effects and update handlers to
 * finish and carries state, inbox, dedupe window, timers and dead letters over, so nothing is lost.
 *
 * @module
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  ParentClosePolicy,
  type RetryPolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { applySignal, checkSignal, safeParse, type Rejection } from '../src/agent/apply.js';
import { agentWorkflowId, nodeTaskQueue } from '../src/agent/agent-id.js';
import { DedupeWindow } from '../src/agent/dedupe-window.js';
import type { AgentDefinition } from '../src/agent/define-agent.js';
import type { Directive, OutboundSignal, RunDirective } from '../src/agent/directives.js';
import { ErrorCode } from '../src/errors.js';
import {
  callUpdate,
  infoQuery,
  signalMessage,
  signalsMessage,
  stateQuery,
  stopMessage,
  type AgentInfo,
  type AgentResult,
  type AgentStats,
  type AgentWorkflowInput,
  type CarriedOver,
  type DeadLetter,
  type PendingTimer,
} from '../src/messages.js';
import { AgentKindKey, AgentNodeKey, AgentStatusKey, type AgentStatus } from '../src/search-attributes.js';
import { createSignal, newSignalId, safeParseSignal, type CreateSignalAttrs, type JsonValue, type Signal } from '../src/signal/index.js';
import { publishMessage, topicWorkflowId } from '../src/topic.js';
import type { HostActivities } from '../activities/host-activities.js';

/** Workflow patch ids: behaviour changes that running agents must replay around (see `patched`). */
const PATCH_RUNS_WAIT_FOR_MOUNT = 'hosted-runs-wait-for-mount';

/** Every kind turned into a workflow in this bundle, so `spawn` can check kind and state before starting. */
const kinds = new Map<string, AgentDefinition>();

/**
 * Defaults of a `run` directive: Jido's action defaults (one retry, 250 ms backoff doubling), a minute to
 * run, and a minute to be picked up by the node before the agent hears that its node is not answering.
 */
const RUN_DEFAULTS = {
  startToCloseMs: 60_000,
  scheduleToStartMs: 60_000,
  retry: { maximumAttempts: 2, initialIntervalMs: 250, backoffCoefficient: 2 },
};

/** A signal waiting in the inbox; `reply` is set when it came through `jido.call`. */
interface InboxEntry {
  signal: Signal;
  reply?: { resolve: (result: unknown) => void; reject: (err: unknown) => void };
}

/** Inbox entries that are not signals: a stop request, or a rejected envelope (dead-lettered in turn). */
type Control = { stop: { reason?: string } } | { rejected: unknown; rejection: Rejection };

function failure(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({ type: rejection.code, message: rejection.message, nonRetryable: true });
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

/** The root of an activity failure as JSON: `{ message, type }`, type `SCHEDULE_TO_START` etc. for timeouts. */
function activityError(err: unknown): { message: string; type: string | null } {
  const cause = err instanceof ActivityFailure && err.cause !== undefined ? err.cause : err;
  if (cause instanceof TimeoutFailure) {
    const type = String(cause.timeoutType ?? 'TIMEOUT').replace(/^TIMEOUT_TYPE_/, '');
    return { message: `activity timed out (${type})`, type };
  }
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? null };
  return { message: describe(cause), type: null };
}

/** A failed host activity: NODE_UNAVAILABLE when the node never picked it up. */
function nodeProblem(node: string, what: string, err: unknown): Rejection {
  const { message, type } = activityError(err);
  return type === 'SCHEDULE_TO_START'
    ? { code: ErrorCode.NODE_UNAVAILABLE, message: `${what} on node ${node} failed: the node did not pick up the task in time` }
    : { code: ErrorCode.ACTION_FAILED, message: `${what} on node ${node} failed: ${message}` };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class AgentRuntime<S> {
  private state: S;
  private readonly inbox: Array<InboxEntry | Control> = [];
  private inboxHead = 0;
  private readonly seen: DedupeWindow;
  private readonly deadLetters: DeadLetter[];
  private readonly timers = new Map<number, PendingTimer>();
  private timerSeq = 0;
  private deferredRuns: RunDirective[];
  private readonly stats: AgentStats;
  private pendingEffects = 0;
  private status: AgentStatus = 'running';
  private stopReason: string | undefined;
  private draining = false;
  /** A hosted agent's mount is under way: its `run` directives wait for it (see `dispatchRun`). */
  private mountPending = false;
  private readonly awaitingMount: RunDirective[] = [];
  private readonly source: string;

  constructor(
    private readonly def: AgentDefinition<S>,
    private readonly input: AgentWorkflowInput,
  ) {
    const carried = input.carried;
    if (input.state === undefined) {
      this.state = def.initialState;
    } else if (carried !== undefined) {
      this.state = input.state as S; // validated when it was produced; re-parsing could only lose an agent
    } else {
      const parsed = safeParse(def.state, input.state);
      if (!parsed.success) {
        // Fails the workflow (not the task): the client validates first, so this is a raw-SDK caller's mistake.
        throw ApplicationFailure.create({
          type: ErrorCode.INVALID_STATE,
          message: `initial state fails the schema of "${def.name}": ${parsed.message}`,
          nonRetryable: true,
        });
      }
      this.state = parsed.data;
    }
    this.seen = new DedupeWindow(def.options.dedupeWindow, carried?.seen ?? []);
    this.deadLetters = carried?.deadLetters ?? [];
    this.deferredRuns = carried?.deferredRuns ?? [];
    this.stats = carried?.stats ?? { signalsApplied: 0, duplicatesIgnored: 0, generation: 0, startedAt: new Date().toISOString() };
    this.source = `/agent/${input.agentId}`;
    for (const signal of carried?.inbox ?? []) this.inbox.push({ signal });

    // Handlers are registered before the first await, so no message is buffered and reordered.
    setHandler(signalMessage, (raw) => this.accept(raw));
    setHandler(signalsMessage, (batch) => {
      if (!Array.isArray(batch)) {
        this.push({ rejected: batch, rejection: { code: ErrorCode.INVALID_SIGNAL, message: 'jido.signals expects an array of signals' } });
        return;
      }
      for (const raw of batch) this.accept(raw);
    });
    setHandler(stopMessage, (req) => {
      this.push({ stop: { reason: req?.reason } });
    });
    setHandler(
      callUpdate,
      (raw) => {
        const signal = (safeParseSignal(raw) as { ok: true; signal: Signal }).signal;
        this.seen.add(signal.id);
        return new Promise((resolve, reject) => this.push({ signal, reply: { resolve, reject } }));
      },
      { validator: (raw) => this.validateCall(raw) },
    );
    setHandler(stateQuery, () => this.state);
    setHandler(infoQuery, () => this.info());
    for (const t of carried?.timers ?? []) this.arm(t);
  }

  async run(): Promise<AgentResult> {
    await this.startup();
    for (;;) {
      await condition(() => this.inboxSize() > 0 || this.shouldContinueAsNew());
      this.drainInbox();
      if (this.status === 'stopping') return this.finish();
      if (this.shouldContinueAsNew()) {
        this.draining = true;
        // Effects and update handlers (a call awaiting its reply is one) must finish in this run; plain
        // signals may wait in the inbox and are carried over.
        await condition(() => this.inboxSize() > 0 || (this.pendingEffects === 0 && allHandlersFinished()));
        // Still busy (new messages woke us first), or a stop to honour in this run: apply and look again.
        if (this.pendingEffects > 0 || !allHandlersFinished() || this.hasQueuedControl()) continue;
        await continueAsNew<(input: AgentWorkflowInput) => Promise<AgentResult>>(this.carry());
      }
    }
  }

  // ---- inbox ---------------------------------------------------------------------------------------

  private push(entry: InboxEntry | Control): void {
    this.inbox.push(entry);
  }

  private inboxSize(): number {
    return this.inbox.length - this.inboxHead;
  }

  private shift(): InboxEntry | Control | undefined {
    if (this.inboxHead >= this.inbox.length) return undefined;
    const entry = this.inbox[this.inboxHead];
    this.inbox[this.inboxHead++] = undefined as never;
    if (this.inboxHead > 1024 && this.inboxHead * 2 > this.inbox.length) {
      this.inbox.splice(0, this.inboxHead);
      this.inboxHead = 0;
    }
    return entry;
  }

  /** A stop request or a rejected envelope waits in the inbox (checked only before continue-as-new). */
  private hasQueuedControl(): boolean {
    for (let i = this.inboxHead; i < this.inbox.length; i++) if (!('signal' in (this.inbox[i] as InboxEntry | Control))) return true;
    return false;
  }

  /** Signal handler path: validate the envelope, drop re-deliveries, queue. Never throws. */
  private accept(raw: unknown): void {
    const parsed = safeParseSignal(raw);
    if (!parsed.ok) {
      // Queued, so the dead-letter list reads in arrival order.
      this.push({ rejected: raw, rejection: { code: ErrorCode.INVALID_SIGNAL, message: parsed.error.message } });
      return;
    }
    if (!this.seen.add(parsed.signal.id)) {
      this.stats.duplicatesIgnored++;
      return;
    }
    this.push({ signal: parsed.signal });
  }

  /** Update validator: synchronous, throws to reject before anything is written. */
  private validateCall(raw: unknown): void {
    const parsed = safeParseSignal(raw);
    if (!parsed.ok) throw failure({ code: ErrorCode.INVALID_SIGNAL, message: parsed.error.message });
    if (this.status !== 'running') {
      throw failure({ code: ErrorCode.SIGNAL_REJECTED, message: `agent "${this.input.agentId}" is ${this.status}` });
    }
    if (this.seen.has(parsed.signal.id)) {
      throw failure({ code: ErrorCode.SIGNAL_REJECTED, message: `signal ${parsed.signal.id} was already accepted by agent "${this.input.agentId}"` });
    }
    const checked = checkSignal(this.def, parsed.signal);
    if (!checked.ok) throw failure(checked.error);
  }

  private drainInbox(): void {
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) {
      if ('signal' in entry) this.apply(entry);
      else if ('stop' in entry) this.requestStop(entry.stop.reason);
      else this.deadLetter(entry.rejected, entry.rejection);
    }
  }

  private apply(entry: InboxEntry): void {
    const { signal, reply } = entry;
    let applied: ReturnType<typeof applySignal<S>>;
    try {
      applied = applySignal(this.def, this.state, signal, { agentId: this.input.agentId, kind: this.def.name, node: this.input.node, now: Date.now() });
    } catch (err) {
      applied = { ok: false, error: { code: ErrorCode.ACTION_FAILED, message: `applying "${signal.type}" threw: ${describe(err)}` } };
    }
    if (!applied.ok) {
      this.deadLetter(signal, applied.error);
      reply?.reject(failure(applied.error));
      return;
    }
    this.state = applied.state;
    this.stats.signalsApplied++;
    this.stats.lastSignalId = signal.id;
    for (const d of applied.directives) this.carryOut(d);
    reply?.resolve(applied.result);
  }

  private deadLetter(raw: unknown, rejection: Rejection): void {
    const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const letter: DeadLetter = { ...rejection, at: new Date().toISOString() };
    if (typeof r.id === 'string') letter.signalId = r.id;
    if (typeof r.type === 'string') letter.type = r.type;
    this.deadLetters.push(letter);
    if (this.deadLetters.length > this.def.options.deadLetterLimit) this.deadLetters.shift();
    log.warn('signal dead-lettered', { agentId: this.input.agentId, code: rejection.code, reason: rejection.message, signalId: letter.signalId });
  }

  // ---- directives ----------------------------------------------------------------------------------

  /** A signal this agent sends: deterministic id (the sandbox's seeded Math.random) and workflow time. */
  private outbound(s: OutboundSignal): Signal {
    const attrs: CreateSignalAttrs = { source: s.source ?? this.source, id: newSignalId(Math.random), time: new Date().toISOString() };
    if (s.subject !== undefined) attrs.subject = s.subject;
    return createSignal(s.type, s.data, attrs);
  }

  private carryOut(d: Directive): void {
    try {
      switch (d.kind) {
        case 'emit':
          return this.emit(d.to, this.outbound(d.signal));
        case 'run':
          return this.dispatchRun(d);
        case 'schedule': {
          const timer: PendingTimer = { fireAt: Date.now() + d.delayMs, signal: this.outbound(d.signal) };
          return this.arm(timer);
        }
        case 'spawn':
          return this.spawn(d.agentKind, d.agentId, d.node ?? this.input.node, d.state);
        case 'stop':
          return this.requestStop(d.reason);
      }
    } catch (err) {
      // An outbound signal that breaks the envelope rules: report it, keep the agent alive.
      this.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `${d.kind} directive failed: ${describe(err)}` });
    }
  }

  private track(effect: Promise<unknown>, onError: (err: unknown) => void): void {
    this.pendingEffects++;
    void effect.then(
      () => this.pendingEffects--,
      (err: unknown) => {
        this.pendingEffects--;
        onError(err);
      },
    );
  }

  private emit(to: { agent: string } | { topic: string }, signal: Signal): void {
    const target = 'agent' in to ? agentWorkflowId(to.agent) : topicWorkflowId(to.topic);
    const send = 'agent' in to ? getExternalWorkflowHandle(target).signal(signalMessage, signal) : getExternalWorkflowHandle(target).signal(publishMessage, signal);
    this.track(send, (err) =>
      this.deadLetter(signal, { code: ErrorCode.AGENT_NOT_FOUND, message: `emit to ${target} failed: ${describe(err)}` }),
    );
  }

  /**
   * Starts a run directive now, or holds it: until a hosted agent's node has mounted it (so the activity
   * finds the agent on its node), or, while draining for continue-as-new, until the next run.
   */
  private dispatchRun(d: RunDirective): void {
    if (this.draining) this.deferredRuns.push(d);
    // Patched: histories recorded before runs waited for the mount started them at once (replay-safe).
    else if (this.mountPending && patched(PATCH_RUNS_WAIT_FOR_MOUNT)) this.awaitingMount.push(d);
    else this.startRun(d);
  }

  private startRun(d: RunDirective): void {
    const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
      taskQueue: nodeTaskQueue(this.input.node),
      startToCloseTimeout: d.startToCloseMs ?? RUN_DEFAULTS.startToCloseMs,
      scheduleToStartTimeout: d.scheduleToStartMs ?? RUN_DEFAULTS.scheduleToStartMs,
      retry: retryPolicy({ ...RUN_DEFAULTS.retry, ...d.retry }),
    });
    const fn = activities[d.activity] as (input: unknown) => Promise<unknown>;
    this.pendingEffects++;
    void fn(d.input).then(
      (result) => {
        this.pendingEffects--;
        this.deliver({ type: d.onResult, data: { result: (result ?? null) as JsonValue, input: d.input ?? null } });
      },
      (err: unknown) => {
        this.pendingEffects--;
        this.deliver({ type: d.onError ?? `${d.onResult}.failed`, data: { error: activityError(err), input: d.input ?? null } });
      },
    );
  }

  /** Internal delivery (activity results, timers): a fresh signal straight into the inbox. */
  private deliver(s: OutboundSignal | Signal): void {
    try {
      this.push({ signal: 'specversion' in s ? (s as Signal) : this.outbound(s) });
    } catch (err) {
      this.deadLetter(s, { code: ErrorCode.INVALID_SIGNAL, message: describe(err) });
    }
  }

  private arm(timer: PendingTimer): void {
    const id = this.timerSeq++;
    this.timers.set(id, timer);
    void sleep(Math.max(1, timer.fireAt - Date.now())).then(
      () => {
        this.timers.delete(id);
        this.deliver(timer.signal);
      },
      // Cancelled (the workflow is being cancelled): nothing to deliver, and no unhandled rejection.
      () => this.timers.delete(id),
    );
  }

  private spawn(kind: string, agentId: string, node: string, state: unknown): void {
    const def = kinds.get(kind);
    if (def === undefined) {
      this.deadLetter(undefined, { code: ErrorCode.UNKNOWN_KIND, message: `spawn failed: unknown agent kind "${kind}"` });
      return;
    }
    if (state !== undefined && !def.state.safeParse(state).success) {
      this.deadLetter(undefined, { code: ErrorCode.INVALID_STATE, message: `spawn of ${kind} "${agentId}" failed: state fails the schema` });
      return;
    }
    const input: AgentWorkflowInput = state === undefined ? { agentId, node } : { agentId, node, state };
    const started = startChild(kind, {
      workflowId: agentWorkflowId(agentId),
      args: [input],
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: AgentKindKey, value: kind },
        { key: AgentNodeKey, value: node },
        { key: AgentStatusKey, value: 'running' },
      ],
      staticSummary: `${kind} agent ${agentId} on ${node} (spawned by ${this.input.agentId})`,
    });
    this.track(started, (err) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return; // idempotent: already running
      this.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `spawn of ${kind} "${agentId}" failed: ${describe(err)}` });
    });
  }

  private requestStop(reason: string | undefined): void {
    if (this.status !== 'running') return;
    this.status = 'stopping';
    this.stopReason = reason;
  }

  // ---- lifecycle -----------------------------------------------------------------------------------

  private hostActivities(): HostActivities {
    return proxyActivities<HostActivities>({
      taskQueue: nodeTaskQueue(this.input.node),
      startToCloseTimeout: '30s',
      scheduleToStartTimeout: '60s',
    });
  }

  private async startup(): Promise<void> {
    const sa = workflowInfo().typedSearchAttributes;
    if (sa.get(AgentKindKey) === undefined || sa.get(AgentNodeKey) !== this.input.node) {
      upsertSearchAttributes([
        { key: AgentKindKey, value: this.def.name },
        { key: AgentNodeKey, value: this.input.node },
        { key: AgentStatusKey, value: 'running' },
      ]);
    }
    if (this.def.options.hosted && this.stats.generation === 0) {
      // Not awaited: the agent applies signals while its node mounts it (runs wait, see dispatchRun); a
      // dead node is reported as a dead letter, not fatal. Continue-as-new waits for it like any effect.
      this.mountPending = true;
      const mount = this.hostActivities()
        .hostMount({ agentId: this.input.agentId, kind: this.def.name, state: this.state })
        .finally(() => {
          this.mountPending = false;
          for (const d of this.awaitingMount.splice(0)) this.dispatchRun(d);
        });
      this.track(mount, (err) => this.deadLetter(undefined, nodeProblem(this.input.node, 'mount', err)));
    }
    const runs = this.deferredRuns;
    this.deferredRuns = [];
    for (const d of runs) this.dispatchRun(d);
  }

  private shouldContinueAsNew(): boolean {
    if (this.status !== 'running') return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (this.input.limits?.maxHistoryEvents ?? this.def.options.maxHistoryEvents);
  }

  private async finish(): Promise<AgentResult> {
    // Runs held back for a continue-as-new that will not happen now: start them, and wait for them below.
    this.draining = false;
    for (const d of this.deferredRuns.splice(0)) this.dispatchRun(d);
    // Apply everything accepted before we close; reject calls that arrive from now on (validator).
    for (;;) {
      await condition(() => this.inboxSize() > 0 || (this.pendingEffects === 0 && allHandlersFinished()));
      if (this.inboxSize() === 0) break;
      this.drainInbox();
    }
    if (this.def.options.hosted) {
      try {
        await this.hostActivities().hostUnmount({ agentId: this.input.agentId });
      } catch (err) {
        this.deadLetter(undefined, nodeProblem(this.input.node, 'unmount', err));
      }
      // Signals that arrived while the node unmounted us are reported, not silently dropped.
      for (let e = this.shift(); e !== undefined; e = this.shift()) {
        if ('signal' in e) this.deadLetter(e.signal, { code: ErrorCode.SIGNAL_REJECTED, message: `agent "${this.input.agentId}" stopped before it could apply this signal` });
        else if ('rejected' in e) this.deadLetter(e.rejected, e.rejection);
      }
    }
    this.status = 'stopped';
    upsertSearchAttributes([{ key: AgentStatusKey, value: 'stopped' }]);
    const result: AgentResult = { state: this.state, info: this.info() };
    if (this.stopReason !== undefined) result.reason = this.stopReason;
    return result;
  }

  private carry(): AgentWorkflowInput {
    const inbox: Signal[] = [];
    for (let i = this.inboxHead; i < this.inbox.length; i++) {
      const e = this.inbox[i];
      if (e === undefined) continue;
      if ('signal' in e) inbox.push(e.signal);
      else if ('rejected' in e) this.deadLetter(e.rejected, e.rejection);
    }
    const carried: CarriedOver = {
      seen: this.seen.toJSON(),
      inbox,
      deadLetters: this.deadLetters,
      timers: [...this.timers.values()],
      deferredRuns: this.deferredRuns,
      stats: { ...this.stats, generation: this.stats.generation + 1 },
    };
    const next: AgentWorkflowInput = { agentId: this.input.agentId, node: this.input.node, state: this.state, carried };
    if (this.input.limits !== undefined) next.limits = this.input.limits;
    return next;
  }

  private info(): AgentInfo {
    const info: AgentInfo = {
      agentId: this.input.agentId,
      kind: this.def.name,
      node: this.input.node,
      status: this.status,
      signalsApplied: this.stats.signalsApplied,
      duplicatesIgnored: this.stats.duplicatesIgnored,
      generation: this.stats.generation,
      inbox: this.inboxSize(),
      pendingEffects: this.pendingEffects,
      timers: this.timers.size,
      dedupeWindow: { size: this.seen.size, capacity: this.seen.capacity },
      deadLetters: this.deadLetters,
    };
    if (this.stats.lastSignalId !== undefined) info.lastSignalId = this.stats.lastSignalId;
    if (this.stats.startedAt !== undefined) info.startedAt = this.stats.startedAt;
    return info;
  }
}

/**
 * Turns an agent kind into its workflow function. Export the result under the kind's name from the
 * workflows module, so the Temporal UI shows the kind as the workflow type:
 * `export const accumulator = agentWorkflow(accumulatorAgent);`
 */
export function agentWorkflow<S>(def: AgentDefinition<S>): (input: AgentWorkflowInput) => Promise<AgentResult> {
  kinds.set(def.name, def as AgentDefinition);
  const workflow = async (input: AgentWorkflowInput): Promise<AgentResult> => new AgentRuntime(def, input).run();
  Object.defineProperty(workflow, 'name', { value: def.name });
  return workflow;
}
