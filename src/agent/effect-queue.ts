/**
 * The effect queue: every outbound effect an agent's actions ask for (emit, run, spawn), in order, with
 * what is in flight counted per kind so that a run never goes over Temporal's per-run limits of 2,000
 * pending outgoing signals, activities and child workflows (going over fails the workflow task on every
 * retry: the agent would be stuck for good).
 *
 * Effects start in the order they were queued; when the head's kind is at its cap
 * ({@link EFFECTS_IN_FLIGHT}) everything behind it waits. Emits to one agent are **coalesced**: when the
 * head is an emit to agent X, every emit to X queued behind it (up to {@link EMIT_BATCH}) goes with it as
 * one `jido.signals` batch, in order — one outgoing signal and two history events instead of hundreds.
 * Per-receiver order is kept; there is no order between different receivers anyway (deliveries run in
 * parallel). Effects not yet finished count against the agent's carry budget by their JSON size: the
 * queue is carried across continue-as-new, and it must fit.
 *
 * The workflow runtime calls {@link EffectQueue.next} to learn what to do with the head, and reports
 * starts and completions; the queue itself never touches Temporal. Pure module.
 *
 * @module
 */
import type { EmitDirective, RunDirective, SagaDirective, SpawnDirective } from './directives.js';
import { CHILDREN_PER_RUN, EFFECTS_IN_FLIGHT } from './limits.js';

/** A queued effect: the directive as the action returned it (ids and times are filled in when it starts). */
export type QueuedEffect = EmitDirective | RunDirective | SpawnDirective | SagaDirective;

/** Most emits coalesced into one batch to one agent: count and JSON bytes. */
export const EMIT_BATCH = { count: 500, bytes: 256 * 1024 } as const;

/** The Temporal resource an effect holds while in flight. */
export type EffectClass = keyof typeof EFFECTS_IN_FLIGHT;

/** One effect with its sequence number and JSON size. */
export interface EffectEntry {
  readonly seq: number;
  readonly effect: QueuedEffect;
  readonly bytes: number;
  /** Started with an earlier entry's batch; the FIFO skips it. */
  taken?: boolean;
}

/** The agent an emit goes to (topics are not coalesced), or undefined. */
function receiver(e: QueuedEffect): string | undefined {
  return e.kind === 'emit' && 'agent' in e.to ? e.to.agent : undefined;
}

export function effectClass(e: QueuedEffect): EffectClass {
  return e.kind === 'emit' ? 'signals' : e.kind === 'run' ? 'activities' : 'children';
}

/** How the runtime is dispatching right now. */
export interface DispatchMode {
  /** Draining for continue-as-new: nothing new starts (`holdAll`), or only runs are held (`holdRuns`, v1 runs). */
  draining: false | 'holdAll' | 'holdRuns';
  /** A hosted agent's node has not mounted it yet: runs wait for the mount. */
  mountPending: boolean;
  /**
   * A run recorded before `runtime-v2`: it replays the old dispatch exactly — every effect starts at once
   * (no caps, no per-run child budget) and each emit goes alone.
   */
  legacy: boolean;
}

/** What to do with the head of the queue. */
export type NextStep =
  /** Start these together: one effect, or several emits to one agent (one batch), oldest first. */
  | { step: 'start'; entries: EffectEntry[] }
  | { step: 'defer' | 'await-mount'; entry: EffectEntry }
  | { step: 'wait'; reason: 'empty' | 'draining' | 'cap' | 'child-budget' };

export class EffectQueue {
  private readonly fifo: EffectEntry[] = [];
  private head = 0;
  /** Queued emits per receiving agent, oldest first (for coalescing). */
  private readonly emitsTo = new Map<string, EffectEntry[]>();
  private queuedCount = 0;
  private seq = 0;
  private totalBytes = 0;
  private readonly flying: Record<EffectClass, number> = { signals: 0, activities: 0, children: 0 };
  /** Activities in flight for runs, by seq, in dispatch order (carried again on a hard continue-as-new). */
  private readonly runsInFlight = new Map<number, EffectEntry>();
  private childrenThisRun = 0;

  /** @param size JSON byte size of an effect (measured once, when queued). */
  constructor(private readonly size: (e: QueuedEffect) => number) {}

  /** Queued and unfinished effects' bytes: what the queue costs in the carry budget. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Effects waiting to start. */
  get queued(): number {
    return this.queuedCount;
  }

  /** In flight now, per kind. */
  inFlight(): Readonly<Record<EffectClass, number>> {
    return { ...this.flying };
  }

  /** Children started by this run (they hold Temporal's pending-child slots until the run ends). */
  get spawnedThisRun(): number {
    return this.childrenThisRun;
  }

  /** The runs whose activities are in flight, in dispatch order. */
  runningRuns(): QueuedEffect[] {
    return [...this.runsInFlight.values()].map((e) => e.effect);
  }

  /** Signals and activities in flight: what a soft continue-as-new waits for. */
  get busy(): boolean {
    return this.flying.signals + this.flying.activities + this.flying.children > 0;
  }

  /** What a hard continue-as-new must still wait for (outgoing signals and child starts finish in moments). */
  get busyBesidesActivities(): boolean {
    return this.flying.signals + this.flying.children > 0;
  }

  /** Size of an effect if it were queued now. */
  measure(e: QueuedEffect): number {
    return this.size(e);
  }

  enqueue(effect: QueuedEffect, bytes = this.size(effect)): EffectEntry {
    const entry: EffectEntry = { seq: this.seq++, effect, bytes };
    this.fifo.push(entry);
    this.queuedCount++;
    this.totalBytes += bytes;
    const to = receiver(effect);
    if (to !== undefined) {
      const list = this.emitsTo.get(to);
      if (list === undefined) this.emitsTo.set(to, [entry]);
      else list.push(entry);
    }
    return entry;
  }

