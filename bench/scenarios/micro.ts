/**
 * Scenario 3, micro: the pure hot paths of every delivered signal, in process, no server.
 * - Router: 1,000 routes (exact, `*` and `**` patterns over 50 services), matched against 1,000 distinct
 *   signal types, with the router's type cache (normal) and without (`cacheSize: 0`: trie walk + sort).
 * - `safeParseSignal`: zod validation of complete CloudEvents envelopes with a small JSON payload.
 * Each figure is operations per second over a loop of about `durationMs`.
 *
 * @module
 */
import { createRouter, type Router } from '../../src/router/index.js';
import { createSignal, safeParseSignal } from '../../src/signal/index.js';
import { perSecond } from '../stats.js';

/** A route table of `n` patterns: 70 % exact, 20 % with `*`, 10 % with `**`. */
export function routeTable(n: number): Array<{ path: string; target: number }> {
  return Array.from({ length: n }, (_, i) => {
    const svc = `svc${i % 50}`;
    const path = i % 10 < 7 ? `${svc}.entity${i % 20}.evt${i}` : i % 10 < 9 ? `${svc}.*.evt${i}` : `${svc}.entity${i % 20}.**`;
    return { path, target: i };
  });
}

/** `n` distinct signal types, most of them routed by {@link routeTable}. */
export function signalTypes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `svc${i % 50}.entity${i % 20}.evt${i}`);
}

/**
 * Runs `op(i)` in batches until `durationMs` has passed; returns operations per second. `op` returns a
 * number that is summed, so the optimiser cannot drop the work.
 */
export function opsPerSecond(op: (i: number) => number, durationMs: number): number {
  const batch = 10_000;
  let sink = 0;
  for (let i = 0; i < batch; i++) sink += op(i); // warm-up: JIT and caches
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) sink += op(done + i);
    done += batch;
    elapsed = performance.now() - started;
  } while (elapsed < durationMs);
  if (sink === Number.MIN_VALUE) console.log(sink); // never true; keeps `sink` alive
  return perSecond(done, elapsed);
}

function matchLoop(router: Router<number>, types: string[]): (i: number) => number {
  return (i) => router.match(types[i % types.length] as string).length;
}

/** One repeat of the three micro figures. */
export function microRound(routes: number, durationMs: number): { router: number; routerUncached: number; parse: number } {
  const table = routeTable(routes);
  const types = signalTypes(1_000);
  const router = createRouter(table);
  const uncached = createRouter(table, { cacheSize: 0 });
  const signals = Array.from({ length: 1_000 }, (_, i) =>
    createSignal('accumulator.add', { amount: i }, { source: '/bench', subject: `agent-${i}` }),
  );
  const parsed = (i: number) => (safeParseSignal(signals[i % signals.length]).ok ? 1 : 0);
  return {
    router: opsPerSecond(matchLoop(router, types), durationMs),
    routerUncached: opsPerSecond(matchLoop(uncached, types), durationMs),
    parse: opsPerSecond(parsed, durationMs),
  };
}
