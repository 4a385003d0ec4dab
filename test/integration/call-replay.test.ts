/**
 * Replay of calls whose actions emit (README "Known issue": "Update machine does not handle this event").
 *
 * What this reproduces, deterministically: a `jido.call` refused by the update validator reaches the worker
 * in a *speculative* workflow task that the server then throws away (a task carrying only refusals is never
 * written to history). The worker still ran that activation, with that task's own `historyLength`; the
 * runtime's wake condition reads `workflowInfo()` (RunBudget.usage), so when that phantom task is the first
 * to reach `maxHistoryEvents` the cached run starts draining for continue-as-new there and holds the emit of
 * the next call. A replay (a worker with an empty cache after a `kill -9`, or `runReplayHistory`) never sees
 * the phantom task, decides only after applying that call, sends its emit, and fails with
 * "Signal external WF machine does not handle this event: … WorkflowExecutionUpdateCompleted".
 *
 * What it does not reproduce: the exact message seen in the bench ("Update machine does not handle this event:
 * SignalExternalWorkflowExecutionInitiated", the mirror image) — that history was lost. A random stream of
 * 3 × 60 emitting calls + refused calls + signals with a low `maxHistoryEvents` hit the same family of error
 * about one run in four; without refused calls (or with `maxCachedWorkflows: 0`) nothing failed.
 *
 * Fixed (workflows/agent/continue-as-new.ts, `RunBudget.observe`, behind `patched('run-limits-observed')`):
 * the run decides from the history figures as of the last thing recorded in history (a message handled, an
 * effect settled, a delivery), never from a task that may be thrown away. Before the fix this test failed at
 * both replays below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { AgentClient } from '../../src/client/agent-client.js';
import { loadAgent } from '../fixtures/workflows/load-agent.js';
import { createDevServerEnv, freshId, startNodeWorkers, testWorkflowBundle, waitApplied, workflowTaskIdle, type NodeWorkers } from '../helpers/engines.js';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const MAX_HISTORY_EVENTS = 100; // the smallest allowed, so the test reaches it in a few dozen signals

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createDevServerEnv();
  workers = await startNodeWorkers(env.nativeConnection, ['node-a']);
  agents = new AgentClient({ client: env.client, kinds: [loadAgent], taskQueue: workers.taskQueue });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

describe('a refused call in a discarded speculative workflow task', () => {
  it('crossing maxHistoryEvents there changes nothing the run decides: the next emitting call replays', async () => {
    const src = freshId('src');
    const sink = freshId('sink');
    await agents.startAgent(loadAgent, src, { node: 'node-a', limits: { maxHistoryEvents: MAX_HISTORY_EVENTS } });
    await agents.startAgent(loadAgent, sink, { node: 'node-a' });
    const handle = agents.handle(src);
    // An activity that never returns keeps a soft continue-as-new waiting (the run drains, holding effects).
    await agents.send(src, { type: 'load.hold', data: { activity: 'neverReturns', startToCloseMs: 60_000 } });
    const events = async (): Promise<temporal.api.history.v1.IHistoryEvent[]> => {
      await workflowTaskIdle(handle);
      return (await handle.fetchHistory()).events ?? [];
    };
    const lastStarted = (evs: temporal.api.history.v1.IHistoryEvent[]): number =>
      Number([...evs].reverse().find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)?.eventId ?? 0);

    // Grow the history to L in [MAX-2, MAX] events: a signal adds 4 events, a call 5. The last recorded
    // workflow task then started below MAX, and a speculative task (L+1, L+2) starts at MAX or above.
    for (let L = (await events()).length; L < MAX_HISTORY_EVENTS - 2; L = (await events()).length) {
      if (L + 4 === MAX_HISTORY_EVENTS - 3) await agents.call(loadAgent, src, 'load.add', { amount: 1 });
      else await agents.send(src, { type: 'load.add', data: { amount: 1 } });
    }
    const before = await events();
    expect(lastStarted(before)).toBeLessThan(MAX_HISTORY_EVENTS);

    // Refused by the validator (params fail the schema): nothing is written, the speculative task vanishes…
    await expect(agents.call(src, { type: 'load.add', data: { amount: 'not a number' } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect((await events()).length).toBe(before.length);
    // …but the cached run saw it: its last activation is one the history does not have.
    expect((await agents.info(src)).run.historyLength).toBeGreaterThanOrEqual(MAX_HISTORY_EVENTS);

    // A call whose action emits: the cached run decides as a replay will (before the fix it held the emit,
    // having decided to drain in the phantom task).
    await agents.call(loadAgent, src, 'load.fanout', { to: { ids: [sink] }, amount: 1 });
    expect((await agents.info(src)).queuedEffects).toBe(0);
    await workflowTaskIdle(handle);
    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: testWorkflowBundle() }, history, src)).resolves.toBeUndefined();

    // The real thing: the worker goes away, a fresh one (empty cache) takes the next task and replays.
    await workers.shutdown();
    workers = await startNodeWorkers(env.nativeConnection, ['node-a'], { taskQueue: workers.taskQueue });
    const applied = (await agents.info(src)).signalsApplied;
    await agents.send(src, { type: 'load.add', data: { amount: 1 } });
    await waitApplied(agents, src, applied + 1);
    const failed = ((await handle.fetchHistory()).events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed.map((e) => e.workflowTaskFailedEventAttributes?.cause)).not.toContain(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
  });
});
