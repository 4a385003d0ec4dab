/**
 * A topic's fan-out as data: its subscribers, and a FIFO of operations (publish, subscribe,
 * unsubscribe). A publication goes to every subscriber, one send at a time, before the next operation
 * starts, so subscription changes take effect between publications and a fan-out can pause at any send
 * (when the sends in flight are at their cap, or for continue-as-new) and resume where it stopped.
 * Publications are de-duplicated by signal id. Pure module.
 *
 * Everything here is carried across continue-as-new, so it is bounded ({@link TOPIC_BUDGET}): a
 * subscription or publication that would not fit is refused (the topic workflow reports it in
 * `topic.info`) rather than risking an input over Temporal's 2 MiB payload limit.
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

/** JSON bytes a topic carries at most: its subscriber ids, and its queued operations (publications). */
export const TOPIC_BUDGET = { subscribersBytes: 512 * 1024, opsBytes: 768 * 1024 } as const;

/** What became of a request. */
export type FanoutOutcome = 'queued' | 'duplicate' | 'too-large';

export class Fanout {
  private readonly subscribers: string[];
  private readonly members: Set<string>;
  private readonly ops: TopicOp[];
  private head = 0;
  private cursor: number;
  private publishedCount: number;
  private readonly seen: DedupeWindow;
  private subscriberBytes = 0;
  /** Bytes of ids in queued subscriptions (they count against the subscriber budget already). */
  private pendingSubscriptionBytes = 0;
  private opBytes = 0;
  private readonly opSizes: number[] = [];

  /** @param size JSON byte size of a value (an id, an operation). */
  constructor(
    private readonly size: (value: unknown) => number,
    state: Partial<FanoutState> = {},
  ) {
    this.subscribers = [...new Set(state.subscribers ?? [])];
    this.members = new Set(this.subscribers);
    for (const id of this.subscribers) this.subscriberBytes += size(id);
    this.ops = [...(state.ops ?? [])];
    for (const op of this.ops) {
      this.opSizes.push(size(op));
      if ('subscribe' in op) for (const id of op.subscribe) this.pendingSubscriptionBytes += size(id);
    }
    this.opBytes = this.opSizes.reduce((a, b) => a + b, 0);
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

  /** Bytes of the subscriber ids and of the queued operations. */
  get bytes(): { subscribers: number; ops: number } {
    return { subscribers: this.subscriberBytes, ops: this.opBytes };
  }

  /** Queues a publication; a signal id already published is ignored. */
  publish(signal: unknown): FanoutOutcome {
    const id = (signal as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && this.seen.has(id)) return 'duplicate';
    if (!this.push({ publish: signal })) return 'too-large';
    if (typeof id === 'string') this.seen.add(id);
    return 'queued';
  }

  /** Queues a subscription; refused when the subscriber list could outgrow its budget. */
  subscribe(agentIds: string[]): FanoutOutcome {
    const adding = agentIds.reduce((n, id) => n + this.size(id), 0);
    if (this.subscriberBytes + this.pendingSubscriptionBytes + adding > TOPIC_BUDGET.subscribersBytes) return 'too-large';
    if (!this.push({ subscribe: agentIds })) return 'too-large';
    this.pendingSubscriptionBytes += adding;
    return 'queued';
  }

  unsubscribe(agentIds: string[]): FanoutOutcome {
    return this.push({ unsubscribe: agentIds }) ? 'queued' : 'too-large';
  }

  private push(op: TopicOp): boolean {
    const bytes = this.size(op);
    if (this.opBytes + bytes > TOPIC_BUDGET.opsBytes) return false;
    this.ops.push(op);
    this.opSizes.push(bytes);
    this.opBytes += bytes;
    return true;
  }

  /** Removes a subscriber at once (it no longer exists); the fan-out under way skips it. */
  drop(agentId: string): void {
    if (!this.members.delete(agentId)) return;
    const i = this.subscribers.indexOf(agentId);
    this.subscribers.splice(i, 1);
    this.subscriberBytes -= this.size(agentId);
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
          const bytes = this.size(id);
          this.pendingSubscriptionBytes -= bytes;
          if (this.members.has(id)) continue;
          this.members.add(id);
          this.subscribers.push(id);
          this.subscriberBytes += bytes;
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
    this.opBytes -= this.opSizes[this.head] ?? 0;
    this.ops[this.head] = undefined as never;
    this.opSizes[this.head++] = 0;
    this.cursor = 0;
    if (this.head > 1024 && this.head * 2 > this.ops.length) {
      this.ops.splice(0, this.head);
      this.opSizes.splice(0, this.head);
      this.head = 0;
    }
  }
}
