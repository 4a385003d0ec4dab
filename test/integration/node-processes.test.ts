/**
 * Real cluster nodes: each node worker is its own OS process (`workers/node.ts`), as deployed. Agents are
 * started and signalled through the client; an agent's activities run in the process of its home node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { accumulatorAgent, probeAgent, type ProbeState } from '../../src/examples/index.js';
import { AgentClient } from '../../src/client/agent-client.js';
import { spawnNodeProcess, type NodeProcess } from '../../src/infra/node-process.js';
import { waitFor } from '../../src/infra/wait.js';
import { freePort } from '../../src/infra/tools/port.js';
import { createDevServerEnv, freshId, workflowBundle } from '../helpers/engines.js';

let env: TestWorkflowEnvironment;
let nodes: NodeProcess[] = [];
let agents: AgentClient;
const taskQueue = freshId('agents');

beforeAll(async () => {
  env = await createDevServerEnv();
  const common = { address: env.address, taskQueue, workflowBundlePath: workflowBundle().codePath, logLevel: 'warn' };
  nodes = await Promise.all(['node-a', 'node-b'].map((nodeId) => spawnNodeProcess({ ...common, nodeId })));
  agents = new AgentClient({ client: env.client, kinds: [accumulatorAgent, probeAgent], taskQueue });
});

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await env?.teardown();
});

const until = (check: () => Promise<boolean>): Promise<void> => waitFor(check, { what: 'the agents', intervalMs: 200 });

describe('cluster nodes as processes', () => {
  it('serves agents started through the client and keeps their state', async () => {
    const [a, b] = [freshId('acc'), freshId('acc')];
    await agents.startAgent(accumulatorAgent, a, { node: 'node-a' });
    await agents.startAgent(accumulatorAgent, b, { node: 'node-b' });
    await agents.sendBatch(a, [1, 2, 3].map((amount) => ({ type: 'accumulator.add', data: { amount } })));
    await agents.send(a, { type: 'accumulator.forward', data: { to: b, amount: 10 } });
    expect(await agents.call(accumulatorAgent, b, 'accumulator.add', { amount: 1 })).toBeGreaterThanOrEqual(1);
    await until(async () => (await agents.info(b)).signalsApplied === 2);
    expect(await agents.state(a)).toEqual({ total: 6, count: 3 });
    expect(await agents.state(b)).toEqual({ total: 11, count: 2 });
  });

  it('runs an agent’s activity in the process of its home node', async () => {
    const probes = await Promise.all(nodes.map((n) => agents.startAgent(probeAgent, freshId(`probe-${n.nodeId}`), { node: n.nodeId })));
    for (const p of probes) await agents.send(p.agentId, { type: 'probe.measure' });
    for (const p of probes) await until(async () => (await agents.state<ProbeState>(p.agentId)).samples.length > 0);
    for (const p of probes) {
      const [sample] = (await agents.state<ProbeState>(p.agentId)).samples;
      expect(sample?.nodeId).toBe(p.node);
      expect(sample?.hostedAgents).toBeGreaterThanOrEqual(1);
    }
  });

  it('exports Temporal Runtime metrics for Prometheus and logs as structured JSON with its node id', async () => {
    const metricsPort = await freePort();
    const logs: string[] = [];
    const extra = await spawnNodeProcess({ nodeId: 'node-c', address: env.address, taskQueue, workflowBundlePath: workflowBundle().codePath, metricsPort, onLog: (l) => logs.push(l) });
    try {
      const probe = await agents.startAgent(probeAgent, freshId('probe-c'), { node: 'node-c' });
      await agents.send(probe.agentId, { type: 'probe.measure' });
      await until(async () => (await agents.state<ProbeState>(probe.agentId)).samples.length > 0);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^temporal_\w+/m);
      expect(metrics).toContain('task_queue="node.node-c"');
      const ready = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'node ready');
      expect(ready).toMatchObject({ node: 'node-c', activityQueue: 'node.node-c' });
    } finally {
      expect(await extra.stop()).toBe(0); // graceful shutdown on SIGTERM
    }
  });
});
