/**
 * The agent entity runtime: one long-lived workflow per agent (`agent/<agentId>`), the Temporal
 * counterpart of Jido's agent server.
 *
 * Owns: the agent's state, its inbox, its exactly-once window, its call results, its dead letters, its
 * timers and its effect queue. Answers: signals `jido.signal`, `jido.signals`, `jido.stop`; update
 * `jido.call`; queries `jido.state`, `jido.info` (src/messages.ts, handlers.ts).
 *
 * Every accepted signal goes through one inbox and is applied one at a time in arrival order by the pure
 * core (`applySignal`). A signal's outcome is admitted only if it fits the carry budget (state, timers,
 * effects); then its directives are carried out: emit / run / spawn through the effect queue
 * (effects.ts), schedule into the timer table (timers.ts), stop. Continue-as-new (continue-as-new.ts)
 * happens softly when effects have finished, or at the hard ceiling whatever is in flight, so no run
 * reaches Temporal's limits.
 *
 * @module
 */
import { condition, continueAsNew, log, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { applySignal, type Rejection } from '../../src/agent/apply.js';
import { checkDirectives } from '../../src/agent/admission.js';
import { checkPool, poolBytes } from '../../src/agent/budget.js';
import { CallResults, type CallOutcome } from '../../src/agent/call-results.js';
import { normaliseCarried } from '../../src/agent/carry.js';
import { DeadLetters } from '../../src/agent/dead-letters.js';
import { DedupeWindow } from '../../src/agent/dedupe-window.js';
import type { AgentDefinition } from '../../src/agent/define-agent.js';
import type { Directive, OutboundSignal, SpawnDirective } from '../../src/agent/directives.js';
import type { DispatchMode, QueuedEffect } from '../../src/agent/effect-queue.js';
import { runLimits, type ContinueDecision } from '../../src/agent/limits.js';
import { carriedBytes } from '../../src/agent/json-size.js';
import type { TimerEntry } from '../../src/agent/timer-table.js';
import { ErrorCode } from '../../src/errors.js';
import type { AgentInfo, AgentResult, AgentStats, AgentWorkflowInput } from '../../src/messages.js';
import { AgentKindKey, AgentNodeKey, AgentStatusKey, type AgentStatus } from '../../src/search-attributes.js';
import { createSignal, isJsonValue, newSignalId, safeParseSignal, type CreateSignalAttrs, type JsonValue, type Signal } from '../../src/signal/index.js';
import { RunBudget, carryInput, readyToContinue } from './continue-as-new.js';
import { Effects, describe } from './effects.js';
import { failure, registerHandlers } from './handlers.js';
import { Hosting } from './hosting.js';
import { Inbox, type SignalEntry } from './inbox.js';
import { Moving } from './moving.js';
import { initialState } from './initial-state.js';
import { settleStop } from './stop.js';
import { kinds } from './kinds.js';
import { Timers } from './timers.js';

/**
 * Behaviour changes that running agents must replay around. `runtime-v2` (checked once, when a run
 * starts) brings timers as data, the `stopping` status and signals refused after a stop; a run recorded
 * before it keeps the old behaviour until it continues-as-new.
 */
export const PATCH_RUNTIME_V2 = 'runtime-v2';
const PATCH_RUNS_WAIT_FOR_MOUNT = 'hosted-runs-wait-for-mount';
/** Continue-as-new decided from history figures observed when something recorded happens (continue-as-new.ts). */
const PATCH_RUN_LIMITS_OBSERVED = 'run-limits-observed';

const size = carriedBytes;

export class AgentRuntime<S> {
  readonly agentId: string;
  /** Home node and fencing epoch: they change when the agent moves (./moving.ts). */
  private node: string;
  private epoch: number;
  readonly kind: string;
  readonly inbox = new Inbox();
  readonly seen: DedupeWindow;
  readonly results: CallResults;
  private currentState: S;
  private stateBytes: number;
  private readonly deadLetters: DeadLetters;
  private readonly timers: Timers;
  private readonly effects: Effects;
  private readonly hosting: Hosting;
  private readonly moving: Moving;
  private readonly stats: AgentStats;
  /** This run's use of its limits, and the continue-as-new decision they drive. */
  private readonly thisRun: RunBudget;
  private readonly pool: number;
  private readonly source: string;
  private readonly v2: boolean;
  private readonly startMount: boolean;
  private agentStatus: AgentStatus = 'running';
  private stopReason: string | undefined;

  constructor(
    readonly def: AgentDefinition<S>,
    private readonly input: AgentWorkflowInput,
  ) {
    this.v2 = patched(PATCH_RUNTIME_V2);
    this.agentId = input.agentId;
    this.node = input.node;
    this.epoch = input.epoch ?? 0;
    this.kind = def.name;
    this.source = `/agent/${input.agentId}`;
    const carried = normaliseCarried(input.carried);
    const initial = initialState(def, input, !this.v2);
    this.currentState = initial.state;
    this.stateBytes = initial.bytes;
    this.seen = new DedupeWindow(def.options.dedupeWindow, carried?.seen ?? []);
    this.results = new CallResults(size, carried?.results ?? []);
    this.deadLetters = new DeadLetters(def.options.deadLetterLimit, size, carried?.deadLetters ?? []);
    this.stats = carried?.stats ?? { signalsApplied: 0, duplicatesIgnored: 0, generation: 0, startedAt: new Date().toISOString() };
    this.thisRun = new RunBudget(runLimits(def.options.maxHistoryEvents, input.limits), () => this.effects.queue.childBudgetSpent, !this.v2, this.v2 && patched(PATCH_RUN_LIMITS_OBSERVED));
    this.pool = poolBytes(def.options);
    this.startMount = def.options.hosted && (this.stats.generation === 0 || carried?.mountPending === true);
    for (const signal of carried?.inbox ?? []) this.inbox.push({ signal, external: true });
    // Signals handed over at start (a spawn's `signals`) go first. Only a first run has them.
    const startSignals = carried === undefined ? (input.signals ?? []) : [];

    registerHandlers({
      agentId: this.agentId,
      def,
      inbox: this.inbox,
      seen: this.seen,
      results: this.results,
      status: () => this.agentStatus,
      state: () => this.currentState,
      info: () => this.info(),
      countSignal: () => {
        this.thisRun.signals++;
        this.thisRun.observe();
      },
      countUpdate: () => {
        this.thisRun.updates++;
        this.thisRun.observe();
      },
      duplicateIgnored: () => void this.stats.duplicatesIgnored++,
    });
    this.effects = new Effects(
      {
        agentId: this.agentId,
        node: () => this.node,
        epoch: () => this.epoch,
        outbound: (s) => this.outbound(s),
        deliver: (s) => this.deliver(s),
        deadLetter: (raw, r) => this.deadLetter(raw, r),
        checkSpawn: (d) => this.checkSpawn(d),
        mode: () => this.dispatchMode(),
        settled: () => this.thisRun.observe(),
      },
      size,
      carried?.effects ?? [],
    );
    this.hosting = new Hosting({
      agentId: this.agentId,
      node: () => this.node,
      epoch: () => this.epoch,
      kind: this.kind,
      state: () => this.currentState,
      deadLetter: (raw, r) => this.deadLetter(raw, r),
      reserveActivity: () => this.effects.queue.reserveActivity(),
      mounted: () => this.effects.mounted(),
    });
    this.moving = new Moving(
      {
        agentId: this.agentId,
        kind: this.kind,
        hosted: def.options.hosted,
        node: () => this.node,
        epoch: () => this.epoch,
        status: () => this.agentStatus,
        quiet: () => !this.hosting.pending && this.effects.queue.inFlight().activities === 0,
        rehome: (node, epoch) => this.rehome(node, epoch),
        release: () => this.effects.mounted(),
        deadLetter: (raw, r) => this.deadLetter(raw, r),
      },
      carried?.move,
    );
    // Carried timers are armed before anything else, as runs before `runtime-v2` did.
    this.timers = new Timers(!this.v2, size, carried?.timers ?? [], (due) => this.fire(due));
    for (const raw of startSignals) {
      const parsed = safeParseSignal(raw);
      if (parsed.ok) this.inbox.push({ signal: parsed.signal, external: false });
      else this.deadLetter(raw, { code: ErrorCode.INVALID_SIGNAL, message: parsed.error.message });
    }
  }

  async run(): Promise<AgentResult> {
    this.startup();
    for (;;) {
      const wake = (): boolean => this.inbox.size > 0 || this.decision() !== undefined || this.moving.due();
      // A prepared move wakes the loop when it expires (a timer only while a move is under way).
      const moveMs = this.moving.sleepMs(Date.now());
      if (moveMs === undefined) await condition(wake);
      else if (!(await condition(wake, moveMs))) this.moving.expire();
      this.moving.step();
      this.drain();
      if (this.agentStatus === 'stopping') return this.finish();
      const decision = this.decision();
      if (decision === undefined) continue;
      if (this.thisRun.draining === undefined) log.info('continue-as-new due', { agentId: this.agentId, mode: decision.mode, reason: decision.reason });
      this.thisRun.draining = decision;
      // Effects (and calls awaiting replies) finish in this run; a hard decision does not wait for activities.
      await condition(() => this.inbox.size > 0 || readyToContinue(this.effects.queue, this.thisRun.current()));
      const now = this.thisRun.current();
      const ready = readyToContinue(this.effects.queue, now);
      // Signals that arrived meanwhile are applied first; a run recorded before `runtime-v2` carried them
      // over instead (unless a stop or a rejected envelope was waiting), and still does, to replay.
      if (this.v2 ? this.inbox.size > 0 || !ready : !ready || this.inbox.hasControl()) continue;
      await continueAsNew<(input: AgentWorkflowInput) => Promise<AgentResult>>(
        carryInput(this.input, {
          inbox: this.inbox.signals(),
          state: this.currentState,
          seen: this.seen,
          deadLetters: this.deadLetters.list(),
          timers: this.timers.table.toJSON(),
          effects: this.effects.carry(now?.mode === 'hard'),
          results: this.results.toJSON(),
          mountPending: this.hosting.pending,
          stats: this.stats,
          node: this.node,
          epoch: this.epoch,
          move: this.moving.pending,
        }),
      );
    }
  }

  // ---- state and info --------------------------------------------------------------------------------

  info(): AgentInfo {
    const inFlight = this.effects.queue.inFlight();
    const info: AgentInfo = {
      agentId: this.agentId,
      kind: this.kind,
      node: this.node,
      epoch: this.epoch,
      status: this.agentStatus,
      signalsApplied: this.stats.signalsApplied,
      duplicatesIgnored: this.stats.duplicatesIgnored,
      generation: this.stats.generation,
      inbox: this.inbox.size,
      pendingEffects: inFlight.signals + inFlight.activities + inFlight.children,
      queuedEffects: this.effects.queue.queued,
      timers: this.timers.count,
      dedupeWindow: { size: this.seen.size, capacity: this.seen.capacity },
      deadLetters: this.deadLetters.list(),
      budget: { pool: this.pool, state: this.stateBytes, timers: this.timers.bytes, effects: this.effects.queue.bytes, maxState: this.def.options.maxStateBytes },
      run: { signals: this.thisRun.signals, updates: this.thisRun.updates, historyLength: workflowInfo().historyLength },
    };
    const move = this.moving.pending;
    if (move !== undefined) info.move = { moveId: move.moveId, target: move.target, quiesced: move.answered };
    const next = this.timers.table.peek();
    if (next !== undefined) info.nextTimerAt = new Date(next.at).toISOString();
    if (this.stats.lastSignalId !== undefined) info.lastSignalId = this.stats.lastSignalId;
    if (this.stats.startedAt !== undefined) info.startedAt = this.stats.startedAt;
    if (this.stats.carriedBytes !== undefined) info.carriedBytes = this.stats.carriedBytes;
    return info;
  }

  // ---- inbox -----------------------------------------------------------------------------------------

  /** Applies everything in the inbox, in order, then re-arms the timer for the earliest entry. */
  private drain(): void {
    for (let entry = this.inbox.shift(); entry !== undefined; entry = this.inbox.shift()) {
      if ('signal' in entry) this.apply(entry);
      else if ('stop' in entry) this.requestStop(entry.stop.reason);
      else if ('move' in entry) this.moving.handle(entry.move, Date.now());
      else if ('remount' in entry) this.remount(entry.remount);
      else this.deadLetter(entry.rejected, entry.rejection);
    }
    this.timers.rearm();
  }

  private apply(entry: SignalEntry): void {
    const { signal, reply } = entry;
    if (this.v2 && entry.external && this.agentStatus !== 'running') {
      return this.refuse(entry, { code: ErrorCode.SIGNAL_REJECTED, message: `agent "${this.agentId}" is ${this.agentStatus}: signal not applied` });
    }
    const ctx = { agentId: this.agentId, kind: this.kind, node: this.node, now: Date.now() };
    const maxStateBytes = Math.max(this.def.options.maxStateBytes, this.stateBytes);
    const applied = applySignal(this.def, this.currentState, signal, ctx, { legacy: !this.v2, maxStateBytes });
    if (!applied.ok) return this.refuse(entry, applied.error);
    // Each directive's JSON size, measured once: for the budget check, then kept by the effect queue.
    const sizes = this.v2 ? applied.directives.map((d) => this.measure(d, ctx.now)) : [];
    const admitted = this.admit(applied.directives, sizes, applied.bytes);
    if (admitted !== undefined) return this.refuse(entry, admitted);
    this.currentState = applied.state;
    this.stateBytes = applied.bytes;
    this.stats.signalsApplied++;
    this.stats.lastSignalId = signal.id;
    applied.directives.forEach((d, i) => this.carryOut(d, sizes[i]));
    if (reply !== undefined) {
      const result = applied.result === undefined ? undefined : (applied.result as JsonValue);
      this.results.set(signal.id, result === undefined ? { ok: true } : isJsonValue(result) ? { ok: true, result } : { ok: true, omitted: 0 });
      reply.resolve(applied.result);
    }
  }

  /** Dead-letters a signal the agent will not apply, and rejects its call (the rejection is kept for retries). */
  private refuse(entry: SignalEntry, rejection: Rejection): void {
    this.deadLetter(entry.signal, rejection);
    if (entry.reply !== undefined) {
      const outcome: CallOutcome = { ok: false, code: rejection.code, message: rejection.message };
      this.results.set(entry.signal.id, outcome);
      entry.reply.reject(failure(rejection));
    }
  }

  /**
   * Whether a signal's outcome can be committed: every directive names something Temporal will accept
   * (src/agent/admission.ts), and its state, timers and effects fit the carry budget. The rejection naming
   * the problem otherwise. (A run recorded before `runtime-v2` admitted everything, as it did then.)
   */
  private admit(directives: readonly Directive[], sizes: readonly number[], stateBytes: number): Rejection | undefined {
    if (!this.v2) return undefined;
    let timers = this.timers.bytes;
    let effects = this.effects.queue.bytes;
    directives.forEach((d, i) => {
      if (d.kind === 'schedule') timers += sizes[i] ?? 0;
      else effects += sizes[i] ?? 0;
    });
    const limits = { maxStateBytes: Math.max(this.def.options.maxStateBytes, this.stateBytes), poolBytes: this.pool };
    return checkDirectives(directives, (name) => kinds.get(name)) ?? checkPool({ state: stateBytes, timers, effects }, limits);
  }

  /** JSON bytes a directive adds to the carry budget (a stop adds none). */
  private measure(d: Directive, now: number): number {
    if (d.kind === 'schedule') return this.timers.table.measure(now + d.delayMs, d.signal);
    return d.kind === 'stop' ? 0 : this.effects.queue.measure(d);
  }

  private deadLetter(raw: unknown, rejection: Rejection): void {
    const letter = this.deadLetters.add(raw, rejection, new Date().toISOString());
    log.warn('signal dead-lettered', { agentId: this.agentId, code: rejection.code, reason: letter.message, signalId: letter.signalId });
  }

  // ---- directives ------------------------------------------------------------------------------------

  /** A signal this agent sends: deterministic id (the sandbox's seeded Math.random) and workflow time. */
  private outbound(s: OutboundSignal): Signal {
    const attrs: CreateSignalAttrs = { source: s.source ?? this.source, id: newSignalId(Math.random), time: new Date().toISOString() };
    if (s.subject !== undefined) attrs.subject = s.subject;
    return createSignal(s.type, s.data, attrs);
  }

  /** An internal delivery (activity result, fired timer): a fresh signal straight into the inbox. */
  private deliver(s: OutboundSignal): void {
    this.thisRun.observe();
    try {
      this.inbox.push({ signal: this.outbound(s), external: false });
    } catch (err) {
      this.deadLetter(s, { code: ErrorCode.INVALID_SIGNAL, message: describe(err) });
    }
  }

  private fire(due: readonly TimerEntry[]): void {
    for (const t of due) this.deliver(t.signal);
  }

  private carryOut(d: Directive, bytes?: number): void {
    try {
      switch (d.kind) {
        case 'emit':
        case 'run':
        case 'spawn':
        case 'saga':
          return this.effects.add(d as QueuedEffect, bytes);
        case 'schedule':
          // A run recorded before `runtime-v2` made the signal here, refusing the timer if it was invalid
          // (admission now refuses such a signal before it applies).
          if (!this.v2) this.outbound(d.signal);
          return this.timers.schedule(Date.now() + d.delayMs, d.signal);
        case 'stop':
          return this.requestStop(d.reason);
      }
    } catch (err) {
      // Unreachable after admission; kept so that a bug here reports instead of failing the workflow task.
      this.deadLetter(undefined, { code: ErrorCode.ACTION_FAILED, message: `${d.kind} directive failed: ${describe(err)}` });
    }
  }

  private checkSpawn(d: SpawnDirective): Rejection | undefined {
    const def = kinds.get(d.agentKind);
    if (def === undefined) return { code: ErrorCode.UNKNOWN_KIND, message: `spawn failed: unknown agent kind "${d.agentKind}"` };
    if (d.state !== undefined && !def.state.safeParse(d.state).success) {
      return { code: ErrorCode.INVALID_STATE, message: `spawn of ${d.agentKind} "${d.agentId}" failed: state fails the schema` };
    }
    return undefined;
  }

  private dispatchMode(): DispatchMode {
    // Runs before `runtime-v2` kept emits and spawns going while draining and held only runs back.
    const draining = this.thisRun.draining === undefined ? false : this.v2 ? 'holdAll' : 'holdRuns';
    // Patched: histories recorded before runs waited for the mount started them at once (replay-safe).
    // Runs also wait while a move is prepared (their node is about to change).
    const mountPending = (this.hosting.pending && (this.v2 || patched(PATCH_RUNS_WAIT_FOR_MOUNT))) || this.moving.holding;
    return { draining, mountPending, legacy: !this.v2 };
  }

  /** Whether this run should continue-as-new now (never while stopping). */
  private decision(): ContinueDecision {
    return this.agentStatus === 'running' ? this.thisRun.due() : undefined;
  }

  // ---- lifecycle -------------------------------------------------------------------------------------

  private startup(): void {
    const sa = workflowInfo().typedSearchAttributes;
    if (sa.get(AgentKindKey) === undefined || sa.get(AgentNodeKey) !== this.node) {
      upsertSearchAttributes([
        { key: AgentKindKey, value: this.kind },
        { key: AgentNodeKey, value: this.node },
        { key: AgentStatusKey, value: 'running' },
      ]);
    }
    // Not awaited: the agent applies signals while its node mounts it (runs wait for it).
    if (this.startMount) this.hosting.mount();
    this.effects.pump();
  }

  /** A committed move: the new home node and epoch, visible as `AgentNode` at once. */
  private rehome(node: string, epoch: number): void {
    this.node = node;
    this.epoch = epoch;
    upsertSearchAttributes([{ key: AgentNodeKey, value: node }]);
  }

  /**
   * `jido.remount` from a node that restarted and lost what it held in memory: a hosted agent homed there
   * mounts itself again (from its state). Anything else — not hosted, homed elsewhere, stopping, a mount
   * or a move under way — ignores it.
   */
  private remount(raw: unknown): void {
    const node = (raw as { node?: unknown } | null)?.node;
    if (!this.def.options.hosted || node !== this.node || this.agentStatus !== 'running' || this.hosting.pending || this.moving.holding) return;
    log.info('remounting on its node', { agentId: this.agentId, node });
    this.hosting.mount();
  }

  private requestStop(reason: string | undefined): void {
    if (this.agentStatus !== 'running') return;
    this.moving.cancel(`agent "${this.agentId}" is stopping`);
    this.agentStatus = 'stopping';
    this.stopReason = reason;
    if (this.v2) {
      upsertSearchAttributes([{ key: AgentStatusKey, value: 'stopping' }]);
      const dropped = this.timers.clear();
      if (dropped > 0) log.info('pending timers dropped by stop', { agentId: this.agentId, timers: dropped });
    }
  }

  /** Completes a stopping agent: see ./stop.ts. */
  private async finish(): Promise<AgentResult> {
    await settleStop({
      agentId: this.agentId,
      hosted: this.def.options.hosted,
      inbox: this.inbox,
      effects: this.effects,
      hosting: this.hosting,
      thisRun: this.thisRun,
      drain: () => this.drain(),
      deadLetter: (raw, r) => this.deadLetter(raw, r),
    });
    this.agentStatus = 'stopped';
    upsertSearchAttributes([{ key: AgentStatusKey, value: 'stopped' }]);
    const result: AgentResult = { state: this.currentState, info: this.info() };
    if (this.stopReason !== undefined) result.reason = this.stopReason;
    return result;
  }
}
