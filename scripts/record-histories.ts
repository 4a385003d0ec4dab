/**
 * Records workflow histories for the replay tests (test/replay/). Runs each scenario on a fresh dev
 * server with in-process workers and writes `test/replay/histories/<name>.json` in Temporal's JSON
 * history format (the same the Web UI and `temporal workflow show --output json` export).
 *
 *     node --import tsx scripts/record-histories.ts [OUT_DIR]
 *
 * Re-record only on purpose: a history recorded by older code that no longer replays means a change
 * broke running agents (use workflow versioning/patching instead of re-recording to hide it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities, AgentHost } from '../activities/index.js';
import { nodeTaskQueue } from '../src/agent/agent-id.js';
import { accumulatorAgent, probeAgent, type ProbeState } from '../src/examples/index.js';
import { AgentClient } from '../src/client/agent-client.js';
import { startDevServer } from '../src/infra/dev-server.js';
import { waitFor } from '../src/infra/wait.js';
import { WORKFLOWS_PATH } from '../workers/node-worker.js';

const OUT = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '../test/replay/histories');

const server = await startDevServer({ port: 0, uiPort: false });
try {
  const native = await NativeConnection.connect({ address: server.address });
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const workers = [
    await Worker.create({ connection: native, taskQueue: 'agents', workflowBundle: bundle }),
    await Worker.create({ connection: native, taskQueue: nodeTaskQueue('node-a'), activities: createActivities(new AgentHost('node-a')) }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const agents = new AgentClient({ client, kinds: [accumulatorAgent, probeAgent], defaultNode: 'node-a' });

  // accumulator: signals, a batch, a duplicate, dead letters, a call, a timer, an emit, a spawn, continue-as-new, stop.
  const { runId: firstRun } = await agents.startAgent(accumulatorAgent, 'replay-acc', { limits: { maxHistoryEvents: 100 } });
  await agents.startAgent(accumulatorAgent, 'replay-peer');
  const dup = await agents.send('replay-acc', { type: 'accumulator.add', data: { amount: 1 } });
  await agents.send('replay-acc', { type: 'accumulator.add', data: { amount: 1 }, id: dup });
  await agents.sendBatch('replay-acc', [2, 3].map((amount) => ({ type: 'accumulator.add', data: { amount } })));
  await agents.send('replay-acc', { type: 'accumulator.add', data: { amount: 'bad' } });
  await agents.call(accumulatorAgent, 'replay-acc', 'accumulator.add', { amount: 4 });
  await agents.send('replay-acc', { type: 'accumulator.add.later', data: { amount: 5, delayMs: 500 } });
  await agents.send('replay-acc', { type: 'accumulator.forward', data: { to: 'replay-peer', amount: 6 } });
  await agents.send('replay-acc', { type: 'accumulator.spawn', data: { agentId: 'replay-child' } });
  for (let i = 0; i < 60; i++) await agents.send('replay-acc', { type: 'accumulator.add', data: { amount: 1 } });
  await waitFor(async () => (await agents.info('replay-acc')).signalsApplied >= 67, { what: 'the recorded agents' });
  const acc = agents.handle('replay-acc');
  await agents.stop('replay-acc', 'recorded');
  // probe: a run directive (activity on the node queue) and the hosted mount/unmount. Its node's worker
  // comes up only after the measure was accepted, so the run waits for the mount (patched path).
  await agents.startAgent(probeAgent, 'replay-probe', { node: 'node-b' });
  await agents.send('replay-probe', { type: 'probe.measure' });
  await waitFor(async () => (await agents.info('replay-probe')).signalsApplied >= 1, { what: 'the recorded agents' });
  const nodeB = await Worker.create({ connection: native, taskQueue: nodeTaskQueue('node-b'), activities: createActivities(new AgentHost('node-b')) });
  workers.push(nodeB);
  const runningB = nodeB.run();
  await waitFor(async () => (await agents.state<ProbeState>('replay-probe')).samples.length > 0, { what: 'the recorded agents' });
  await agents.stop('replay-probe');

  const histories = {
    'accumulator-first-run': await client.workflow.getHandle('agent/replay-acc', firstRun).fetchHistory(),
    'accumulator-last-run': await acc.fetchHistory(),
    'probe': await agents.handle('replay-probe').fetchHistory(),
  };
  mkdirSync(OUT, { recursive: true });
  for (const [name, history] of Object.entries(histories)) {
    writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
    process.stdout.write(`recorded ${name}: ${history.events?.length} events\n`);
  }
  for (const w of workers) w.shutdown();
  await Promise.all([running, runningB]);
} finally {
  await server.stop();
}
