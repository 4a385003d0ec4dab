/**
 * Bounded concurrency and "until visible" polling, the two loops every scenario runs: at most `limit`
 * client calls in flight (a single-shard dev server falls over long before an unbounded `Promise.all`
 * of 10,000 starts does any good), and completion measured as the moment the final state is readable.
 *
 * @module
 */

/** Runs `fn` over `items` with at most `limit` calls in flight; rejects on the first failure. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}

export interface PollOptions {
  /** Queries in flight at once. */
  concurrency: number;
  /** Pause between rounds over the ids still short of their target, ms. */
  intervalMs?: number;
  timeoutMs: number;
  /** Called after each round that left some ids behind, with how many are done. */
  onRound?: (done: number, total: number) => void;
}

/**
 * Resolves once `read(id)` has reached `target` for every id. Each round queries only the ids not yet
 * done, so an id costs one query when it is already there and a few more when it lags. A failed query
 * (e.g. the server's query timeout while a worker works through a backlog of first tasks) counts as
 * "not yet"; the last such error is reported if the deadline passes.
 */
export async function pollUntil(ids: readonly string[], target: number, read: (id: string) => Promise<number>, options: PollOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let pending = [...ids];
  let lastError: unknown;
  while (pending.length > 0) {
    const lagging: string[] = [];
    await forEachLimit(pending, options.concurrency, async (id) => {
      try {
        if ((await read(id)) < target) lagging.push(id);
      } catch (err) {
        lastError = err;
        lagging.push(id);
      }
    });
    pending = lagging;
    if (pending.length === 0) return;
    options.onRound?.(ids.length - pending.length, ids.length);
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : `; last query error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`${pending.length} of ${ids.length} workflows had not reached ${target} after ${options.timeoutMs} ms (e.g. ${pending[0]})${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 5));
  }
}

/** A progress callback that logs at most every `everyMs` (long phases of a sweep say they are alive). */
export function throttledProgress(what: string, log: (line: string) => void, everyMs = 15_000): (done: number, total: number) => void {
  let last = performance.now();
  return (done, total) => {
    if (performance.now() - last < everyMs) return;
    last = performance.now();
    log(total === 1 ? `  ${what}: not yet` : `  ${what}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`);
  };
}

/** Wall-clock milliseconds since `start` (from `performance.now()`). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}