  /** Decides what happens to the head; `start`, `defer` and `await-mount` remove it from the queue. */
  next(mode: DispatchMode): NextStep {
    const entry = this.peek();
    if (entry === undefined) return { step: 'wait', reason: 'empty' };
    const { kind } = entry.effect;
    if (mode.draining === 'holdAll') return { step: 'wait', reason: 'draining' };
    if (kind === 'run' && mode.draining === 'holdRuns') return { step: 'defer', entry: this.shift() };
    if (kind === 'run' && mode.mountPending) return { step: 'await-mount', entry: this.shift() };
    if (!mode.legacy && (kind === 'spawn' || kind === 'saga') && this.childrenThisRun >= CHILDREN_PER_RUN) return { step: 'wait', reason: 'child-budget' };
    const cls = effectClass(entry.effect);
    if (!mode.legacy && this.flying[cls] >= EFFECTS_IN_FLIGHT[cls]) return { step: 'wait', reason: 'cap' };
    this.shift();
    const to = receiver(entry.effect);
    const list = to === undefined || mode.legacy ? undefined : this.emitsTo.get(to);
    if (list === undefined) return { step: 'start', entries: [entry] };
    // The head was the oldest queued emit to `to`: the ones behind it go with it, in order.
    const entries = [entry];
    let bytes = entry.bytes;
    let i = 0;
    for (; i < list.length && entries.length < EMIT_BATCH.count; i++) {
      const e = list[i] as EffectEntry;
      if (bytes + e.bytes > EMIT_BATCH.bytes) break;
      bytes += e.bytes;
      e.taken = true;
      this.queuedCount--;
      entries.push(e);
    }
    list.splice(0, i);
    if (list.length === 0) this.emitsTo.delete(to as string);
    return { step: 'start', entries };
  }

  /** The head is a spawn that must wait for the next run (this run's child budget is spent). */
  get childBudgetSpent(): boolean {
    const entry = this.peek();
    return entry !== undefined && (entry.effect.kind === 'spawn' || entry.effect.kind === 'saga') && this.childrenThisRun >= CHILDREN_PER_RUN;
  }

  /** Marks entries started together (one batch) as in flight: they hold one slot of their kind until {@link finished}. */
  started(entries: readonly EffectEntry[]): void {
    const first = entries[0] as EffectEntry;
    const cls = effectClass(first.effect);
    this.flying[cls]++;
    if (cls === 'children') this.childrenThisRun++;
    if (first.effect.kind === 'run') this.runsInFlight.set(first.seq, first);
  }

  /** Releases the slot and bytes of entries started together (they completed, failed, or were dropped). */
  finished(entries: readonly EffectEntry[]): void {
    const first = entries[0] as EffectEntry;
    this.flying[effectClass(first.effect)]--;
    for (const e of entries) this.totalBytes -= e.bytes;
    this.runsInFlight.delete(first.seq);
  }

  /**
   * Puts entries taken aside (runs held for the mount) back at the head of the queue, in order, so they
   * start under the caps like everything else. Only runs are held aside, so no receiver list changes.
   */
  requeueFront(entries: readonly EffectEntry[]): void {
    if (entries.length === 0) return;
    this.peek();
    this.fifo.splice(this.head, 0, ...entries);
    this.queuedCount += entries.length;
  }

  /** Releases the bytes of an entry that never started (held, then dropped or carried elsewhere). */
  dropped(entry: EffectEntry): void {
    this.totalBytes -= entry.bytes;
  }

  /** An activity outside the queue (the node host's mount and unmount) holds an activity slot meanwhile. */
  reserveActivity(): () => void {
    this.flying.activities++;
    return () => void this.flying.activities--;
  }

  /**
   * The effects to carry into the next run, in order: with `runsInFlight`, the activities still running
   * (a hard continue-as-new dispatches them again), then `held` entries, then the queue.
   */
  carry(options: { runsInFlight: boolean; held?: readonly EffectEntry[] }): QueuedEffect[] {
    const out: QueuedEffect[] = options.runsInFlight ? this.runningRuns() : [];
    for (const e of options.held ?? []) out.push(e.effect);
    for (let i = this.head; i < this.fifo.length; i++) {
      const e = this.fifo[i] as EffectEntry;
      if (!e.taken) out.push(e.effect);
    }
    return out;
  }

  /** Removes and returns every queued entry (an agent that stops drops what never started). */
  clear(): EffectEntry[] {
    const rest: EffectEntry[] = [];
    for (let e = this.peek(); e !== undefined; e = this.peek()) rest.push(this.shift());
    for (const e of rest) this.totalBytes -= e.bytes;
    this.emitsTo.clear();
    return rest;
  }

  /** The oldest entry not yet taken. */
  private peek(): EffectEntry | undefined {
    for (let e = this.fifo[this.head]; e !== undefined && e.taken; e = this.fifo[this.head]) this.fifo[this.head++] = undefined as never;
    return this.fifo[this.head];
  }

  /** Removes the head (see {@link peek}): from the FIFO and, for an emit, from its receiver's list. */
  private shift(): EffectEntry {
    const entry = this.fifo[this.head] as EffectEntry;
    this.queuedCount--;
    const to = receiver(entry.effect);
    if (to !== undefined) {
      const list = this.emitsTo.get(to);
      if (list?.[0] === entry) list.shift();
      if (list?.length === 0) this.emitsTo.delete(to);
    }
    this.fifo[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo.splice(0, this.head);
      this.head = 0;
    }
    return entry;
  }
}
