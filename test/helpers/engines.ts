/**
 * The real engines tests run on, and the workers that serve them.
 *
 * - {@link createTimeSkippingEnv}: Temporal's Java time-skipping test server (from Maven Central), one per
 *   test file — time skipping is global to a server, so tests inside a file run serially.
 * - {@link createDevServerEnv}: the Temporal CLI dev server (real server 1.29.1, SQLite in memory), one per
 *   test file, custom search attributes registered, visibility queries available.
 * - {@link startNodeWorkers}: in-process node workers (shared workflow queue + one activity queue per node)
 *   loading the workflow bundle built once by the global setup.
 */
import { Runtime, DefaultLogger, Worker, type NativeConnection } from '@temporalio/worker';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { createActivities, AgentHost, HOSTED_RUNTIMES } from '../../activities/index.js';
import { createControlActivities } from '../../activities/control-activities.js';
import { fencingInterceptor } from '../../activities/host/fencing.js';
import { nodeTaskQueue } from '../../src/agent/agent-id.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/search-attributes.js';
import { searchAttributeArgs } from '../../src/infra/dev-server.js';

try {
  // Keep test output readable: SDK and worker logs at WARN and above.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { forward: {}, filter: 'WARN' } } });
} catch {
  // Already installed in this process (another file): keep it.
}

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * A time-skipping environment on the Java test server, through the SDK's own `createTimeSkipping` with the
 * wrapper as an existing executable. The SDK gives a server it spawns 5 s to answer; a JVM on two busy
 * cores can take longer, so a timed-out start is retried (twice at most).
 *
 * Awaiting `handle.result()` (and so `AgentClient.stop`) unlocks time skipping while it waits: with nothing
 * else pending the server jumps ahead — up to every idle workflow's ten-year default execution timeout.
 * Tests with long-lived agents that must stay alive poll `describe()` instead (test/workflow/failure-detector.test.ts).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { testServer } = inject('tools');
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
      await env.connection.operatorService.addSearchAttributes({
        namespace: 'default',
        searchAttributes: Object.fromEntries(Object.keys(CUSTOM_SEARCH_ATTRIBUTES).map((name) => [name, KEYWORD])),
      });
      return env;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

const { EventType } = temporal.api.enums.v1;
const WORKFLOW_TASK_IN_FLIGHT = new Set<number>([EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
const WORKFLOW_TASK_EVENTS = new Set<number>([
  ...WORKFLOW_TASK_IN_FLIGHT,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/**
 * Waits (in real time) until the workflow's current run has no workflow task scheduled or started, so a
 * query sent next is answered directly instead of being buffered behind a workflow task.
 *
 * Why: on the Java test server (1.38.0), a query that arrives while a workflow task is running is buffered
 * with that task; if the task then completes with continue-as-new, the server tries to schedule one more
 * workflow task on the run it has just closed, `RequestContext.addEvent` throws "workflow execution already
 * completed", and the whole completion is rejected (the worker logs "Task not found when completing"). The
 * new run is started all the same, but the rejected completion never releases the time-skipping lock its
 * workflow task held, and the closed run can no longer time it out: time skipping stays locked for the rest
 * of the server's life, and the next `env.sleep(DAY)` waits a real day. The query itself hangs until its
 * deadline. So: never query an agent that may continue-as-new while one of its workflow tasks is in flight.
 * (The real server does not have this problem.) Only holds while nothing else is sending to the workflow.
 */
export async function workflowTaskIdle(handle: WorkflowHandle, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    let last: number | undefined;
    for (let i = events.length - 1; i >= 0 && last === undefined; i--) {
      const type = events[i]?.eventType ?? 0;
      if (WORKFLOW_TASK_EVENTS.has(type)) last = type;
    }
    if (last === undefined || !WORKFLOW_TASK_IN_FLIGHT.has(last)) return;
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} still has a workflow task in flight after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Something that can read an agent: an AgentClient. */
interface AgentReader {
  handle(agentId: string): WorkflowHandle;
  info(agentId: string): Promise<{ signalsApplied: number }>;
}

/**
 * Waits (in real time) until the agent has applied `n` signals. Queries only between workflow tasks: a
 * query racing a continue-as-new task wedges the Java test server's time skipping (see
 * {@link workflowTaskIdle}); on the dev server the extra history reads are harmless.
 */
export async function waitApplied(agents: AgentReader, agentId: string, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    await workflowTaskIdle(agents.handle(agentId));
    seen = (await agents.info(agentId)).signalsApplied;
    if (seen >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`agent ${agentId} applied ${seen} signals, not ${n}, within ${timeoutMs} ms`);
}

/** Event type names of a workflow run's history, e.g. `EVENT_TYPE_TIMER_STARTED`. */
export async function historyEventTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => String(EventType[e.eventType ?? 0]));
}

/** A dev-server environment (Temporal CLI `server start-dev`), custom search attributes registered. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const { temporal: cli } = inject('tools');
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      extraArgs: searchAttributeArgs(),
    },
  });
}

/** The production workflow bundle built once per run by the global setup. */
export function workflowBundle(): { codePath: string } {
  return { codePath: inject('workflowBundlePath') };
}

/** The test workflow bundle: production workflows plus the test-only `load` kind (test/fixtures/workflows). */
export function testWorkflowBundle(): { codePath: string } {
  return { codePath: inject('testWorkflowBundlePath') };
}

/**
 * Test-only node activities, registered beside the node's own: `neverReturns` does not complete until
 * it is cancelled (the worker shutting down), to hold an agent's run in flight for as long as a test needs.
 */
export const testActivities = {
  async neverReturns(): Promise<never> {
    await Context.current().cancelled;
    throw new Error('unreachable');
  },
};

export interface NodeWorkers {
  /** Task queue of the shared workflow worker. */
  taskQueue: string;
  hosts: Map<string, AgentHost>;
  shutdown(): Promise<void>;
}

/**
 * Starts in-process workers for the given nodes: one workflow worker on a fresh shared queue, and per node
 * one activity worker on `node.<nodeId>` with its own agent host.
 */
export async function startNodeWorkers(
  connection: NativeConnection,
  nodes: readonly string[],
  options: { taskQueue?: string; namespace?: string; maxCachedWorkflows?: number; bundle?: 'test' | 'production'; activitiesOnly?: boolean; client?: Client } = {},
): Promise<NodeWorkers> {
  const taskQueue = options.taskQueue ?? `agents-${randomUUID().slice(0, 8)}`;
  const namespace = options.namespace ?? 'default';
  const hosts = new Map<string, AgentHost>();
  // `activitiesOnly`: nodes joining later, beside a workflow worker this process already runs on the queue.
  const workers: Worker[] = options.activitiesOnly
    ? []
    : [
        await Worker.create({
          connection,
          namespace,
          taskQueue,
          workflowBundle: options.bundle === 'production' ? workflowBundle() : testWorkflowBundle(),
          ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
          // The sagas' control activities, as a node's workflow worker registers them (they need a client).
          ...(options.client !== undefined ? { activities: createControlActivities(options.client) } : {}),
        }),
      ];
  for (const node of nodes) {
    const host = new AgentHost(node, HOSTED_RUNTIMES);
    hosts.set(node, host);
    workers.push(
      await Worker.create({ connection, namespace, taskQueue: nodeTaskQueue(node), activities: { ...createActivities(host), ...testActivities }, shutdownGraceTime: '1s', interceptors: { activity: [fencingInterceptor(host)] } }),
    );
  }
  const running = Promise.all(workers.map((w) => w.run()));
  return {
    taskQueue,
    hosts,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

/** Fresh, readable ids per test. */
export function freshId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
