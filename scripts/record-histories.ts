/**
 * Records workflow histories for the replay tests (test/replay/). Runs each scenario on a fresh dev
 * server with in-process workers and writes `test/replay/histories/<name>.json` in Temporal's JSON
 * history format (the same the Web UI and `temporal workflow show --output json` export).
 *
 *     node --import tsx scripts/record-histories.ts [OUT_DIR]
 *
 * Histories are evidence that running agents still replay: never re-record one to make a failing replay
 * pass (use workflow versioning, `patched()`, instead). Each runtime version records under its own
 * names: `accumulator-*.json`, `probe*.json` were recorded by the runtime before `runtime-v2`, and
 * `topic-before-v2.json` by the topic before `topic-v2` (100 subscribers, two publications: every send of
 * a publication in one task); they are kept as they are. This script writes the `v2-*` ones.
 *
 * `v2-call-accepted-by-older-validator` is derived from `v2-call-across-runs`: its first call's envelope is
 * rewritten to one today's parser refuses (`specversion` "1.0"), as if an older validator had accepted it.
 * Handlers must apply what was accepted, because Temporal does not run validators on replay.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createActivities, AgentHost } from '../activities/index.js';
import { nodeTaskQueue } from '../src/agent/agent-id.js';
import { accumulatorAgent, probeAgent, type ProbeState } from '../src/examples/index.js';
import { AgentClient } from '../src/client/agent-client.js';
import { WORKFLOW_PRELOAD_MODULES } from '../src/infra/bundle.js';
import { startDevServer } from '../src/infra/dev-server.js';
import { waitFor } from '../src/infra/wait.js';
import { createSignal } from '../src/signal/index.js';
import { loadAgent } from '../test/fixtures/workflows/load-agent.js';

const OUT = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '../test/replay/histories');
const TEST_WORKFLOWS = path.resolve(import.meta.dirname, '../test/fixtures/workflows/index.ts');

type History = temporal.api.history.v1.IHistory;

/** Every run of an agent, oldest first, by walking back the continued-as-new chain from the latest. */
async function allRuns(client: Client, workflowId: string): Promise<History[]> {
  const runs: History[] = [];
  let handle: WorkflowHandle = client.workflow.getHandle(workflowId);
  for (;;) {
    const history = await handle.fetchHistory();
    runs.unshift(history);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return runs;
    handle = client.workflow.getHandle(workflowId, previous);
  }
}

/** The history as JSON, its first accepted call's signal rewritten by `edit` (see the module comment). */
function editFirstCall(history: History, edit: (signal: Record<string, unknown>) => void): string {
  const copy = JSON.parse(historyToJSON(history)) as { events: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const accepted = copy.events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
  const payload = accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0];
  if (payload === undefined) throw new Error('no accepted call to edit');
  const signal = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
  edit(signal);
  payload.data = Buffer.from(JSON.stringify(signal)).toString('base64');
  return JSON.stringify(copy, null, 2);
}

