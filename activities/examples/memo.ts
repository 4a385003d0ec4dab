/**
 * The node side of the `memo` example kind (src/examples/memo.ts): its node-local runtime — a cache of
 * computed values in the node's memory — and the `memoLookup` activity that reads and fills it.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { agentIdOf } from '../../src/agent/agent-id.js';
import { ErrorCode } from '../../src/errors.js';
import type { MemoResult } from '../../src/examples/memo.js';
import type { AgentHost, HostedRuntime } from '../host/agent-host.js';

/** Entries one memo agent keeps (oldest evicted first): a dehydrated cache stays well under 1 MiB. */
export const MEMO_ENTRIES = 1_000;

/** The node-local part of a memo agent: key → value, in insertion order. */
export type MemoCache = Map<string, string>;

export const memoRuntime: HostedRuntime<MemoCache> = {
  mount: () => new Map(),
  dehydrate: (cache) => [...cache.entries()],
  rehydrate: (data) => {
    if (!Array.isArray(data)) throw new Error('a memo checkpoint is an array of [key, value] pairs');
    return new Map(data.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string').slice(-MEMO_ENTRIES));
  },
  unmount: (cache) => cache.clear(),
};

/** Real work for a miss: 2,000 rounds of SHA-256 (about a millisecond). */
function compute(key: string): string {
  let h = key;
  for (let i = 0; i < 2_000; i++) h = createHash('sha256').update(h).digest('hex');
  return h;
}

export function createMemoActivities(host: AgentHost) {
  return {
    async memoLookup(input: { key: string }): Promise<MemoResult> {
      const agentId = agentIdOf(Context.current().info.workflowExecution?.workflowId ?? '') ?? '';
      const cache = host.local<MemoCache>(agentId);
      if (cache === undefined) {
        // Not mounted here (it moved away, or this node restarted and has not remounted it yet).
        throw ApplicationFailure.create({ type: ErrorCode.AGENT_NOT_MOUNTED, message: `memo agent "${agentId}" is not mounted on node ${host.nodeId}`, nonRetryable: true });
      }
      const key = String(input?.key ?? '');
      const cached = cache.get(key);
      if (cached !== undefined) return { key, value: cached, hit: true, node: host.nodeId };
      const value = compute(key);
      cache.set(key, value);
      if (cache.size > MEMO_ENTRIES) cache.delete(cache.keys().next().value as string);
      return { key, value, hit: false, node: host.nodeId };
    },
  };
}
