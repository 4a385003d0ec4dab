/**
 * Live migration between real node processes on the dev server: a hosted agent with node-local state
 * (the `memo` example: a cache in the node's memory) moves while signals keep arriving; a target killed
 * with `kill -9` leaves the agent whole on its source; a node that restarts re-mounts the agents homed
 * on it. The node-local cache is observed through the agent: a key cached on the source is a `hit` on
 * the target.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { AgentClient } from '../../src/client/agent-client.js';
import { CLUSTER_IDS, CLUSTER_KINDS, type LoadBalancerState, type MigrationManagerState } from '../../src/cluster/index.js';
import { replayDecision } from '../../src/placement/index.js';
import type { AgentWorkflowInput } from '../../src/messages.js';
import type { RebalanceResult } from '../../src/saga/rebalance.js';
import { memoAgent, type MemoState } from '../../src/examples/index.js';
import { ErrorCode } from '../../src/errors.js';
import { spawnNodeProcess, type NodeProcess } from '../../src/infra/node-process.js';
import { waitFor } from '../../src/infra/wait.js';
import { migrationProgressQuery, migrationWorkflowId, type MigrationInput, type MigrationResult } from '../../src/saga/migration.js';
import { createDevServerEnv, freshId, workflowBundle } from '../helpers/engines.js';

let env: TestWorkflowEnvironment;
let agents: AgentClient;
const nodes = new Map<string, NodeProcess>();
const taskQueue = freshId('agents');

const dir = mkdtempSync(path.join(tmpdir(), 'migration-'));

/**
 * A node process. Its load sample is mocked (a file with a steady cpu 0.2, memory 0.3): on this 2-core
 * machine the real samples sit near 100 % while the tests run, and the health monitor would rightly
 * quarantine every node (and placement and the planner rightly refuse them) — the tests are about moving
 * agents, not about that.
 */
async function start(nodeId: string): Promise<NodeProcess> {
  const loadFile = path.join(dir, `${nodeId}.json`);
  writeFileSync(loadFile, JSON.stringify({ cpu: 0.2, memory: 0.3 }));
  const n = await spawnNodeProcess({ nodeId, address: env.address, taskQueue, workflowBundlePath: workflowBundle().codePath, logLevel: 'warn', env: { CLUSTER_PRESET: 'development', LOAD_SAMPLE_FILE: loadFile } });
  nodes.set(nodeId, n);
  await n.joined();
  return n;
}

function migration(input: MigrationInput) {
  return env.client.workflow.start('migration', { workflowId: migrationWorkflowId(input.agentId), taskQueue, args: [{ nodeTimeoutMs: 3_000, ...input }] });
}

/** Waits until the agent has applied `n` signals and has no effect under way. */
async function settled(agentId: string, n: number): Promise<void> {
  await waitFor(
    async () => {
      const info = await agents.info(agentId);
      return info.signalsApplied >= n && info.pendingEffects === 0 && info.queuedEffects === 0 && info.inbox === 0;
    },
    { what: `${agentId} applied ${n} signals`, intervalMs: 100 },
  );
}

beforeAll(async () => {
  env = await createDevServerEnv();
  agents = new AgentClient({ client: env.client, kinds: [...CLUSTER_KINDS, memoAgent], taskQueue });
  await Promise.all(['node-a', 'node-b', 'node-c'].map(start));
});

afterAll(async () => {
  await Promise.all([...nodes.values()].map((n) => n.stop(5_000)));
  await env?.teardown();
});

