/**
 * The runtime inside its limits, on Temporal's Java time-skipping server (one environment for this file,
 * tests serial): timers as data, the carry budget, state size, idempotent calls across continue-as-new,
 * frozen states, reserved activities. The limits Temporal's real server enforces (pending effects,
 * history length) are exercised on the dev server in test/integration/runtime-limits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ErrorCode } from '../../src/errors.js';
import { AgentClient } from '../../src/client/agent-client.js';
import { createSignal } from '../../src/signal/index.js';
import { temporal } from '@temporalio/proto';
import { probeAgent, type ProbeState } from '../../src/examples/index.js';
import { loadAgent, type LoadState } from '../fixtures/workflows/load-agent.js';
import { createTimeSkippingEnv, freshId, historyEventTypes, startNodeWorkers, waitApplied, workflowTaskIdle, type NodeWorkers } from '../helpers/engines.js';

const { EventType } = temporal.api.enums.v1;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a']);
  agents = new AgentClient({ client: env.client, kinds: [loadAgent, probeAgent], taskQueue: workers.taskQueue, defaultNode: 'node-a' });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

const count = (types: string[], type: string): number => types.filter((t) => t === `EVENT_TYPE_${type}`).length;

/** Sends plain signals one at a time until the agent has continued-as-new `generation` times. */
async function driveToGeneration(id: string, generation: number, start: number): Promise<number> {
  let sent = start;
  for (let i = 0; i < 2_000; i++) {
    await agents.send(id, { type: 'load.add', data: { amount: 0 } });
    sent++;
    await waitApplied(agents, id, sent);
    if ((await agents.info(id)).generation >= generation) return sent;
  }
  throw new Error(`agent ${id} did not reach generation ${generation}`);
}

describe('timers as data', () => {
  it('serves 10,000 pending timers with one durable timer, carries them across continue-as-new without re-arming each, and fires each once', async () => {
    const id = freshId('timers');
    await agents.startAgent(loadAgent, id, { limits: { maxHistoryEvents: 150 } });
    // Ten signals of 1,000 timers each, due at five instants a day from now.
    await agents.sendBatch(id, Array.from({ length: 10 }, () => ({ type: 'load.timers', data: { n: 1_000, delayMs: DAY, spreadMs: HOUR, groups: 5, amount: 1 } })));
    await waitApplied(agents, id, 10);
    const before = await agents.info(id);
    expect(before.timers).toBe(10_000);
    expect(count(await historyEventTypes(agents.handle(id)), 'TIMER_STARTED')).toBe(1);

    const sent = await driveToGeneration(id, 1, 10);
    const after = await agents.info(id);
    expect(after.generation).toBe(1);
    expect(after.timers).toBe(10_000);
    // The new run armed one timer for all 10,000, and its input stayed inside the carry budget.
    const types = await historyEventTypes(agents.handle(id));
    expect(count(types, 'TIMER_STARTED')).toBe(1);
    expect(types.length).toBeLessThan(60);
    expect(after.carriedBytes).toBeGreaterThan(500_000);
    expect(after.carriedBytes).toBeLessThan(1.5 * 1024 * 1024);

    await env.sleep(DAY + 5 * HOUR);
    await waitApplied(agents, id, sent + 10_000);
    const state = await agents.state<LoadState>(id);
    expect(state.total).toBe(10_000);
    expect(state.count).toBe(sent - 10 + 10_000);
    expect((await agents.info(id)).timers).toBe(0);
    expect((await agents.info(id)).generation).toBe(1);
  }, 180_000);

  it('refuses a flood of timers past the carry budget with BUDGET_EXCEEDED and applies nothing of it', async () => {
    const id = freshId('flood');
    await agents.startAgent(loadAgent, id);
    await agents.send(id, { type: 'load.timers', data: { n: 25_000, delayMs: DAY, spreadMs: 0, groups: 1, amount: 1 } });
    await agents.send(id, { type: 'load.add', data: { amount: 1 } });
    await waitApplied(agents, id, 1);
    const info = await agents.info(id);
    expect(info.timers).toBe(0);
    expect(info.deadLetters).toEqual([expect.objectContaining({ code: ErrorCode.BUDGET_EXCEEDED, type: 'load.timers', message: expect.stringMatching(/carry budget/) })]);
    expect(await agents.state<LoadState>(id)).toMatchObject({ total: 1, count: 1 });
    await expect(agents.call(id, { type: 'load.timers', data: { n: 25_000, delayMs: DAY, spreadMs: 0, groups: 1, amount: 1 } })).rejects.toMatchObject({
      code: ErrorCode.BUDGET_EXCEEDED,
    });
  });
});

