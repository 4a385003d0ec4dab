/**
 * The agent's inbox: every accepted message, applied one at a time in arrival order. Signals, batches,
 * calls and stop requests share it, and so do the agent's own deliveries (activity results, fired
 * timers), so the agent sees one ordered stream.
 *
 * @module
 */
import type { Rejection } from '../../src/agent/apply.js';
import type { Signal } from '../../src/signal/index.js';

/** The reply of a `jido.call` waiting in the inbox. */
export interface CallReply {
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

/** A signal to apply; `external` when it came from outside (not an activity result or a timer). */
export interface SignalEntry {
  signal: Signal;
  external: boolean;
  reply?: CallReply;
}

/**
 * What the inbox holds: signals, stop requests, envelopes rejected on arrival (dead-lettered in turn), and
 * the node-level requests `jido.move` and `jido.remount` (workflows/agent/moving.ts), in arrival order.
 */
export type InboxEntry =
  | SignalEntry
  | { stop: { reason?: string } }
  | { rejected: unknown; rejection: Rejection }
  | { move: unknown }
  | { remount: unknown };

export class Inbox {
  private readonly entries: Array<InboxEntry | undefined> = [];
  private head = 0;

  get size(): number {
    return this.entries.length - this.head;
  }

  push(entry: InboxEntry): void {
    this.entries.push(entry);
  }

  /** The oldest entry, removed; undefined when empty. */
  shift(): InboxEntry | undefined {
    if (this.head >= this.entries.length) return undefined;
    const entry = this.entries[this.head];
    this.entries[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return entry;
  }

  /** The signals waiting, in order (carried over by a run recorded before `runtime-v2`; empty otherwise). */
  signals(): Signal[] {
    const out: Signal[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e !== undefined && 'signal' in e) out.push(e.signal);
    }
    return out;
  }

  /** A stop request or a rejected envelope is waiting. */
  hasControl(): boolean {
    for (let i = this.head; i < this.entries.length; i++) if (!('signal' in (this.entries[i] as InboxEntry))) return true;
    return false;
  }
}