const server = await startDevServer({ port: 0, uiPort: false });
try {
  const native = await NativeConnection.connect({ address: server.address });
  const bundle = await bundleWorkflowCode({ workflowsPath: TEST_WORKFLOWS, preloadModules: [...WORKFLOW_PRELOAD_MODULES] });
  const neverReturns = async (): Promise<never> => {
    await Context.current().cancelled;
    throw new Error('unreachable');
  };
  const workers = [
    await Worker.create({ connection: native, taskQueue: 'agents', workflowBundle: bundle }),
    await Worker.create({
      connection: native,
      taskQueue: nodeTaskQueue('node-a'),
      activities: { ...createActivities(new AgentHost('node-a')), neverReturns },
      shutdownGraceTime: '1s',
    }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const agents = new AgentClient({ client, kinds: [accumulatorAgent, probeAgent, loadAgent], defaultNode: 'node-a', coalesce: false });
  const applied = (id: string, n: number) => waitFor(async () => (await agents.info(id)).signalsApplied >= n, { what: `${id} to apply ${n} signals` });
  const histories: Record<string, History | string> = {};

  // accumulator: signals, a batch, a duplicate, dead letters, a call, a timer, emits (coalesced), a spawn,
  // continue-as-new with the timer carried as data, stop (the stopping status, the timer dropped).
  await agents.startAgent(accumulatorAgent, 'v2-acc', { limits: { maxHistoryEvents: 100 } });
  await agents.startAgent(accumulatorAgent, 'v2-peer');
  const dup = await agents.send('v2-acc', { type: 'accumulator.add', data: { amount: 1 } });
  await agents.send('v2-acc', { type: 'accumulator.add', data: { amount: 1 }, id: dup });
  await agents.sendBatch('v2-acc', [2, 3].map((amount) => ({ type: 'accumulator.add', data: { amount } })));
  await agents.send('v2-acc', { type: 'accumulator.add', data: { amount: 'bad' } });
  await agents.call(accumulatorAgent, 'v2-acc', 'accumulator.add', { amount: 4 });
  await agents.send('v2-acc', { type: 'accumulator.add.later', data: { amount: 5, delayMs: 60 * 60_000 } });
  await agents.sendBatch('v2-acc', [6, 7].map((amount) => ({ type: 'accumulator.forward', data: { to: 'v2-peer', amount } })));
  await agents.send('v2-acc', { type: 'accumulator.spawn', data: { agentId: 'v2-child' } });
  for (let i = 0; i < 60; i++) await agents.send('v2-acc', { type: 'accumulator.add', data: { amount: 1 } });
  await applied('v2-acc', 68);
  await agents.stop('v2-acc', 'recorded');
  const acc = await allRuns(client, 'agent/v2-acc');
  histories['v2-accumulator-first-run'] = acc[0] as History;
  histories['v2-accumulator-last-run'] = acc[acc.length - 1] as History;

  // probe: hosted mount, a run on the node queue, stop and unmount.
  await agents.startAgent(probeAgent, 'v2-probe', { node: 'node-a' });
  await agents.send('v2-probe', { type: 'probe.measure' });
  await waitFor(async () => (await agents.state<ProbeState>('v2-probe')).samples.length > 0, { what: 'the probe sample' });
  await agents.stop('v2-probe');
  histories['v2-probe'] = (await allRuns(client, 'agent/v2-probe'))[0] as History;

  // load: the hard ceiling — continue-as-new with an activity in flight, dispatched again in the next run.
  await agents.startAgent(loadAgent, 'v2-ceiling', { limits: { maxHistoryEvents: 100, historyCeiling: 600 } });
  await agents.send('v2-ceiling', { type: 'load.hold', data: { activity: 'neverReturns', startToCloseMs: 10 * 60_000 } });
  let sent = 1;
  while ((await agents.info('v2-ceiling')).generation === 0 && sent < 3_000) {
    await agents.sendBatch('v2-ceiling', Array.from({ length: 10 }, () => ({ type: 'load.add', data: { amount: 1 } })));
    await agents.send('v2-ceiling', { type: 'load.add', data: { amount: 0 } });
    sent += 11;
    await applied('v2-ceiling', sent);
  }
  const ceiling = await allRuns(client, 'agent/v2-ceiling');
  if (ceiling.length < 2) throw new Error('v2-ceiling did not continue-as-new');
  histories['v2-load-hard-ceiling'] = ceiling[0] as History;
  histories['v2-load-after-ceiling'] = ceiling[1] as History;

  // load: a call that sets a timer, continue-as-new, the same call again (answered from the results
  // window, no second timer). The timer makes the call visible in the commands, so a handler that
  // refused the edited envelope on replay would be caught as non-determinism.
  await agents.startAgent(loadAgent, 'v2-calls', { limits: { maxHistoryEvents: 100 } });
  const call = createSignal('load.timers', { n: 1, delayMs: 60 * 60_000, spreadMs: 0, groups: 1, amount: 5 }, { source: '/record' });
  await agents.call('v2-calls', call);
  for (let i = 0; (await agents.info('v2-calls')).generation === 0; i++) await agents.send('v2-calls', { type: 'load.add', data: { amount: 0 } });
  await agents.handle('v2-calls').executeUpdate('jido.call', { args: [call], updateId: `again-${call.id}` });
  const calls = await allRuns(client, 'agent/v2-calls');
  histories['v2-call-across-runs'] = calls[1] as History;
  histories['v2-call-accepted-by-older-validator'] = editFirstCall(calls[0] as History, (signal) => {
    signal.specversion = '1.0';
  });

  // topic: bounded fan-out (64 sends in flight) of two publications to 100 subscribers, subscribed in one request.
  const subscribers = Array.from({ length: 100 }, (_, i) => `v2-topic-sub-${i}`);
  for (const id of subscribers) await agents.startAgent(accumulatorAgent, id);
  await agents.subscribe('v2-news', subscribers);
  await agents.sendBatch('v2-peer', [1, 2].map((amount) => ({ type: 'accumulator.forward', data: { topic: 'v2-news', amount } })));
  await waitFor(async () => (await Promise.all(subscribers.map((id) => agents.state<{ count: number }>(id)))).every((s) => s.count === 2), { what: 'the topic deliveries' });
  histories['v2-topic'] = await client.workflow.getHandle('topic/v2-news').fetchHistory();

  mkdirSync(OUT, { recursive: true });
  for (const [name, history] of Object.entries(histories)) {
    writeFileSync(path.join(OUT, `${name}.json`), typeof history === 'string' ? history : historyToJSON(history));
    process.stdout.write(`recorded ${name}\n`);
  }
  for (const w of workers) w.shutdown();
  await running;
} finally {
  await server.stop();
}
