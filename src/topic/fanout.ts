/**
 * A topic's fan-out as data: its subscribers, and a FIFO of operations (publish, subscribe,
 * unsubscribe). A publication goes to every subscriber, one send at a time, before the next operation
 * starts, so subscription changes take effect between publications and a fan-out can pause at any send
 * (when the sends in flight are at their cap, or for continue-as-new) and resume where it stopped.
 * Publications are de-duplicated by signal id. Pure module.
 *
 * @module
 */
import { DedupeWindow } from '../agent/dedupe-window.js';

/** One queued topic operation. */
export type TopicOp = { publish: unknown } | { subscribe: string[] } | { unsubscribe: string[] };

/** The carried form (continue-as-new input). */
export interface FanoutState {
  subscribers: string[];
  ops: TopicOp[];
  /** Index of the next subscriber of the publication at the head of `ops`. */
  cursor: number;
  published: number;
  /** Publication ids seen (oldest first). */
  seen: string[];
}

/** Publications remembered to ignore re-deliveries. */
export const TOPIC_DEDUPE_WINDOW = 1_024;

export class Fanout {
  private readonly subscribers: string[];
  private readonly members: Set<string>;
  private readonly ops: TopicOp[];
  private head = 0;
  private cursor: number;
  private publishedCount: number;
  private readonly seen: DedupeWindow;

  constructor(state: Partial<FanoutState> = {}) {
    this.subscribers = [...new Set(state.subscribers ?? [])];
    this.members = new Set(this.subscribers);
    this.ops = [...(state.ops ?? [])];
    this.cursor = state.cursor ?? 0;
    this.publishedCount = state.published ?? 0;
    this.seen = new DedupeWindow(TOPIC_DEDUPE_WINDOW, state.seen ?? []);
  }

  get published(): number {
    return this.publishedCount;
  }

  /** Operations waiting (the one under way included). */
  get pending(): number {
    return this.ops.length - this.head;
  }

  list(): string[] {
    return [...this.subscribers];
  }

  /** Queues a publication; a signal id already published is ignored (returns false). */
  publish(signal: unknown): boolean {
    const id = (signal as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && !this.seen.add(id)) return false;
    this.ops.push({ publish: signal });
    return true;
  }

  subscribe(agentIds: string[]): void {
    this.ops.push({ subscribe: agentIds });
  }

  unsubscribe(agentIds: string[]): void {
    this.ops.push({ unsubscribe: agentIds });
  }

  /** Removes a subscriber at once (it no longer exists); the fan-out under way skips it. */
  drop(agentId: string): void {
    if (!this.members.delete(agentId)) return;
    const i = this.subscribers.indexOf(agentId);
    this.subscribers.splice(i, 1);
    if (i < this.cursor) this.cursor--;
  }

  /**
   * The next send, applying subscription changes that come before it; undefined when nothing is left to
   * send. Each call hands out one send and moves past it.
   */
  next(): { agentId: string; signal: unknown } | undefined {
    for (;;) {
      const op = this.ops[this.head];
      if (op === undefined) return undefined;
      if ('subscribe' in op) {
        for (const id of op.subscribe) {
          if (this.members.has(id)) continue;
          this.members.add(id);
          this.subscribers.push(id);
        }
        this.advance();
      } else if ('unsubscribe' in op) {
        for (const id of op.unsubscribe) this.drop(id);
        this.advance();
      } else if (this.cursor >= this.subscribers.length) {
        this.publishedCount++;
        this.advance();
      } else {
        return { agentId: this.subscribers[this.cursor++] as string, signal: op.publish };
      }
    }
  }

  toJSON(): FanoutState {
    return { subscribers: this.list(), ops: this.ops.slice(this.head), cursor: this.cursor, published: this.publishedCount, seen: this.seen.toJSON() };
  }

  private advance(): void {
    this.ops[this.head++] = undefined as never;
    this.cursor = 0;
    if (this.head > 1024 && this.head * 2 > this.ops.length) {
      this.ops.splice(0, this.head);
      this.head = 0;
    }
  }
}
