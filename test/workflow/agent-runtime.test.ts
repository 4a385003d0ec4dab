/**
 * The agent entity runtime on Temporal's Java time-skipping test server: one environment for this file,
 * tests serial (time skipping is global to the server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { accumulatorAgent, probeAgent, type AccumulatorState, type ProbeState } from '../../src/examples/index.js';
import { ErrorCode } from '../../src/errors.js';
import type { AgentResult } from '../../src/messages.js';
import { AgentClient } from '../../src/client/agent-client.js';
import { createSignal } from '../../src/signal/index.js';
import { createTimeSkippingEnv, freshId, startNodeWorkers, workflowTaskIdle, type NodeWorkers } from '../helpers/engines.js';

const DAY = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a', 'node-b']);
  // One Temporal signal per send: these tests count history events and continue-as-new runs per signal.
  // (Coalescing, the default, has its own test below.)
  agents = new AgentClient({ client: env.client, kinds: [accumulatorAgent, probeAgent], taskQueue: workers.taskQueue, defaultNode: 'node-a', coalesce: false });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

/**
 * Waits (in real time, briefly) until the agent has applied `n` signals. Queries only between workflow
 * tasks: a query racing a continue-as-new task wedges the Java test server's time skipping (see
 * {@link workflowTaskIdle}).
 */
async function applied(agentId: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await workflowTaskIdle(agents.handle(agentId));
    if ((await agents.info(agentId)).signalsApplied >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`agent ${agentId} did not apply ${n} signals`);
}

/** Event types of an agent's history, e.g. `EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED`. */
async function historyEvents(agentId: string): Promise<string[]> {
  const history = await agents.handle(agentId).fetchHistory();
  return (history.events ?? []).map((e) => String(temporal.api.enums.v1.EventType[e.eventType ?? 0]));
}

const WORKFLOW_TASK_EVENT = /^EVENT_TYPE_WORKFLOW_TASK_/;

describe('time-skipping engine', () => {
  it('fires a 30-day durable timer in seconds of wall time', async () => {
    const id = freshId('sleeper');
    await agents.startAgent(accumulatorAgent, id);
    const before = await env.currentTimeMs();
    await agents.send(id, { type: 'accumulator.add.later', data: { amount: 7, delayMs: 30 * DAY } });
    await applied(id, 1);
    expect((await agents.info(id)).timers).toBe(1);
    await env.sleep(30 * DAY + 1000);
    await applied(id, 2);
    expect(await agents.state<AccumulatorState>(id)).toEqual({ total: 7, count: 1 });
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * DAY);
  });
});

