/**
 * The benchmark's node worker, run as a child process so that its memory can be measured apart from the
 * harness: `createNodeWorker` (the same code as `workers/node.ts`) configured from the environment, with
 * `WORKFLOW_BUNDLE_PATH` pointing at the bench bundle (agent workflows + `bareCounter`).
 *
 * IPC protocol (child side): sends `{ type: 'ready' }` once polling; answers `{ type: 'memory' }` with
 * `{ type: 'memory', usage }` (after a full GC when started with `--expose-gc`); `{ type: 'cpu' }` with
 * `{ type: 'cpu', usage }` (`process.cpuUsage()`: every thread of the process, workflow threads and
 * Temporal core included); `{ type: 'stop' }` shuts the worker down and exits.
 *
 * @module
 */
import { loadNodeConfig } from '../src/infra/config.js';
import { createLogger } from '../src/infra/logger.js';
import { createNodeWorker } from '../workers/node-worker.js';

/** Messages the harness sends to the worker. */
export type WorkerRequest = { type: 'memory' } | { type: 'cpu' } | { type: 'stop' };
/** Messages the worker sends to the harness. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }
  | { type: 'error'; message: string };

function reply(message: WorkerReply): void {
  process.send?.(message);
}

/** Settled memory: collect garbage (twice: weak callbacks free more on the second pass) before reading. */
function settledMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage();
}

async function main(): Promise<void> {
  const config = loadNodeConfig();
  const log = createLogger({ level: config.LOG_LEVEL, base: { node: config.NODE_ID } });
  const node = await createNodeWorker(config, log);
  process.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'memory') reply({ type: 'memory', usage: settledMemory() });
    else if (msg.type === 'cpu') reply({ type: 'cpu', usage: process.cpuUsage() });
    else if (msg.type === 'stop') node.shutdown();
  });
  // The harness going away (crash, SIGKILL) closes the channel: stop rather than linger as an orphan.
  process.on('disconnect', () => node.shutdown());
  if (!process.connected) node.shutdown(); // it went away while the worker was being created
  const running = node.run();
  reply({ type: 'ready' });
  await running;
  process.disconnect?.();
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  reply({ type: 'error', message });
  process.stderr.write(`bench worker: ${message}\n`);
  process.exitCode = 1;
});
