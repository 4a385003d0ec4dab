/**
 * The live migration saga (`migration/<agentId>`) and the agent's half of the move protocol, on Temporal's
 * Java time-skipping server: a hosted agent moves with its node-local state while signals keep coming;
 * a plain agent moves its home; every refusal and an injected failure at each step that can fail leave
 * the agent whole on its source (same node, same epoch, no move pending, still mounted there).
 * One environment for the file, tests serial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { AgentHost, createActivities, HOSTED_RUNTIMES } from '../../activities/index.js';
import { createHostActivities } from '../../activities/host/index.js';
import { nodeTaskQueue } from '../../src/agent/agent-id.js';
import type { MemoCache } from '../../activities/examples/memo.js';
import { AgentClient } from '../../src/client/agent-client.js';
import { accumulatorAgent, memoAgent, type MemoState } from '../../src/examples/index.js';
import { CLUSTER_IDS, MIGRATION_MANAGER_INITIAL, migrationManagerAgent, type MigrationManagerState } from '../../src/cluster/index.js';
import { ErrorCode } from '../../src/errors.js';
import { migrationProgressQuery, migrationWorkflowId, type MigrationInput, type MigrationProgress, type MigrationResult } from '../../src/saga/migration.js';
import { loadAgent } from '../fixtures/workflows/load-agent.js';
import { createTimeSkippingEnv, freshId, startNodeWorkers, workflowTaskIdle, type NodeWorkers } from '../helpers/engines.js';

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a', 'node-b']);
  agents = new AgentClient({ client: env.client, kinds: [accumulatorAgent, memoAgent, loadAgent, migrationManagerAgent], taskQueue: workers.taskQueue, defaultNode: 'node-a', coalesce: false });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

const host = (node: string) => workers.hosts.get(node)!;

function startMigration(input: MigrationInput) {
  return env.client.workflow.start('migration', {
    workflowId: migrationWorkflowId(input.agentId),
    taskQueue: workers.taskQueue,
    args: [{ nodeTimeoutMs: 2_000, quiesceTimeoutMs: 5_000, ...input }],
  });
}

async function migrate(input: MigrationInput): Promise<{ result?: MigrationResult; error?: WorkflowFailedError; progress: MigrationProgress }> {
  const handle = await startMigration(input);
  try {
    const result = (await handle.result()) as MigrationResult;
    return { result, progress: await handle.query(migrationProgressQuery) };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    return { error: err, progress: await handle.query(migrationProgressQuery) };
  }
}

async function appliedAtLeast(agentId: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await workflowTaskIdle(agents.handle(agentId));
    const info = await agents.info(agentId);
    if (info.signalsApplied >= n && info.pendingEffects === 0 && info.queuedEffects === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`agent ${agentId} did not apply ${n} signals`);
}

/** The agent is whole on its source: home node, epoch, no move pending, and (hosted) still mounted there. */
async function wholeOn(agentId: string, node: string, epoch: number, hosted: boolean): Promise<void> {
  const info = await agents.info(agentId);
  expect(info).toMatchObject({ node, epoch });
  expect(info.move).toBeUndefined();
  if (hosted) expect(host(node).get(agentId)?.epoch).toBe(epoch);
}

