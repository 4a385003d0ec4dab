/**
 * The runtime against the limits Temporal's real server enforces (dev server: Temporal CLI 1.5.1, server
 * 1.29.1): 2,000 pending outgoing signals / child workflows / activities per run, 51,200 events per run.
 * Going over one fails the workflow task on every retry, so these tests look at every run's history for
 * `WorkflowTaskFailed` events, not only at the final state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { AgentClient } from '../../src/client/agent-client.js';
import { topicInfoQuery, topicWorkflowId } from '../../src/topic/index.js';
import { loadAgent, type LoadState } from '../fixtures/workflows/load-agent.js';
import { createDevServerEnv, freshId, startNodeWorkers, type NodeWorkers } from '../helpers/engines.js';

const { EventType } = temporal.api.enums.v1;

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createDevServerEnv();
  // Thousands of agents: keep the sticky cache small (evicted agents replay their short histories).
  workers = await startNodeWorkers(env.nativeConnection, ['node-a'], { maxCachedWorkflows: 400 });
  agents = new AgentClient({ client: env.client, kinds: [loadAgent], taskQueue: workers.taskQueue, defaultNode: 'node-a' });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
    }),
  );
  return out;
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last saw ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface RunFacts {
  runId: string;
  status: string;
  events: number;
  taskFailures: string[];
}

/** Every run of a workflow id (visibility), with its history length and workflow-task failure causes. */
async function runs(workflowId: string): Promise<RunFacts[]> {
  const out: RunFacts[] = [];
  for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await env.client.workflow.getHandle(workflowId, wf.runId).fetchHistory();
    const events = history.events ?? [];
    const taskFailures = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
      .map((e) => String(temporal.api.enums.v1.WorkflowTaskFailedCause[e.workflowTaskFailedEventAttributes?.cause ?? 0]));
    out.push({ runId: wf.runId, status: wf.status.name, events: events.length, taskFailures });
  }
  return out;
}

async function failuresOf(workflowIds: readonly string[]): Promise<string[]> {
  const perId = await pool(workflowIds, 16, async (id) => (await runs(id)).flatMap((r) => r.taskFailures.map((c) => `${id}: ${c}`)));
  return perId.flat();
}