describe('state', () => {
  it('refuses a signal whose state would exceed maxStateBytes (STATE_TOO_LARGE) and keeps the state', async () => {
    const id = freshId('big');
    await agents.startAgent(loadAgent, id);
    expect(await agents.call(loadAgent, id, 'load.grow', { bytes: 40_000 })).toBe(1);
    await expect(agents.call(loadAgent, id, 'load.grow', { bytes: 30_000 })).rejects.toMatchObject({ code: ErrorCode.STATE_TOO_LARGE });
    await agents.send(id, { type: 'load.grow', data: { bytes: 30_000 } });
    await agents.send(id, { type: 'load.add', data: { amount: 2 } });
    await waitApplied(agents, id, 2);
    const state = await agents.state<LoadState>(id);
    expect(state.notes.map((n) => n.length)).toEqual([40_000]);
    expect(state.total).toBe(2);
    const info = await agents.info(id);
    expect(info.deadLetters.map((d) => d.code)).toEqual([ErrorCode.STATE_TOO_LARGE, ErrorCode.STATE_TOO_LARGE]);
    expect(info.budget.state).toBeGreaterThan(40_000);
    expect(info.budget.maxState).toBe(64 * 1024);
  });

  it('fails an action that changes its state in place, and changes nothing', async () => {
    const id = freshId('mutate');
    await agents.startAgent(loadAgent, id);
    await agents.send(id, { type: 'load.grow', data: { bytes: 3 } });
    await agents.send(id, { type: 'load.mutate' });
    await agents.send(id, { type: 'load.add', data: { amount: 1 } });
    await waitApplied(agents, id, 2);
    expect((await agents.state<LoadState>(id)).notes).toEqual(['nnn']);
    expect((await agents.info(id)).deadLetters).toEqual([expect.objectContaining({ code: ErrorCode.ACTION_FAILED, type: 'load.mutate', message: expect.stringMatching(/read only|not extensible/) })]);
  });

  it('refuses an action that asks to run a node-internal activity', async () => {
    const id = freshId('internal');
    await agents.startAgent(loadAgent, id);
    await expect(agents.call(loadAgent, id, 'load.hold', { activity: 'hostUnmount', startToCloseMs: 1_000 })).rejects.toMatchObject({
      code: ErrorCode.ACTION_FAILED,
      message: expect.stringMatching(/"hostUnmount" is node-internal/),
    });
    expect(workers.hosts.get('node-a')?.list()).toEqual([]);
  });
});

describe('stopping and hosting within the caps', () => {
  it('completes a stop even when spawns wait past the run’s 1,000 children, dropping those as dead letters', async () => {
    const id = freshId('spawn-stop');
    const prefix = `${freshId('child')}-`;
    await agents.startAgent(loadAgent, id);
    await agents.sendBatch(id, [
      { type: 'load.spawn', data: { prefix, n: 1_005 } },
      { type: 'load.stop', data: { reason: 'enough' } },
    ]);
    const result = await agents.handle(id).result();
    expect(result).toMatchObject({ reason: 'enough', info: { status: 'stopped' } });
    const dropped = (result as { info: { deadLetters: Array<{ code: string; message: string }> } }).info.deadLetters;
    expect(dropped).toHaveLength(5);
    expect(dropped.every((d) => d.code === ErrorCode.SIGNAL_REJECTED && /spawn of load "child-.*-100[0-4]" could start/.test(d.message))).toBe(true);
    expect(await agents.info(`${prefix}999`)).toMatchObject({ status: 'running' });
    await expect(agents.info(`${prefix}1000`)).rejects.toMatchObject({ code: ErrorCode.AGENT_NOT_FOUND });
  }, 180_000);

  it('starts runs held for a late mount under the activity cap (16 at a time), and applies every result', async () => {
    const id = freshId('late');
    await agents.startAgent(probeAgent, id, { node: 'node-late' });
    await agents.sendBatch(id, Array.from({ length: 60 }, () => ({ type: 'probe.measure' })));
    await waitApplied(agents, id, 60);
    const late = await startNodeWorkers(env.nativeConnection, ['node-late'], { taskQueue: workers.taskQueue, activitiesOnly: true });
    try {
      await waitApplied(agents, id, 120);
      const history = (await agents.handle(id).fetchHistory()).events ?? [];
      // Activities scheduled per workflow task: never more than the cap.
      let perTask = 0;
      let most = 0;
      for (const e of history) {
        if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) perTask = 0;
        if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) most = Math.max(most, ++perTask);
      }
      expect(most).toBeLessThanOrEqual(16);
      expect(await agents.state<ProbeState>(id)).toMatchObject({ failures: 0, samples: expect.arrayContaining([expect.objectContaining({ nodeId: 'node-late' })]) });
      expect(count(await historyEventTypes(agents.handle(id)), 'WORKFLOW_TASK_FAILED')).toBe(0);
    } finally {
      await late.shutdown();
    }
  }, 120_000);
});