describe('live migration', () => {
  it('moves a hosted agent with its node-local cache while signals keep arriving: each applied once, in order', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'warm' } });
    await appliedAtLeast(id, 2); // the get and its result
    expect(host('node-a').local<MemoCache>(id)?.has('warm')).toBe(true);

    const handle = await startMigration({ agentId: id, to: 'node-b', reason: 'test' });
    // Twenty lookups sent while it moves: their runs are held while the agent is quiesced, then go to node-b.
    for (let i = 0; i < 20; i++) await agents.send(id, { type: 'memo.get', data: { key: `k${i % 5}` } });
    const result = (await handle.result()) as MigrationResult;
    expect(result).toMatchObject({ agentId: id, from: 'node-a', to: 'node-b', epoch: 1 });
    const progress = await handle.query(migrationProgressQuery);
    expect(progress.status).toBe('completed');
    expect(progress.steps.filter((s) => s.status === 'done').map((s) => s.step)).toEqual(['prepare', 'checkpoint', 'restore', 'switch', 'release', 'validate']);

    await appliedAtLeast(id, 2 + 40);
    const info = await agents.info(id);
    expect(info).toMatchObject({ node: 'node-b', epoch: 1, signalsApplied: 42 });
    expect(info.deadLetters).toEqual([]);
    const state = await agents.state<MemoState>(id);
    // 21 lookups, each applied once: 1 + 5 misses (warm, k0..k4), 15 hits.
    expect(state).toMatchObject({ hits: 15, misses: 6, failures: 0, lastNode: 'node-b' });
    // The node-local part moved: node-b holds it under epoch 1 with the key cached on node-a.
    expect(host('node-a').get(id)).toBeUndefined();
    expect(host('node-b').get(id)).toMatchObject({ epoch: 1, local: true });
    expect(host('node-b').local<MemoCache>(id)?.has('warm')).toBe(true);
    // node-a missed nothing, and refuses anything for the agent under the old epoch from now on.
    await expect(createHostActivities(host('node-a')).hostMount({ agentId: id, kind: 'memo', state: {}, epoch: 0 })).rejects.toMatchObject({ type: ErrorCode.FENCED, nonRetryable: true });
    await agents.send(id, { type: 'memo.get', data: { key: 'warm' } });
    await appliedAtLeast(id, 44);
    expect(await agents.state<MemoState>(id)).toMatchObject({ hits: 16, misses: 6 });
  });

  it('moves a plain agent\'s home (nothing node-local to carry), and keeps its state', async () => {
    const id = freshId('acc');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-a', state: { total: 5, count: 1 } });
    const { result, progress } = await migrate({ agentId: id, to: 'node-b' });
    expect(result).toMatchObject({ from: 'node-a', to: 'node-b', epoch: 1 });
    expect(progress.steps.find((s) => s.step === 'checkpoint')?.status).toBe('skipped');
    await wholeOn(id, 'node-b', 1, false);
    // Nothing was mounted on node-a, but it was told the new epoch: it refuses the agent's older runs.
    expect(host('node-a').newestEpoch(id)).toBe(1);
    expect(progress.steps.filter((s) => s.step === 'release').at(-1)).toMatchObject({ status: 'done' });
    expect(await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 })).toBe(6);
    // And back again, under the next epoch.
    expect((await migrate({ agentId: id, to: 'node-a' })).result).toMatchObject({ from: 'node-b', to: 'node-a', epoch: 2 });
  });

  it('refuses, and moves nothing: an agent that is not running, a target that is its home, a second migration at once', async () => {
    const ghost = await migrate({ agentId: freshId('ghost'), to: 'node-b' });
    expect(ghost.error?.cause).toMatchObject({ type: ErrorCode.AGENT_NOT_FOUND, message: expect.stringMatching(/is not running/) });

    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    const same = await migrate({ agentId: id, to: 'node-a' });
    expect(same.error?.cause).toMatchObject({ type: ErrorCode.MOVE_REFUSED, message: expect.stringMatching(/homed on node node-a already/) });
    await wholeOn(id, 'node-a', 0, true);

    const first = await startMigration({ agentId: id, to: 'node-b' });
    await expect(startMigration({ agentId: id, to: 'node-b' })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await first.result();
    await wholeOn(id, 'node-b', 1, true);
  });
});