describe('live migration with real node processes', () => {
  it('moves a hosted agent and its node-local cache while signals keep arriving: each applied once', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'warm' } });
    await settled(id, 2);
    const handle = await migration({ agentId: id, to: 'node-b', reason: 'test' });
    const sends = Array.from({ length: 30 }, (_, i) => agents.send(id, { type: 'memo.get', data: { key: `k${i % 3}` } }));
    const result = (await handle.result()) as MigrationResult;
    await Promise.all(sends);
    expect(result).toMatchObject({ from: 'node-a', to: 'node-b', epoch: 1 });
    await settled(id, 62);
    const info = await agents.info(id);
    expect(info).toMatchObject({ node: 'node-b', epoch: 1, signalsApplied: 62, deadLetters: [] });
    // 31 lookups, each applied once: warm, k0, k1, k2 missed once each (k* on whichever node ran them first).
    const state = await agents.state<MemoState>(id);
    expect(state.hits + state.misses).toBe(31);
    expect(state.failures).toBe(0);
    // The cache moved: `warm`, computed on node-a before the move, is a hit on node-b.
    const before = state.hits;
    await agents.send(id, { type: 'memo.get', data: { key: 'warm' } });
    await settled(id, 64);
    expect(await agents.state<MemoState>(id)).toMatchObject({ hits: before + 1, lastNode: 'node-b' });
    // `AgentNode` says where it lives now (visibility is eventually consistent).
    await waitFor(async () => (await env.client.workflow.count(`WorkflowId = 'agent/${id}' AND AgentNode = 'node-b'`)).count === 1, { what: 'AgentNode = node-b', intervalMs: 200 });
  });

  it('a target killed with kill -9 leaves the agent whole on its source', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'kept' } });
    await settled(id, 2);
    // Killed as the migration starts (before it, so that the kill lands before the restore step: a
    // migration that completed first would be failover's business, not this test's).
    nodes.get('node-c')?.process.kill('SIGKILL');
    nodes.delete('node-c');
    const handle = await migration({ agentId: id, to: 'node-c' });
    const failed = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause?.message).toMatch(/restore: node node-c/);
    const progress = await handle.query(migrationProgressQuery);
    expect(progress.steps.filter((s) => s.step === 'compensate').at(-1)).toMatchObject({ status: 'compensated', detail: 'agent resumes on node-a' });
    const info = await agents.info(id);
    expect(info).toMatchObject({ node: 'node-a', epoch: 0 });
    expect(info.move).toBeUndefined();
    // Still mounted on node-a with its cache.
    await agents.send(id, { type: 'memo.get', data: { key: 'kept' } });
    await settled(id, 4);
    expect(await agents.state<MemoState>(id)).toMatchObject({ hits: 1, misses: 1, failures: 0, lastNode: 'node-a' });
  });

  it('a node that restarts re-mounts the hosted agents homed on it', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'lost' } });
    await settled(id, 2);
    nodes.get('node-a')?.process.kill('SIGKILL');
    nodes.delete('node-a');
    await start('node-a');
    // The restarted node asks its agents to remount; a lookup then finds it mounted (its cache empty:
    // it was only ever in the old process's memory). A lookup racing the remount fails cleanly
    // (AGENT_NOT_MOUNTED) and is counted; the next one succeeds.
    await waitFor(
      async () => {
        const s = await agents.state<MemoState>(id);
        const n = (await agents.info(id)).signalsApplied;
        await agents.send(id, { type: 'memo.get', data: { key: 'lost' } });
        await settled(id, n + 2); // the lookup, then its result (or its failure)
        const after = await agents.state<MemoState>(id);
        return after.misses > s.misses;
      },
      { what: 'a lookup answered by the restarted node', intervalMs: 500, timeoutMs: 30_000 },
    );
    const state = await agents.state<MemoState>(id);
    expect(state).toMatchObject({ hits: 0, misses: 2, lastNode: 'node-a' });
    if (state.failures > 0) expect(state.lastError).toMatch(new RegExp(ErrorCode.AGENT_NOT_MOUNTED + '|not mounted'));
  });

  it('the migration manager: of 50 concurrent requests for one agent exactly one runs; bad targets are refused; outcomes are kept', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-b' });
    const request = (data: { [k: string]: string }) => agents.call(CLUSTER_IDS.migrationManager, { type: 'cluster.migration.requested', data });
    // Bad input first: nothing starts.
    await expect(request({ agentId: id, node: 'node-zz' })).rejects.toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/unknown node "node-zz"/) });
    // A node that is down: node-d joins, is killed, and the manager hears of it from the membership topic.
    const d = await start('node-d');
    d.process.kill('SIGKILL');
    nodes.delete('node-d');
    await waitFor(async () => (await agents.state<MigrationManagerState>(CLUSTER_IDS.migrationManager)).nodes['node-d']?.status === 'down', { what: 'node-d down', intervalMs: 200 });
    await expect(request({ agentId: id, node: 'node-d' })).rejects.toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/node "node-d" is down/) });
    await expect(request({ agentId: id })).rejects.toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/no target node/) });
    await expect(request({ agentId: id, node: 'Not A Node' })).rejects.toMatchObject({ message: expect.stringMatching(/node id/) });
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => request({ agentId: id, node: 'node-a', reason: 'fifty at once' })));
    const accepted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ value: { workflowId: `migration/${id}`, agentId: id, to: 'node-a' } });
    expect(refused).toHaveLength(49);
    // Refused while it runs, or (a request the client retried past Temporal's 10 calls in flight, arriving
    // after the move) by the cooldown.
    for (const r of refused) expect(r.reason).toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/already running|cooldown/) });
    expect(refused.some((r) => /already running/.test((r.reason as Error).message))).toBe(true);
    expect(await env.client.workflow.getHandle(`migration/${id}`).result()).toMatchObject({ from: 'node-b', to: 'node-a', epoch: 1 });
    await waitFor(async () => (await agents.state<MigrationManagerState>(CLUSTER_IDS.migrationManager)).running[id] === undefined, { what: 'the outcome reported', intervalMs: 100 });
    const manager = await agents.state<MigrationManagerState>(CLUSTER_IDS.migrationManager);
    expect(manager.recent.filter((r) => r.agentId === id)).toEqual([expect.objectContaining({ outcome: 'completed', from: 'node-b', to: 'node-a', epoch: 1 })]);
    expect((await agents.info(id)).node).toBe('node-a');
  });

  it('automatic placement: startAgent without a node places from the load balancer\'s table and records the decision, which replays from history', async () => {
    await waitFor(async () => {
      const lb = await agents.state<LoadBalancerState>(CLUSTER_IDS.loadBalancer);
      return ['node-a', 'node-b'].every((n) => lb.nodes[n]?.known === true && lb.nodes[n]?.status === 'up');
    }, { what: 'the load balancer knows node-a and node-b', intervalMs: 200 });
    const placing = new AgentClient({ client: env.client, kinds: [memoAgent], taskQueue, placement: { strategy: 'round-robin', tableTtlMs: 0 } });
    const ids = Array.from({ length: 6 }, () => freshId('placed'));
    const refs = [];
    for (const id of ids) refs.push(await placing.startAgent(memoAgent, id));
    const per: Record<string, number> = {};
    for (const r of refs) per[r.node] = (per[r.node] ?? 0) + 1;
    expect(per).toEqual({ 'node-a': 3, 'node-b': 3 });
    // The decision is in the first event of the agent's history, with its inputs: re-computed, it gives the same node.
    const history = await env.client.workflow.getHandle(`agent/${ids[0]}`).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(payload as Uint8Array).toString('utf8')) as AgentWorkflowInput;
    expect(input.placement).toMatchObject({ ok: true, agentId: ids[0], strategy: 'round-robin', node: refs[0]?.node });
    expect(replayDecision(input.placement!)).toBe(refs[0]?.node);
    expect(input.placement?.excluded).toEqual(expect.arrayContaining([{ nodeId: 'node-c', reason: 'is down' }]));
    // A constraint no node can meet: a clear error, and nothing started.
    const impossible = freshId('nowhere');
    await expect(placing.startAgent(memoAgent, impossible, { constraints: { capabilities: ['tpu'] } })).rejects.toMatchObject({ code: ErrorCode.NO_NODE_FITS, message: expect.stringMatching(/lacks capability "tpu"/) });
    await expect(env.client.workflow.getHandle(`agent/${impossible}`).describe()).rejects.toThrow();
    // The same through the load balancer agent (a call), and its refusal.
    const answer = (await agents.call(CLUSTER_IDS.loadBalancer, { type: 'cluster.placement.requested', data: { agentId: 'asked', kind: 'memo' } })) as { node: string; strategy: string; reason: string };
    expect(['node-a', 'node-b']).toContain(answer.node);
    expect(answer).toMatchObject({ strategy: 'weighted-score', reason: expect.stringMatching(/weighted score/) });
    await expect(agents.call(CLUSTER_IDS.loadBalancer, { type: 'cluster.placement.requested', data: { agentId: 'asked', kind: 'memo', constraints: { capabilities: ['tpu'] } } })).rejects.toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/no node can take agent "asked"/) });
    const lb = await agents.state<LoadBalancerState>(CLUSTER_IDS.loadBalancer);
    expect(lb.decisions.at(-1)).toMatchObject({ agentId: 'asked', node: answer.node });
  });

  it('rebalance: a round started through the migration manager evens out a hot node while signals keep arriving, each applied once', async () => {
    const hot = Array.from({ length: 12 }, () => freshId('hot'));
    for (const id of hot) await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await waitFor(async () => (await env.client.workflow.count(`AgentNode = 'node-a' AND ExecutionStatus = 'Running'`)).count >= 12, { what: 'visibility sees the hot agents', intervalMs: 200 });
    const { workflowId } = (await agents.call(CLUSTER_IDS.migrationManager, {
      type: 'cluster.rebalance.requested',
      data: { reason: 'test: node-a is hot', planner: { maxMovesPerRound: 1_000, maxMovesFraction: 1, tolerance: 0.1, cooldownMs: 0 } },
    })) as { workflowId: string };
    expect(workflowId).toMatch(/^rebalance\/\d+$/);
    for (const id of hot) await agents.send(id, { type: 'memo.get', data: { key: id } });
    const result = (await env.client.workflow.getHandle(workflowId).result()) as RebalanceResult;
    expect(result.failed).toBe(0);
    expect(result.moved).toBeGreaterThan(0);
    const moved = result.moves.filter((m) => m.status === 'moved');
    for (const m of moved) expect((await agents.info(m.agentId)).node).toBe(m.to);
    expect(moved.every((m) => m.to === 'node-b')).toBe(true);
    // Every lookup sent while agents moved was applied once.
    for (const id of hot) await settled(id, 2);
    for (const id of hot) expect(await agents.state<MemoState>(id)).toMatchObject({ misses: 1, hits: 0, failures: 0 });
    // Balanced: node-a and node-b within the planner's band of each other.
    const count = async (n: string) => (await env.client.workflow.count(`AgentNode = '${n}' AND ExecutionStatus = 'Running' AND AgentKind = 'memo'`)).count;
    await waitFor(async () => Math.abs((await count('node-a')) - (await count('node-b'))) <= Math.ceil(((await count('node-a')) + (await count('node-b'))) * 0.1) + 1, { what: 'node-a and node-b balanced', intervalMs: 300 });
    await waitFor(async () => ((await agents.state<MigrationManagerState>(CLUSTER_IDS.migrationManager)).rebalances ?? []).some((r) => `rebalance/${r.round}` === workflowId), { what: 'the round reported', intervalMs: 200 });
  });
});