describe('shared modules (workflows/preload.ts)', () => {
  it('validates with zod formats and regexes in many agents of one worker, each correct, none failing a task', async () => {
    const ids = [freshId('fmt'), freshId('fmt'), freshId('fmt')];
    for (const id of ids) await agents.startAgent(loadAgent, id);
    const ref = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    for (const [i, id] of ids.entries()) {
      expect(await agents.call(loadAgent, id, 'load.contact', { email: `a${i}@example.com`, day: '2026-11-22', ref, tag: `t-${i}` })).toBe(ref);
      await expect(agents.call(loadAgent, id, 'load.contact', { email: 'not-an-email', day: '2026-13-40', ref: 'x', tag: 'u-1' })).rejects.toMatchObject({
        code: ErrorCode.INVALID_PARAMS,
        message: expect.stringMatching(/email[\s\S]*day[\s\S]*ref[\s\S]*tag/),
      });
    }
    for (const id of ids) expect(count(await historyEventTypes(agents.handle(id)), 'WORKFLOW_TASK_FAILED')).toBe(0);
  });
});

describe('idempotent calls', () => {
  it('answers a call retried with the same signal id with the original result or rejection, also in a later run', async () => {
    const id = freshId('idem-call');
    await agents.startAgent(loadAgent, id, { limits: { maxHistoryEvents: 100 } });
    const add = createSignal('load.add', { amount: 5 }, { source: '/test' });
    const fail = createSignal('load.fail', { reason: 'first attempt fails' }, { source: '/test' });
    expect(await agents.call(id, add)).toBe(5);
    expect(await agents.call(id, add)).toBe(5); // same run: Temporal's own update-id dedupe
    await expect(agents.call(id, fail)).rejects.toMatchObject({ code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/first attempt fails/) });
    const plain = await agents.send(id, { type: 'load.add', data: { amount: 1 } });
    await waitApplied(agents, id, 2);

    await driveToGeneration(id, 1, 2);
    await workflowTaskIdle(agents.handle(id));
    // A later run: the same signal ids under new update ids.
    const retried = agents.handle(id).executeUpdate('jido.call', { args: [add], updateId: `retry-${add.id}` });
    await expect(retried).resolves.toBe(5);
    await expect(agents.handle(id).executeUpdate('jido.call', { args: [fail], updateId: `retry-${fail.id}` })).rejects.toMatchObject({
      cause: { type: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/first attempt fails/) },
    });
    await expect(agents.call(id, { type: 'load.add', data: { amount: 1 }, id: plain })).rejects.toMatchObject({ code: ErrorCode.DUPLICATE_SIGNAL });
    // A call retried a thousand times, under its own update id or under new ones (at most 8 in flight:
    // Temporal allows 10): the one result, applied once.
    const retries: unknown[] = [];
    for (let i = 0; i < 1_000; i += 8) {
      retries.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, j) => ((i + j) % 2 === 0 ? agents.call(id, add) : agents.handle(id).executeUpdate('jido.call', { args: [add], updateId: `many-${i + j}` }))),
        )),
      );
    }
    expect(new Set(retries)).toEqual(new Set([5]));
    const state = await agents.state<LoadState>(id);
    expect(state.total).toBe(6); // 5 once, 1 once, and the zero-amount drivers
    expect((await agents.info(id)).deadLetters.filter((d) => d.type === 'load.fail')).toHaveLength(1);
  }, 120_000);
});