describe('compensation: a failure at each step leaves the agent whole on its source', () => {
  it('prepare: the agent does not quiesce in time (an activity still running) → it resumes where it was', async () => {
    const id = freshId('load');
    await agents.startAgent(loadAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'load.hold', data: { activity: 'neverReturns', startToCloseMs: 3_600_000 } });
    await workflowTaskIdle(agents.handle(id));
    const { error, progress } = await migrate({ agentId: id, to: 'node-b', quiesceTimeoutMs: 2_000 });
    expect(error?.cause?.message).toMatch(/prepare: agent ".*" did not quiesce within 2000 ms/);
    expect(progress).toMatchObject({ status: 'failed' });
    await workflowTaskIdle(agents.handle(id));
    await wholeOn(id, 'node-a', 0, false);
    // Signals were applied all along.
    await agents.send(id, { type: 'load.add', data: { amount: 2 } });
    await workflowTaskIdle(agents.handle(id));
    expect((await agents.state<{ total: number }>(id)).total).toBe(2);
  });

  it('checkpoint: the source no longer holds the agent → the move is aborted', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'x' } });
    await appliedAtLeast(id, 2);
    host('node-a').unmount(id); // what a node that lost its memory looks like to the saga
    const { error, progress } = await migrate({ agentId: id, to: 'node-b' });
    expect(error?.cause?.message).toMatch(/checkpoint: node node-a: .*not mounted/);
    expect(progress.steps.filter((s) => s.step === 'compensate').map((s) => [s.status, s.detail])).toEqual([['compensated', 'agent resumes on node-a']]);
    const info = await agents.info(id);
    expect(info).toMatchObject({ node: 'node-a', epoch: 0 });
    expect(info.move).toBeUndefined();
    expect(host('node-b').get(id)).toBeUndefined();
  });

  it('restore: the target does not answer → unmounted from the target (tried), aborted, still mounted on the source', async () => {
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'memo.get', data: { key: 'y' } });
    await appliedAtLeast(id, 2);
    const { error, progress } = await migrate({ agentId: id, to: 'node-gone' });
    expect(error?.cause?.message).toMatch(/restore: node node-gone: .*(timed out|SCHEDULE_TO_START)/i);
    expect(progress.steps.filter((s) => s.step === 'compensate').map((s) => s.status)).toEqual(['failed', 'compensated']);
    await wholeOn(id, 'node-a', 0, true);
    expect(host('node-a').local<MemoCache>(id)?.has('y')).toBe(true);
    // Its node-local work goes on at the source.
    await agents.send(id, { type: 'memo.get', data: { key: 'y' } });
    await appliedAtLeast(id, 4);
    expect(await agents.state<MemoState>(id)).toMatchObject({ hits: 1, misses: 1, lastNode: 'node-a' });
  });

  it('prepare: the agent stops while it quiesces → the move ends with it, nothing moved', async () => {
    const id = freshId('load');
    await agents.startAgent(loadAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'load.hold', data: { activity: 'neverReturns', startToCloseMs: 3_000 } });
    await workflowTaskIdle(agents.handle(id));
    const handle = await startMigration({ agentId: id, to: 'node-b', quiesceTimeoutMs: 60_000 });
    await agents.stop(id, 'stopping mid-move');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const progress = await handle.query(migrationProgressQuery);
    expect(progress).toMatchObject({ status: 'failed', step: 'prepare' });
    expect(progress.error).toMatch(/is stopping/);
  });

  it('switch: the agent is gone when the commit comes → the target copy is removed, the migration fails', async () => {
    // node-c restores like any node, then (the injected fault) the agent is stopped before the commit.
    const hostC = new AgentHost('node-c', HOSTED_RUNTIMES);
    const real = createActivities(hostC);
    const connection = await NativeConnection.connect({ address: env.address });
    const nodeC = await Worker.create({
      connection,
      taskQueue: nodeTaskQueue('node-c'),
      activities: {
        ...real,
        async hostRestore(input: Parameters<typeof real.hostRestore>[0]) {
          const restored = await real.hostRestore(input);
          await agents.stop(input.checkpoint.agentId, 'gone before the commit');
          return restored;
        },
      },
    });
    const running = nodeC.run();
    try {
      const id = freshId('memo');
      await agents.startAgent(memoAgent, id, { node: 'node-a' });
      const { error, progress } = await migrate({ agentId: id, to: 'node-c' });
      expect(error?.cause?.message).toMatch(/switch: /);
      expect(progress.steps.filter((s) => s.step === 'compensate').map((s) => [s.status, s.detail])).toEqual([['compensated', 'unmount from node-c']]);
      expect(hostC.get(id)).toBeUndefined();
    } finally {
      nodeC.shutdown();
      await running;
      await connection.close();
    }
  });
});

describe('the migration manager\'s cooldown, in workflow time', () => {
  it('refuses to move an agent again within its cooldown, and moves it once the cooldown has passed', async () => {
    // The manager with a node table of its own (no membership runs here), a one-minute cooldown.
    const state: MigrationManagerState = { ...MIGRATION_MANAGER_INITIAL, cooldownMs: 60_000, nodes: { 'node-a': { incarnation: 1, status: 'up' }, 'node-b': { incarnation: 1, status: 'up' } } };
    await agents.startAgent(migrationManagerAgent, CLUSTER_IDS.migrationManager, { node: 'node-a', state });
    const id = freshId('memo');
    await agents.startAgent(memoAgent, id, { node: 'node-a' });
    const request = (node: string) => agents.call(CLUSTER_IDS.migrationManager, { type: 'cluster.migration.requested', data: { agentId: id, node } });
    expect(await request('node-b')).toMatchObject({ workflowId: `migration/${id}`, to: 'node-b' });
    await env.client.workflow.getHandle(`migration/${id}`).result();
    for (let i = 0; i < 200 && (await agents.state<MigrationManagerState>(CLUSTER_IDS.migrationManager)).running[id] !== undefined; i++) {
      await workflowTaskIdle(agents.handle(CLUSTER_IDS.migrationManager));
      await new Promise((r) => setTimeout(r, 50));
    }
    await expect(request('node-a')).rejects.toMatchObject({ code: ErrorCode.REFUSED, message: expect.stringMatching(/cooldown/) });
    await env.sleep(61_000); // skipped, not waited
    expect(await request('node-a')).toMatchObject({ to: 'node-a' });
    await env.client.workflow.getHandle(`migration/${id}`).result();
    await wholeOn(id, 'node-a', 2, true);
  });
});
