/**
 * An agent's pending timers as data: a min-heap by fire time (ties in scheduling order). The runtime
 * keeps one durable sleep until the earliest entry instead of one Temporal timer per entry, so ten
 * thousand pending timers cost one timer in history and a few hundred kilobytes in the continue-as-new
 * input, not ten thousand timer events in every new run.
 *
 * An entry holds the signal in its compact form (type, data, subject, source); the id and time are given
 * when it fires. Pure module.
 *
 * @module
 */
import type { OutboundSignal } from './directives.js';

/** One pending timer: at `at` (epoch ms, workflow time) the signal is delivered to the agent itself. */
export interface TimerEntry {
  at: number;
  /** Scheduling order, to fire timers due at the same instant in the order they were set. */
  seq: number;
  signal: OutboundSignal;
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class TimerTable {
  private readonly heap: TimerEntry[] = [];
  private nextSeq = 0;
  private totalBytes = 0;

  /** @param size JSON byte size of an entry (measured once, when added). */
  constructor(
    private readonly size: (t: TimerEntry) => number,
    entries: readonly TimerEntry[] = [],
  ) {
    for (const t of entries) {
      this.insert(t);
      this.nextSeq = Math.max(this.nextSeq, t.seq + 1);
    }
  }

  get count(): number {
    return this.heap.length;
  }

  /** JSON bytes of every entry: what the timers cost in the carry budget. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Size an entry would have, before adding it (for the budget check). */
  measure(at: number, signal: OutboundSignal): number {
    return this.size({ at, seq: this.nextSeq, signal });
  }

  add(at: number, signal: OutboundSignal): TimerEntry {
    const entry: TimerEntry = { at, seq: this.nextSeq++, signal };
    this.insert(entry);
    return entry;
  }

  /** The earliest entry, or undefined. */
  peek(): TimerEntry | undefined {
    return this.heap[0];
  }

  /** Removes and returns every entry due at `now` or earlier, earliest first. */
  popDue(now: number): TimerEntry[] {
    const due: TimerEntry[] = [];
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) due.push(this.pop());
    return due;
  }

  /** Removes one entry (runs before `runtime-v2` fire each timer by its own Temporal timer); false if absent. */
  remove(entry: TimerEntry): boolean {
    const i = this.heap.indexOf(entry);
    if (i < 0) return false;
    const last = this.heap.pop() as TimerEntry;
    this.totalBytes -= this.size(entry);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.siftDown(this.siftUp(i));
    }
    return true;
  }

  /** Removes every entry (an agent that stops drops its timers). */
  clear(): number {
    const n = this.heap.length;
    this.heap.length = 0;
    this.totalBytes = 0;
    return n;
  }

  /** The entries for continue-as-new (heap order; the next run rebuilds the heap). */
  toJSON(): TimerEntry[] {
    return this.heap.slice();
  }

  private insert(entry: TimerEntry): void {
    this.totalBytes += this.size(entry);
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
  }

  private pop(): TimerEntry {
    const h = this.heap;
    const top = h[0] as TimerEntry;
    const last = h.pop() as TimerEntry;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
    this.totalBytes -= this.size(top);
    return top;
  }

  /** Moves entry `i` up to its place; returns where it ended. */
  private siftUp(i: number): number {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as TimerEntry, h[parent] as TimerEntry)) break;
      [h[i], h[parent]] = [h[parent] as TimerEntry, h[i] as TimerEntry];
      i = parent;
    }
    return i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as TimerEntry, h[m] as TimerEntry)) m = l;
      if (r < h.length && before(h[r] as TimerEntry, h[m] as TimerEntry)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as TimerEntry, h[i] as TimerEntry];
      i = m;
    }
  }
}
