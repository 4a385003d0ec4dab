/**
 * The agent runtime on Temporal's real dev server (Temporal CLI 1.5.1, server 1.29.1): visibility queries
 * on the custom search attributes, exact history behaviour of rejected updates, and bad input refused by
 * the client before anything is started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { accumulatorAgent, probeAgent } from '../../src/examples/index.js';
import { MAX_AGENT_ID_BYTES } from '../../src/agent/agent-id.js';
import { ErrorCode } from '../../src/errors.js';
import { AgentClient, TEMPORAL_PAYLOAD_LIMIT_BYTES } from '../../src/client/agent-client.js';
import { parseSignalJson } from '../../src/signal/index.js';
import { createDevServerEnv, freshId, startNodeWorkers, type NodeWorkers } from '../helpers/engines.js';

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createDevServerEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a', 'node-b']);
  agents = new AgentClient({ client: env.client, kinds: [accumulatorAgent, probeAgent], taskQueue: workers.taskQueue });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function list(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of env.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids.sort();
}

async function notStarted(agentId: string): Promise<void> {
  await expect(agents.handle(agentId).describe()).rejects.toThrow(/not found/i);
}

describe('dev server engine', () => {
  it('finds agents by a visibility query on the custom search attributes', async () => {
    const [a, b] = [freshId('vis'), freshId('vis')];
    await agents.startAgent(accumulatorAgent, a, { node: 'node-a' });
    await agents.startAgent(accumulatorAgent, b, { node: 'node-b' });
    const query = `AgentKind = 'accumulator' AND AgentNode = 'node-b' AND AgentStatus = 'running' AND WorkflowId STARTS_WITH 'agent/vis-'`;
    const found = await eventually(() => list(query), (ids) => ids.includes(`agent/${b}`));
    expect(found).toEqual([`agent/${b}`]);
  });

  it('marks a stopped agent with AgentStatus = stopped', async () => {
    const id = freshId('stopvis');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-a' });
    await agents.stop(id, 'done');
    const found = await eventually(() => list(`AgentStatus = 'stopped' AND WorkflowId = 'agent/${id}'`), (ids) => ids.length === 1);
    expect(found).toEqual([`agent/${id}`]);
  });
});

describe('agent runtime on the dev server', () => {
  it('rejects a bad jido.call without writing a single history event', async () => {
    const id = freshId('reject');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-a' });
    expect(await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 2 })).toBe(2);
    const before = (await agents.handle(id).fetchHistory()).events?.length;
    await expect(agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 'two' as never })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMS });
    await expect(agents.call(id, { type: 'accumulator.missing' })).rejects.toMatchObject({ code: ErrorCode.NO_ROUTE });
    const after = (await agents.handle(id).fetchHistory()).events?.length;
    expect(after).toBe(before);
    expect(await agents.state(id)).toEqual({ total: 2, count: 1 });
  });

  it('runs the probe activity on its home node and keeps the sample', async () => {
    const id = freshId('probe');
    await agents.startAgent(probeAgent, id, { node: 'node-b' });
    await agents.send(id, { type: 'probe.measure' });
    const state = await eventually(() => agents.state<{ samples: Array<{ nodeId: string }> }>(id), (s) => s.samples.length === 1);
    expect(state.samples[0]?.nodeId).toBe('node-b');
  });
});

describe('bad input is refused before anything starts or changes', () => {
  it('names an unknown kind', async () => {
    const id = freshId('unknown');
    await expect(agents.startAgent('wizard', id, { node: 'node-a' })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_KIND, message: expect.stringMatching(/"wizard".*accumulator, probe/) });
    await notStarted(id);
  });

  it('refuses an id over Temporal’s length limit', async () => {
    const id = 'x'.repeat(MAX_AGENT_ID_BYTES + 1);
    await expect(agents.startAgent(accumulatorAgent, id, { node: 'node-a' })).rejects.toMatchObject({ code: ErrorCode.INVALID_AGENT_ID, message: expect.stringMatching(/over the limit/) });
  });

  it('refuses an initial state that fails the schema', async () => {
    const id = freshId('badstate');
    await expect(agents.startAgent(accumulatorAgent, id, { node: 'node-a', state: { total: 'lots', count: 0 } as never })).rejects.toMatchObject({
      code: ErrorCode.INVALID_STATE,
      message: expect.stringMatching(/total/),
    });
    await notStarted(id);
  });

  it('refuses a start without a home node', async () => {
    const id = freshId('nonode');
    await expect(agents.startAgent(accumulatorAgent, id)).rejects.toMatchObject({ code: ErrorCode.INVALID_CONFIG });
    await notStarted(id);
  });

  it('refuses malformed signals and oversized payloads, leaving the agent unchanged', async () => {
    const id = freshId('badsig');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-a' });
    expect(() => parseSignalJson('{"type": "accumulator.add", ')).toThrow(/malformed JSON/);
    await expect(agents.send(id, '{"type": "accumulator.add", ')).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/malformed JSON/) });
    await expect(agents.send(id, '{"type": "accumulator.add", "source": "/x"}')).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/specversion|id/) });
    await expect(agents.send(id, { type: 'Accumulator.Add' })).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/"type"/) });
    await expect(agents.send(id, { type: 'accumulator.add', specversion: '1.0' } as never)).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/specversion/) });
    await expect(agents.send(id, { type: 'accumulator.add', data: '' })).rejects.toMatchObject({ code: ErrorCode.INVALID_SIGNAL, message: expect.stringMatching(/data/) });
    await expect(agents.send(id, { type: 'accumulator.add', data: { blob: 'x'.repeat(TEMPORAL_PAYLOAD_LIMIT_BYTES) } })).rejects.toMatchObject({ code: ErrorCode.PAYLOAD_TOO_LARGE });
    await expect(agents.send(freshId('ghost'), { type: 'accumulator.add', data: { amount: 1 } })).rejects.toMatchObject({ code: ErrorCode.AGENT_NOT_FOUND });
    const info = await agents.info(id);
    expect(info).toMatchObject({ signalsApplied: 0, deadLetters: [], inbox: 0 });
    expect((await agents.handle(id).fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes)).toEqual([]);
  });
});
