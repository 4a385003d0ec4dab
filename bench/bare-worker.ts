/**
 * Bare Temporal's side of the membership group's stall comparison, run as a child process: a plain
 * `Worker` with the SDK's default options (sticky schedule-to-start timeout 10 s) on one task queue, running
 * `bareCounter` bundled alone — nothing of the runtime, no cluster. Environment: `TEMPORAL_ADDRESS`,
 * `BARE_TASK_QUEUE`, `WORKFLOW_BUNDLE_PATH`. Says `{ type: 'ready', identity }` once polling (the identity is
 * the SDK's default, `<pid>@<host>`); stops when the harness goes away (the IPC channel closes).
 *
 * @module
 */
import os from 'node:os';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.length === 0) throw new Error(`bare worker: ${name} is required`);
  return value;
}

try {
  // Errors only: the SDK warns that a worker without activities polls no activity queue, which is the point.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { forward: {}, filter: 'ERROR' } } });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({ connection, taskQueue: required('BARE_TASK_QUEUE'), workflowBundle: { codePath: required('WORKFLOW_BUNDLE_PATH') } });
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  process.send?.({ type: 'ready', identity: `${process.pid}@${os.hostname()}` });
  await running;
  await connection.close();
  if (process.connected) process.disconnect();
} catch (err) {
  process.stderr.write(`bare worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
