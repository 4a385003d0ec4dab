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
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { loadAgent } from '../fixtures/workflows/load-agent.js';
import { createDevServerEnv, freshId, startNodeWorkers, type NodeWorkers } from '../helpers/engines.js';

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createDevServerEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a', 'node-b']);
  agents = new AgentClient({ client: env.client, kinds: [accumulatorAgent, probeAgent, loadAgent], taskQueue: workers.taskQueue });
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

  it('shows AgentStatus = stopping while a stopping agent waits for its activity, then stopped', async () => {
    const id = freshId('stopping');
    await agents.startAgent(loadAgent, id, { node: 'node-a' });
    await agents.send(id, { type: 'load.hold', data: { activity: 'neverReturns', startToCloseMs: 4_000 } });
    const stopped = agents.stop(id, 'maintenance');
    const stopping = await eventually(() => list(`AgentStatus = 'stopping' AND ExecutionStatus = 'Running' AND WorkflowId = 'agent/${id}'`), (ids) => ids.length === 1);
    expect(stopping).toEqual([`agent/${id}`]);
    // The activity times out after 4 s; its failure is applied before the agent completes.
    const result = await stopped;
    expect(result).toMatchObject({ reason: 'maintenance', state: { failures: [expect.stringMatching(/START_TO_CLOSE/)] }, info: { status: 'stopped' } });
    expect(await eventually(() => list(`AgentStatus = 'stopped' AND ExecutionStatus = 'Completed' AND WorkflowId = 'agent/${id}'`), (ids) => ids.length === 1)).toHaveLength(1);
  });

  it('finds a terminated agent by ExecutionStatus, and not among live agents (AgentStatus alone still says running)', async () => {
    const id = freshId('killed');
    await agents.startAgent(accumulatorAgent, id, { node: 'node-a' });
    await agents.handle(id).terminate('test');
    const workflowId = `agent/${id}`;
    // The README's query for lost agents.
    const lost = `AgentKind = 'accumulator' AND ExecutionStatus IN ('Terminated', 'Failed', 'TimedOut') AND WorkflowId = '${workflowId}'`;
    expect(await eventually(() => list(lost), (ids) => ids.length === 1)).toEqual([workflowId]);
    expect(await list(`AgentStatus = 'running' AND ExecutionStatus = 'Running' AND WorkflowId = '${workflowId}'`)).toEqual([]);
    expect(await list(`AgentStatus = 'running' AND WorkflowId = '${workflowId}'`)).toEqual([workflowId]);
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

describe('Temporal limits surface as typed errors', () => {
  it('refuses an 11th call in flight with CALL_LIMIT (retryable), not a raw gRPC error', async () => {
    // An agent whose workflow no worker runs: its calls stay in flight. A client without the SDK's ~40 s of
    // RESOURCE_EXHAUSTED retries shows the limit at once.
    const connection = await Connection.connect({
      address: env.address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
    });
    try {
      const stuck = new AgentClient({ client: new Client({ connection }), kinds: [accumulatorAgent], taskQueue: `nobody-${freshId('q')}` });
      const id = freshId('busy');
      await stuck.startAgent(accumulatorAgent, id, { node: 'node-a' });
      const calls = Array.from({ length: 12 }, () => stuck.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 }).then(() => 'ok', (err: unknown) => err));
      const first = await Promise.race(calls);
      expect(first).toMatchObject({ code: ErrorCode.CALL_LIMIT, terminal: false, message: expect.stringMatching(/10 calls in flight/) });
      await new Promise((r) => setTimeout(r, 500)); // the 12th is refused just after the 11th
      await stuck.handle(id).terminate('test over');
      const codes = (await Promise.all(calls)).map((o) => (o as { code?: string }).code ?? String(o));
      // At least 2 of 12 were refused at the limit; the rest were in flight when the workflow was terminated.
      expect(codes.filter((c) => c === ErrorCode.CALL_LIMIT).length).toBeGreaterThanOrEqual(2);
      expect(codes.filter((c) => c !== ErrorCode.CALL_LIMIT)).toEqual(codes.filter((c) => c !== ErrorCode.CALL_LIMIT).map(() => ErrorCode.AGENT_NOT_FOUND));
    } finally {
      await connection.close();
    }
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

  it('refuses a start without a home node when no load balancer can place it', async () => {
    const id = freshId('nonode');
    // No node given, no defaultNode: automatic placement, and this server runs no cluster agents.
    await expect(agents.startAgent(accumulatorAgent, id)).rejects.toMatchObject({ code: ErrorCode.NO_NODE_FITS, message: expect.stringMatching(/load balancer .* does not answer/) });
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
