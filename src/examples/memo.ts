/**
 * Example agent with **real node-local state**: a memo (a computed-value cache). `memo.get { key }` runs
 * the `memoLookup` activity on the agent's home node, which answers from the node-local cache the agent
 * keeps in that node's memory, or computes the value (real CPU work) and caches it. The result comes back
 * as `memo.found { result: { key, value, hit } }` and the agent counts hits and misses.
 *
 * The cache itself lives in the node's agent host (activities/examples/memo.ts: the kind's
 * `HostedRuntime`): it is dehydrated to JSON when the agent moves and rehydrated on the target, so a key
 * cached before a migration is a hit after it. After a node restart the cache is rebuilt empty (it was
 * only ever in memory), which is what a cache may do.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../agent/define-agent.js';
import { run } from '../agent/directives.js';

export const memoState = z.strictObject({
  hits: z.number().int().nonnegative(),
  misses: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  /** The node that answered the last lookup. */
  lastNode: z.string().optional(),
  lastError: z.string().optional(),
});
export type MemoState = z.infer<typeof memoState>;

const key = z.string().min(1).max(256);

export const memoResultSchema = z.object({ key, value: z.string(), hit: z.boolean(), node: z.string() });
export type MemoResult = z.infer<typeof memoResultSchema>;

export const get = defineAction({
  name: 'get',
  description: 'Looks `key` up in the node-local cache on the home node (computing it on a miss).',
  params: z.object({ key }),
  run: (s: MemoState, p) => ({
    state: s,
    directives: [run({ activity: 'memoLookup', input: { key: p.key }, onResult: 'memo.found', scheduleToStartMs: 30_000, startToCloseMs: 10_000 })],
  }),
});

export const found = defineAction({
  name: 'found',
  params: z.object({ result: memoResultSchema }),
  run: (s: MemoState, p) => ({
    state: { ...s, hits: s.hits + (p.result.hit ? 1 : 0), misses: s.misses + (p.result.hit ? 0 : 1), lastNode: p.result.node },
    result: p.result,
  }),
});

export const lookupFailed = defineAction({
  name: 'lookupFailed',
  params: z.object({ error: z.object({ message: z.string() }) }),
  run: (s: MemoState, p) => ({ state: { ...s, failures: s.failures + 1, lastError: p.error.message.slice(0, 400) } }),
});

export const memoAgent = defineAgent({
  name: 'memo',
  description: 'A computed-value cache kept in its home node\'s memory; moves with the agent.',
  state: memoState,
  initialState: { hits: 0, misses: 0, failures: 0 },
  routes: {
    'memo.get': get,
    'memo.found': found,
    'memo.found.failed': lookupFailed,
  },
  options: { hosted: true },
});
