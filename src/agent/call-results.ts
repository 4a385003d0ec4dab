/**
 * The idempotent-reply window of `jido.call`: the outcome of each recent call, by signal id, so that a
 * call retried with the same signal id gets the original result or the original rejection — also when
 * the retry reaches a later run (Temporal dedupes an update id only within one run).
 *
 * Bounded by {@link CALL_RESULTS_BUDGET} (count and bytes), oldest forgotten first, and carried across
 * continue-as-new as JSON. A result too large to keep is remembered as `omitted`, so a retry learns the
 * call was applied even though its result cannot be given again. Pure module.
 *
 * @module
 */
import type { JsonValue } from '../signal/index.js';
import { CALL_RESULTS_BUDGET, DEAD_LETTER_TEXT } from './limits.js';

/** What a call ended with. */
export type CallOutcome =
  | { ok: true; result?: JsonValue; omitted?: number }
  | { ok: false; code: string; message: string };

/** `[signalId, outcome]`, oldest first: the carried form. */
export type CallResultEntry = [string, CallOutcome];

export class CallResults {
  private readonly byId = new Map<string, { outcome: CallOutcome; bytes: number }>();
  private totalBytes = 0;

  /** @param size JSON byte size of an entry. */
  constructor(
    private readonly size: (e: CallResultEntry) => number,
    entries: readonly CallResultEntry[] = [],
    private readonly budget: { count: number; bytes: number } = CALL_RESULTS_BUDGET,
  ) {
    for (const [id, outcome] of entries) this.set(id, outcome);
  }

  get count(): number {
    return this.byId.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(id: string): CallOutcome | undefined {
    return this.byId.get(id)?.outcome;
  }

  /** Remembers an outcome, evicting the oldest to stay within the budget. */
  set(id: string, outcome: CallOutcome): void {
    // A rejection's message is cut like a dead letter's: one long message must not empty the window.
    let kept: CallOutcome = outcome.ok || outcome.message.length <= DEAD_LETTER_TEXT.message ? outcome : { ...outcome, message: `${outcome.message.slice(0, DEAD_LETTER_TEXT.message - 1)}…` };
    let bytes = this.size([id, kept]);
    if (bytes > this.budget.bytes / 8 && kept.ok) {
      // One large result must not push every other call out of the window.
      kept = { ok: true, omitted: bytes };
      bytes = this.size([id, kept]);
    }
    const old = this.byId.get(id);
    if (old !== undefined) {
      this.totalBytes -= old.bytes;
      this.byId.delete(id);
    }
    this.byId.set(id, { outcome: kept, bytes });
    this.totalBytes += bytes;
    for (const [oldest, e] of this.byId) {
      if (this.byId.size <= this.budget.count && this.totalBytes <= this.budget.bytes) break;
      this.byId.delete(oldest);
      this.totalBytes -= e.bytes;
    }
  }

  toJSON(): CallResultEntry[] {
    return [...this.byId].map(([id, e]) => [id, e.outcome]);
  }
}