describe('agent runtime', () => {
  it('applies signals in order and answers state and info queries', async () => {
    const id = freshId('acc');
    const ref = await agents.startAgent(accumulatorAgent, id, { node: 'node-b', state: { total: 10, count: 0 } });
    expect(ref).toMatchObject({ agentId: id, kind: 'accumulator', node: 'node-b', workflowId: `agent/${id}`, started: true });
    await agents.send(id, { type: 'accumulator.add', data: { amount: 5 } });
    await agents.sendBatch(id, [
      { type: 'accumulator.add', data: { amount: 1 } },
      { type: 'accumulator.reset' },
      { type: 'accumulator.add', data: { amount: 2 } },
    ]);
    await applied(id, 4);
    expect(await agents.state(id)).toEqual({ total: 2, count: 1 });
    const info = await agents.info(id);
    expect(info).toMatchObject({ agentId: id, kind: 'accumulator', node: 'node-b', status: 'running', signalsApplied: 4, deadLetters: [] });
  });

  it('starting a running agent again is not an error and changes nothing', async () => {
    const id = freshId('idem');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-b', state: { total: 3, count: 0 } });
    const again = await agents.startAgent(accumulatorAgent, id, { node: 'node-a', state: { total: 99, count: 0 } });
    expect(again).toMatchObject({ started: false, node: 'node-b' });
    expect(await agents.state(id)).toEqual({ total: 3, count: 0 });
  });

  it('applies a signal sent three times exactly once', async () => {
    const id = freshId('dedupe');
    await agents.startAgent(accumulatorAgent, id);
    const signal = createSignal('accumulator.add', { amount: 4 }, { source: '/test' });
    await agents.send(id, signal);
    await agents.send(id, signal);
    await agents.sendBatch(id, [signal]);
    await agents.send(id, { type: 'accumulator.add', data: { amount: 1 } });
    await applied(id, 2);
    expect(await agents.state(id)).toEqual({ total: 5, count: 2 });
    expect((await agents.info(id)).duplicatesIgnored).toBe(2);
  });

  it('coalesces concurrent sends to one agent into few Temporal signals, in the order they were made', async () => {
    const coalescing = new AgentClient({ client: env.client, kinds: [accumulatorAgent], taskQueue: workers.taskQueue, defaultNode: 'node-a' });
    const id = freshId('coalesce');
    await coalescing.startAgent(accumulatorAgent, id);
    const sends: Array<Promise<string>> = [];
    for (let i = 1; i <= 200; i++) sends.push(coalescing.send(id, { type: 'accumulator.add', data: { amount: i } }));
    sends.push(coalescing.send(id, { type: 'accumulator.reset' })); // order matters: applied after all 200
    sends.push(coalescing.send(id, { type: 'accumulator.add', data: { amount: 7 } }));
    expect(new Set(await Promise.all(sends)).size).toBe(202);
    await applied(id, 202);
    expect(await coalescing.state(id)).toEqual({ total: 7, count: 1 });
    const signalEvents = (await historyEvents(id)).filter((t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED').length;
    expect(signalEvents).toBeLessThan(20);
  });

  it('returns the action result from jido.call, typed', async () => {
    const id = freshId('call');
    await agents.startAgent(accumulatorAgent, id);
    const total: number = await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 6 });
    expect(total).toBe(6);
    expect(await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 })).toBe(7);
  });

  it('dead-letters bad signals with the reason and never changes state', async () => {
    const id = freshId('dead');
    await agents.startAgent(accumulatorAgent, id, { state: { total: 1, count: 0 } });
    const handle = agents.handle(id);
    const good = createSignal('accumulator.add', { amount: 1 });
    await handle.signal('jido.signal', { ...good, specversion: '1.0' });
    await handle.signal('jido.signal', { ...createSignal('accumulator.add', { amount: 1 }), data: '' });
    await handle.signal('jido.signal', { source: '/x', id: good.id });
    await agents.send(id, { type: 'accumulator.unknown' });
    await agents.send(id, { type: 'accumulator.add', data: { amount: 'three' } });
    await agents.send(id, { type: 'accumulator.assert', data: { equals: 42 } });
    await handle.signal('jido.signals', 'not an array' as never);
    await agents.send(id, { type: 'accumulator.add', data: { amount: 2 } });
    await applied(id, 1);
    const info = await agents.info(id);
    expect(await agents.state(id)).toEqual({ total: 3, count: 1 });
    const codes = info.deadLetters.map((d) => d.code);
    expect(codes).toEqual([
      ErrorCode.INVALID_SIGNAL,
      ErrorCode.INVALID_SIGNAL,
      ErrorCode.INVALID_SIGNAL,
      ErrorCode.NO_ROUTE,
      ErrorCode.INVALID_PARAMS,
      ErrorCode.ACTION_FAILED,
      ErrorCode.INVALID_SIGNAL,
    ]);
    expect(info.deadLetters[0]?.message).toMatch(/specversion/);
    expect(info.deadLetters[1]?.message).toMatch(/data/);
    expect(info.deadLetters[2]?.message).toMatch(/missing required attribute/);
    expect(info.deadLetters[3]).toMatchObject({ type: 'accumulator.unknown' });
    expect(info.deadLetters[4]?.message).toMatch(/amount/);
    expect(info.deadLetters[5]?.message).toMatch(/total is 1, expected 42/);
  });

  it('rejects a bad jido.call in its validator: no update, signal or state change is recorded', async () => {
    // The Java test server still records the workflow task that ran the validator (the real server drops
    // that speculative task: see the dev-server test for the exact-history check).
    const id = freshId('reject');
    await agents.startAgent(accumulatorAgent, id);
    await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 });
    const plain = createSignal('accumulator.add', { amount: 1 });
    await agents.send(id, plain);
    await applied(id, 2);
    const before = await historyEvents(id);
    await expect(agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 'x' as never })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMS });
    await expect(agents.call(id, { type: 'accumulator.nope' })).rejects.toMatchObject({ code: ErrorCode.NO_ROUTE });
    await expect(agents.call(id, { type: 'accumulator.add', specversion: '1.0' } as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL });
    const raw = agents.handle(id).executeUpdate('jido.call', { args: [{ type: 'accumulator.add', source: '/x', specversion: '1.0', id: createSignal('a.b').id }] });
    await expect(raw).rejects.toMatchObject({ cause: { type: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/specversion/) } });
    const once = createSignal('accumulator.add', { amount: 1 });
    await agents.call(id, once);
    // A call reusing the id of a plain signal already applied: refused, nothing recorded. (A call retried with
    // its own id gets its recorded result instead: test/workflow/runtime-limits.test.ts.)
    const again = agents.handle(id).executeUpdate('jido.call', { args: [plain], updateId: 'another-update-id' });
    await expect(again).rejects.toMatchObject({ cause: { type: ErrorCode.DUPLICATE_SIGNAL, message: expect.stringMatching(/already accepted/) } });
    const after = await historyEvents(id);
    const added = after.slice(before.length).filter((t) => !WORKFLOW_TASK_EVENT.test(t));
    // Only the one good call is recorded.
    expect(added).toEqual(['EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED']);
    expect(await agents.state(id)).toEqual({ total: 3, count: 3 });
    expect((await agents.info(id)).deadLetters).toEqual([]);
  });

  it('keeps exact state over 5,000 signals and several runs of continue-as-new', async () => {
    const id = freshId('many');
    await agents.startAgent(accumulatorAgent, id, { limits: { maxHistoryEvents: 1000 } });
    let expected = 0;
    let previousBatch: ReturnType<typeof createSignal>[] = [];
    for (let batch = 0; batch < 100; batch++) {
      const signals = Array.from({ length: 50 }, (_, i) => {
        const amount = batch * 50 + i + 1;
        expected += amount;
        return createSignal('accumulator.add', { amount }, { source: '/test' });
      });
      // Each signal travels alone, and every batch re-delivers the previous batch's first two signals
      // (accepted earlier, often in an earlier run): they must not apply again.
      await Promise.all([...signals, ...previousBatch.slice(0, 2)].map((s) => agents.send(id, s)));
      previousBatch = signals;
      // Like a client that waits for its batch to be applied. (Under a stream with no pause at all, the
      // server refuses continue-as-new while new signals keep landing in the same task; see README.)
      await applied(id, (batch + 1) * 50);
    }
    await applied(id, 5000);
    const info = await agents.info(id);
    expect(await agents.state(id)).toEqual({ total: expected, count: 5000 });
    expect(info.generation).toBeGreaterThanOrEqual(3);
    expect(info.duplicatesIgnored).toBe(99 * 2);
    expect(info.deadLetters).toEqual([]);
  });

  it('re-arms pending timers after continue-as-new and fires them once', async () => {
    const id = freshId('timer-can');
    await agents.startAgent(accumulatorAgent, id, { limits: { maxHistoryEvents: 200 } });
    await agents.send(id, { type: 'accumulator.add.later', data: { amount: 100, delayMs: DAY } });
    for (let i = 0; i < 300; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => agents.send(id, { type: 'accumulator.add', data: { amount: 1 } })));
    }
    await applied(id, 301);
    const mid = await agents.info(id);
    expect(mid.generation).toBeGreaterThanOrEqual(1);
    expect(mid.timers).toBe(1);
    await env.sleep(DAY + 1000);
    await applied(id, 302);
    expect(await agents.state(id)).toEqual({ total: 400, count: 301 });
    expect((await agents.info(id)).timers).toBe(0);
  });

  it('emits to another agent, and spawns one', async () => {
    const a = freshId('emitter');
    const b = freshId('receiver');
    const c = freshId('spawned');
    await agents.startAgent(accumulatorAgent, a);
    await agents.startAgent(accumulatorAgent, b);
    await agents.send(a, { type: 'accumulator.forward', data: { to: b, amount: 9 } });
    await agents.send(a, { type: 'accumulator.spawn', data: { agentId: c, total: 50 } });
    await applied(b, 1);
    expect(await agents.state(b)).toEqual({ total: 9, count: 1 });
    await agents.send(c, { type: 'accumulator.add', data: { amount: 1 } });
    await applied(c, 1);
    expect(await agents.state(c)).toEqual({ total: 51, count: 1 });
    expect(await agents.info(c)).toMatchObject({ kind: 'accumulator', node: 'node-a' });
  });

  it('reports an emit to an agent that does not exist as a dead letter', async () => {
    const a = freshId('lonely');
    await agents.startAgent(accumulatorAgent, a);
    await agents.send(a, { type: 'accumulator.forward', data: { to: 'nobody-here', amount: 1 } });
    for (let i = 0; i < 200 && (await agents.info(a)).deadLetters.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const [letter] = (await agents.info(a)).deadLetters;
    expect(letter).toMatchObject({ code: ErrorCode.AGENT_NOT_FOUND, type: 'accumulator.add' });
    expect(letter?.message).toMatch(/agent\/nobody-here/);
  });

  it('delivers a topic publication to every subscriber', async () => {
    const topic = freshId('news');
    const [pub, s1, s2] = [freshId('pub'), freshId('sub'), freshId('sub')];
    for (const id of [pub, s1, s2]) await agents.startAgent(accumulatorAgent, id);
    await agents.subscribe(topic, s1);
    await agents.subscribe(topic, s2);
    await agents.send(pub, { type: 'accumulator.forward', data: { topic, amount: 3 } });
    await applied(s1, 1);
    await applied(s2, 1);
    expect(await agents.state(s1)).toEqual({ total: 3, count: 1 });
    expect(await agents.state(s2)).toEqual({ total: 3, count: 1 });
  });

  it('runs an activity on the home node queue and stores its result', async () => {
    const id = freshId('probe');
    await agents.startAgent(probeAgent, id, { node: 'node-b' });
    await agents.send(id, { type: 'probe.measure' });
    await applied(id, 2);
    const state = await agents.state<ProbeState>(id);
    expect(state.samples).toHaveLength(1);
    expect(state.samples[0]).toMatchObject({ nodeId: 'node-b', hostedAgents: 1 });
    expect(workers.hosts.get('node-b')?.get(id)).toMatchObject({ kind: 'probe' });
    expect(workers.hosts.get('node-a')?.get(id)).toBeUndefined();
  });

  it('hears that its node is gone when no worker polls the node queue (schedule-to-start timeout)', async () => {
    const id = freshId('orphan');
    await agents.startAgent(probeAgent, id, { node: 'node-dead' });
    await agents.send(id, { type: 'probe.measure' });
    await applied(id, 1);
    // Nobody polls node.node-dead: skip past the mount's (60 s) and the measurement's (30 s) schedule-to-start timeouts.
    await env.sleep(90_000);
    await applied(id, 2);
    const state = await agents.state<ProbeState>(id);
    expect(state).toMatchObject({ samples: [], failures: 1 });
    expect(state.lastError).toMatch(/SCHEDULE_TO_START/);
    const info = await agents.info(id);
    expect(info.status).toBe('running');
    expect(info.deadLetters).toEqual([expect.objectContaining({ code: ErrorCode.NODE_UNAVAILABLE })]);
  }, 180_000); // the test server does not skip time while an activity waits for a worker: 60 s + 30 s real

  it('stops after applying what it accepted and returns its final state', async () => {
    const id = freshId('stop');
    await agents.startAgent(accumulatorAgent, id);
    await agents.send(id, { type: 'accumulator.add', data: { amount: 2 } });
    const result: AgentResult = await agents.stop(id, 'test over');
    expect(result).toMatchObject({ state: { total: 2, count: 1 }, reason: 'test over', info: { status: 'stopped', signalsApplied: 1 } });
    await expect(agents.send(id, { type: 'accumulator.add', data: { amount: 1 } })).rejects.toMatchObject({ code: ErrorCode.AGENT_NOT_FOUND });
  });

  it('ends as cancelled, not stuck, when cancelled with a timer pending', async () => {
    const id = freshId('cancel');
    await agents.startAgent(accumulatorAgent, id);
    await agents.send(id, { type: 'accumulator.add.later', data: { amount: 1, delayMs: DAY } });
    await applied(id, 1);
    await agents.handle(id).cancel();
    let status = 'RUNNING';
    for (let i = 0; i < 200 && status === 'RUNNING'; i++) {
      status = (await agents.handle(id).describe()).status.name;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('CANCELLED');
  });

  it('stops itself through a stop directive', async () => {
    const id = freshId('selfstop');
    await agents.startAgent(accumulatorAgent, id);
    await agents.send(id, { type: 'accumulator.stop', data: { reason: 'done' } });
    const result = (await agents.handle(id).result()) as AgentResult;
    expect(result).toMatchObject({ reason: 'done', info: { status: 'stopped' } });
  });
});
