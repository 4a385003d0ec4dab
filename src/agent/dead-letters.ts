/**
 * The dead-letter list: signals an agent did not apply, and why, in arrival order. Bounded by count (the
 * kind's `deadLetterLimit`) and by {@link DEAD_LETTERS_BUDGET_BYTES}, oldest dropped first; message, type
 * and id are cut to {@link DEAD_LETTER_TEXT} lengths. Carried across continue-as-new. Pure module.
 *
 * @module
 */
import type { DeadLetter } from '../messages.js';
import type { Rejection } from './apply.js';
import { DEAD_LETTERS_BUDGET_BYTES } from './budget.js';
import { DEAD_LETTER_TEXT } from './limits.js';

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class DeadLetters {
  private readonly letters: DeadLetter[] = [];
  private bytes = 0;

  /** @param size JSON byte size of a letter. */
  constructor(
    private readonly limit: number,
    private readonly size: (letter: DeadLetter) => number,
    carried: readonly DeadLetter[] = [],
  ) {
    for (const letter of carried) this.keep(letter);
  }

  /** Records that `raw` (a signal or anything that arrived) was not applied; returns the letter kept. */
  add(raw: unknown, rejection: Rejection, at: string): DeadLetter {
    const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const letter: DeadLetter = { code: rejection.code, message: cut(rejection.message, DEAD_LETTER_TEXT.message), at };
    if (typeof r.id === 'string') letter.signalId = cut(r.id, DEAD_LETTER_TEXT.signalId);
    if (typeof r.type === 'string') letter.type = cut(r.type, DEAD_LETTER_TEXT.type);
    this.keep(letter);
    return letter;
  }

  /** The letters, oldest first (the live list: JSON, carried as it is). */
  list(): DeadLetter[] {
    return this.letters;
  }

  private keep(letter: DeadLetter): void {
    this.letters.push(letter);
    this.bytes += this.size(letter);
    while (this.letters.length > this.limit || this.bytes > DEAD_LETTERS_BUDGET_BYTES) this.bytes -= this.size(this.letters.shift() as DeadLetter);
  }
}