describe('effect budget on the real server', () => {
  it('delivers the 5,000 emits of one jido.signals batch exactly once, with no failed workflow task', async () => {
    const prefix = `${freshId('rcv')}-`;
    const emitter = freshId('emitter');
    await pool(Array.from({ length: 50 }, (_, i) => `${prefix}${i}`), 16, (id) => agents.startAgent(loadAgent, id));
    await agents.startAgent(loadAgent, emitter);
    // 100 signals × 50 receivers: 5,000 emits from one Temporal signal.
    await agents.sendBatch(emitter, Array.from({ length: 100 }, (_, i) => ({ type: 'load.fanout', data: { to: { prefix, n: 50 }, amount: i + 1 } })));
    const states = await until(
      'every receiver to get its 100 signals',
      () => pool(Array.from({ length: 50 }, (_, i) => `${prefix}${i}`), 16, (id) => agents.state<LoadState>(id)),
      (all) => all.every((s) => s.count >= 100),
    );
    expect(states.every((s) => s.count === 100 && s.total === 5_050)).toBe(true);
    const info = await until('the emitter to finish its effects', () => agents.info(emitter), (i) => i.queuedEffects === 0 && i.pendingEffects === 0);
    expect(info.signalsApplied).toBe(100);
    expect(info.deadLetters).toEqual([]);
    expect(info.generation).toBeGreaterThanOrEqual(1); // 5,000 emits are over 10,000 events: it continued-as-new on the way
    expect(await failuresOf([`agent/${emitter}`, ...Array.from({ length: 50 }, (_, i) => `agent/${prefix}${i}`)])).toEqual([]);
  }, 240_000);

  it('spawns 3,000 agents across runs, then fans a topic out to all 3,000 three times, each signal once', async () => {
    const prefix = `${freshId('sub')}-`;
    const spawner = freshId('spawner');
    const topic = freshId('crowd');
    const ids = Array.from({ length: 3_000 }, (_, i) => `${prefix}${i}`);
    await agents.startAgent(loadAgent, spawner);
    await agents.send(spawner, { type: 'load.spawn', data: { prefix, n: 3_000 } });
    const spawned = await until('the spawner to start all 3,000', () => agents.info(spawner), (i) => i.queuedEffects === 0 && i.pendingEffects === 0 && i.generation >= 2, 240_000);
    expect(spawned.deadLetters).toEqual([]);

    // Subscribe in batches of 500 (one Temporal signal each), then publish three times from one agent.
    for (let i = 0; i < ids.length; i += 500) await agents.subscribe(topic, ids.slice(i, i + 500));
    await agents.sendBatch(spawner, [1, 2, 3].map((amount) => ({ type: 'load.publish', data: { topic, amount } })));
    const topicInfo = await until(
      'the topic to publish three times',
      () => env.client.workflow.getHandle(topicWorkflowId(topic)).query(topicInfoQuery),
      (t) => t.published === 3 && t.inFlight === 0,
      240_000,
    );
    expect(topicInfo).toMatchObject({ subscribers: 3_000, published: 3, refused: 0 });
    expect(topicInfo.generation).toBeGreaterThanOrEqual(1); // 9,000 sends are over 18,000 events

    const states = await until(
      'every subscriber to apply three signals',
      () => pool(ids, 32, (id) => agents.state<LoadState>(id)),
      (all) => all.every((s) => s.count >= 3),
      240_000,
    );
    expect(states.filter((s) => s.count !== 3 || s.total !== 6)).toEqual([]);
    expect(await failuresOf([`agent/${spawner}`, topicWorkflowId(topic), ...ids.map((id) => `agent/${id}`)])).toEqual([]);
  }, 600_000);
});

describe('bounded runs on the real server', () => {
  it('keeps every run under its ceiling while an activity never completes and 15,000 signals arrive, with the exact state', async () => {
    const id = freshId('ceiling');
    // Low thresholds, so that 15,000 signals (coalesced by the client into a few hundred Temporal signals) cross several ceilings.
    await agents.startAgent(loadAgent, id, { limits: { maxHistoryEvents: 100, historyCeiling: 600 } });
    await agents.call(loadAgent, id, 'load.hold', { activity: 'neverReturns', startToCloseMs: 10 * 60_000 });
    let sent = 0;
    await pool(Array.from({ length: 15_000 }, (_, i) => i), 48, async (i) => {
      await agents.send(id, { type: 'load.add', data: { amount: i } });
      sent++;
    });
    expect(sent).toBe(15_000);
    const info = await until('all 15,000 signals to be applied', () => agents.info(id), (i) => i.signalsApplied >= 15_001, 180_000);
    expect(await agents.state<LoadState>(id)).toMatchObject({ count: 15_000, total: (15_000 * 14_999) / 2, held: 0, failures: [] });
    // The activity never finished: each run handed it to the next, which dispatched it again.
    expect(info.pendingEffects).toBe(1);
    const all = await runs(`agent/${id}`);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.filter((r) => r.status === 'RUNNING')).toHaveLength(1);
    expect(all.filter((r) => r.status !== 'RUNNING' && r.status !== 'CONTINUED_AS_NEW')).toEqual([]);
    // Bounded by the ceiling plus the events of the workflow task that decided to continue.
    expect(Math.max(...all.map((r) => r.events))).toBeLessThan(600 + 300);
    // The only task failures a stream can cause: continue-as-new racing a signal (Temporal retries it at once).
    expect(all.flatMap((r) => r.taskFailures).filter((c) => c !== 'WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND')).toEqual([]);
  }, 300_000);
});
