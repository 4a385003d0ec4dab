/**
 * Bare Temporal's side of the membership group's stall comparison and of the migration group, run as a
 * child process: a plain `Worker` with the SDK's default options (sticky schedule-to-start timeout 10 s) on
 * one task queue, running the bare workflows (bench/bare-workflows.ts) bundled alone — nothing of the
 * runtime, no cluster. With `BARE_ACTIVITY_QUEUE` it is also a bare *node*: a second, activity-only worker
 * on that queue runs the one trivial activity `bareNodeStep`, as a cluster node runs its host activities
 * on `node.<id>`. Environment: `TEMPORAL_ADDRESS`, `BARE_TASK_QUEUE`, `WORKFLOW_BUNDLE_PATH`, optional
 * `BARE_ACTIVITY_QUEUE`. Says `{ type: 'ready', identity }` once polling (the identity is the SDK's
 * default, `<pid>@<host>`); stops when the harness goes away (the IPC channel closes).
 *
 * @module
 */
import os from 'node:os';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BareNodeActivities } from './bare-messages.js';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.length === 0) throw new Error(`bare worker: ${name} is required`);
  return value;
}

/** The bare node's one activity: trivial, it answers which step ran on which queue. */
function bareNodeActivities(queue: string): BareNodeActivities {
  return {
    async bareNodeStep(input) {
      return { step: String(input?.step ?? ''), queue };
    },
  };
}

try {
  // Errors only: the SDK warns that a worker without activities polls no activity queue, which is the point.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { forward: {}, filter: 'ERROR' } } });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const workers = [await Worker.create({ connection, taskQueue: required('BARE_TASK_QUEUE'), workflowBundle: { codePath: required('WORKFLOW_BUNDLE_PATH') } })];
  const activityQueue = process.env.BARE_ACTIVITY_QUEUE;
  if (activityQueue !== undefined && activityQueue.length > 0) {
    workers.push(await Worker.create({ connection, taskQueue: activityQueue, activities: bareNodeActivities(activityQueue) }));
  }
  process.on('disconnect', () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = Promise.all(workers.map((w) => w.run()));
  process.send?.({ type: 'ready', identity: `${process.pid}@${os.hostname()}` });
  await running;
  await connection.close();
  if (process.connected) process.disconnect();
} catch (err) {
  process.stderr.write(`bare worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
