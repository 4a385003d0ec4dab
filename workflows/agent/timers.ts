/**
 * The agent's durable timers (`schedule` directives). Pending timers are data ({@link TimerTable}) served
 * by **one** durable sleep until the earliest; when a timer earlier than the armed one is added, the sleep
 * is cancelled and armed again (at most once per workflow task). Due timers are delivered into the inbox
 * as fresh signals, in fire-time order.
 *
 * Runs started before timers-as-data (the `runtime-v2` patch) kept one Temporal timer per entry; such a
 * run keeps doing so until it continues-as-new (`perEntry`), so its history replays.
 *
 * @module
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { OutboundSignal } from '../../src/agent/directives.js';
import { TimerTable, type TimerEntry } from '../../src/agent/timer-table.js';

export class Timers {
  readonly table: TimerTable;
  private armed: { at: number; scope: CancellationScope } | undefined;

  /**
   * @param perEntry one Temporal timer per entry (runs recorded before the `runtime-v2` patch)
   * @param fire receives the entries that came due, earliest first
   */
  constructor(
    private readonly perEntry: boolean,
    size: (t: TimerEntry) => number,
    carried: readonly TimerEntry[],
    private readonly fire: (due: TimerEntry[]) => void,
  ) {
    this.table = new TimerTable(size, perEntry ? [] : carried);
    if (perEntry) for (const t of carried) this.schedule(t.at, t.signal);
    else this.rearm();
  }

  get count(): number {
    return this.table.count;
  }

  get bytes(): number {
    return this.table.bytes;
  }

  schedule(at: number, signal: OutboundSignal): void {
    const entry = this.table.add(at, signal);
    if (!this.perEntry) return; // armed after the workflow task's signals are applied (rearm)
    void sleep(Math.max(1, at - Date.now())).then(
      () => {
        // Its own entry only (a stop may have cleared it), as runs before `runtime-v2` delivered them.
        if (this.table.remove(entry)) this.fire([entry]);
      },
      () => undefined, // cancelled with the workflow: nothing to deliver
    );
  }

  /** Arms the one sleep for the earliest entry, if it is not armed for it already. */
  rearm(): void {
    if (this.perEntry) return;
    const next = this.table.peek();
    if (next === undefined || (this.armed !== undefined && this.armed.at <= next.at)) return;
    this.armed?.scope.cancel();
    const scope = new CancellationScope();
    const armed = { at: next.at, scope };
    this.armed = armed;
    scope
      .run(() => sleep(Math.max(1, next.at - Date.now())))
      .then(
        () => {
          if (this.armed === armed) this.armed = undefined;
          const due = this.table.popDue(Date.now());
          if (due.length > 0) this.fire(due);
          this.rearm();
        },
        (err: unknown) => {
          if (this.armed === armed) this.armed = undefined;
          if (!isCancellation(err)) throw err;
        },
      );
  }

  /** Drops every pending timer (the agent is stopping). */
  clear(): number {
    this.armed?.scope.cancel();
    this.armed = undefined;
    return this.table.clear();
  }
}
