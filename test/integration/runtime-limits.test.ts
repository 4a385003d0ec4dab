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

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 3_000);
const { EventType } = temporal.api.enums.v1;

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createDevServerEnv();
  // Thousands of agents, all kept in the sticky cache (about 0.3 MB each, see workflows/preload.ts).
  workers = await startNodeWorkers(env.nativeConnection, ['node-a'], { maxCachedWorkflows: 3_600 });
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

/**
 * Waits until every agent's state passes `done`, querying only the agents not yet done (a query per agent
 * per round would compete with the work being measured), and returns the states by id.
 */
async function statesWhen(ids: readonly string[], done: (s: LoadState, i: number) => boolean, timeoutMs = 300_000): Promise<LoadState[]> {
  const out: LoadState[] = new Array(ids.length);
  let pending = ids.map((_, i) => i);
  const deadline = Date.now() + timeoutMs;
  while (pending.length > 0) {
    const states = await pool(pending, 32, (i) => agents.state<LoadState>(ids[i] as string));
    pending = pending.filter((i, k) => {
      out[i] = states[k] as LoadState;
      return !done(out[i], i);
    });
    if (pending.length === 0) break;
    if (Date.now() > deadline) throw new Error(`timed out: ${pending.length} agents not done, e.g. ${ids[pending[0] as number]}: ${JSON.stringify(out[pending[0] as number])}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
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
  it('coalesces one batch\'s 5,000 emits to 50 agents into one jido.signals per agent, each signal once', async () => {
    const prefix = `${freshId('rcv')}-`;
    const emitter = freshId('emitter');
    const receivers = Array.from({ length: 50 }, (_, i) => `${prefix}${i}`);
    await pool(receivers, 16, (id) => agents.startAgent(loadAgent, id));
    await agents.startAgent(loadAgent, emitter);
    // 100 signals × 50 receivers: 5,000 emits from one Temporal signal.
    await agents.sendBatch(emitter, Array.from({ length: 100 }, (_, i) => ({ type: 'load.fanout', data: { to: { prefix, n: 50 }, amount: i + 1 } })));
    const states = await statesWhen(receivers, (s) => s.count >= 100);
    expect(states.every((s) => s.count === 100 && s.total === 5_050)).toBe(true);
    const info = await until('the emitter to finish its effects', () => agents.info(emitter), (i) => i.queuedEffects === 0 && i.pendingEffects === 0);
    expect(info).toMatchObject({ signalsApplied: 100, deadLetters: [] });
    // Each receiver got its 100 signals in a few Temporal signals (one batch per emit round), not 100.
    const signalEvents = await pool(receivers, 16, async (id) => (await agents.handle(id).fetchHistory()).events?.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length ?? 0);
    expect(Math.max(...signalEvents)).toBeLessThanOrEqual(5);
    expect(await failuresOf([`agent/${emitter}`, ...receivers.map((id) => `agent/${id}`)])).toEqual([]);
  }, 240_000);

  it(`spawns ${SUBSCRIBERS} agents across runs, emits 5,000 signals of one batch to most of them, and fans a topic out to all of them three times: each signal once, no failed workflow task`, async () => {
    const prefix = `${freshId('sub')}-`;
    const spawner = freshId('spawner');
    const emitter = freshId('emitter');
    const topic = freshId('crowd');
    const ids = Array.from({ length: SUBSCRIBERS }, (_, i) => `${prefix}${i}`);
    const fannedOut = Math.min(2_500, SUBSCRIBERS);
    const t0 = Date.now();
    await agents.startAgent(loadAgent, spawner);
    await agents.send(spawner, { type: 'load.spawn', data: { prefix, n: SUBSCRIBERS } });
    const spawned = await until(`the spawner to start all ${SUBSCRIBERS}`, () => agents.info(spawner), (i) => i.queuedEffects === 0 && i.pendingEffects === 0 && i.generation >= Math.ceil(SUBSCRIBERS / 1_000) - 1, 300_000);
    expect(spawned.deadLetters).toEqual([]);
    const t1 = Date.now();

    // Two signals × 2,500 receivers: 5,000 emits from one Temporal signal, to 2,500 distinct agents.
    await agents.startAgent(loadAgent, emitter);
    await agents.sendBatch(emitter, [1, 2].map((amount) => ({ type: 'load.fanout', data: { to: { prefix, n: fannedOut }, amount } })));
    // Subscribe in batches of 500 (one Temporal signal each), then publish three times from one agent.
    for (let i = 0; i < ids.length; i += 500) await agents.subscribe(topic, ids.slice(i, i + 500));
    await agents.sendBatch(spawner, [10, 20, 30].map((amount) => ({ type: 'load.publish', data: { topic, amount } })));
    const topicInfo = await until(
      'the topic to publish three times',
      () => env.client.workflow.getHandle(topicWorkflowId(topic)).query(topicInfoQuery),
      (t) => t.published === 3 && t.inFlight === 0,
      300_000,
    );
    expect(topicInfo, JSON.stringify(topicInfo)).toMatchObject({ subscribers: SUBSCRIBERS, published: 3, refused: 0 });
    const states = await statesWhen(ids, (s, i) => s.count >= (i < fannedOut ? 5 : 3));
    const t2 = Date.now();
    expect(states.filter((s, i) => (i < fannedOut ? s.count !== 5 || s.total !== 63 : s.count !== 3 || s.total !== 60))).toEqual([]);
    expect(await agents.info(emitter)).toMatchObject({ queuedEffects: 0, pendingEffects: 0, deadLetters: [] });
    expect(await failuresOf([`agent/${spawner}`, `agent/${emitter}`, topicWorkflowId(topic), ...ids.map((id) => `agent/${id}`)])).toEqual([]);
    console.log(`spawn ${t1 - t0} ms, emits + topic ${t2 - t1} ms, checks ${Date.now() - t2} ms`);
  }, 900_000);
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
