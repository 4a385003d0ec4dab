/**
 * Entry point of one cluster node: `NODE_ID=node-a node --import tsx workers/node.ts`.
 * Configuration comes from the environment (src/infra/config.ts). SIGINT/SIGTERM shut it down gracefully:
 * the node leaves the cluster (workers/member.ts), then pollers stop and in-flight tasks get
 * `SHUTDOWN_GRACE_MS` to finish.
 *
 * @module
 */
import { loadNodeConfig } from '../src/infra/config.js';
import { isAgentClusterError } from '../src/errors.js';
import { createLogger } from '../src/infra/logger.js';
import { createNodeWorker } from './node-worker.js';

try {
  const config = loadNodeConfig();
  const log = createLogger({ level: config.LOG_LEVEL, base: { node: config.NODE_ID } });
  const node = await createNodeWorker(config, log);
  // Spawned with an IPC channel (npm start, tests, bench): a parent that goes away, even by SIGKILL,
  // closes the channel, and the node shuts down instead of lingering as an orphan.
  if (process.send !== undefined) {
    process.on('disconnect', () => node.shutdown());
    if (!process.connected) node.shutdown();
  }
  // SIGINT/SIGTERM: leave the cluster (a leave, not a failure), then stop. A second signal stops at once.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return node.shutdown();
      stopping = true;
      void node.stop(`${sig}`).catch(() => node.shutdown());
    });
  }
  await node.run();
  // The listener above keeps the IPC channel referenced: close it, or the process would outlive its workers.
  if (process.connected) process.disconnect();
} catch (err) {
  if (isAgentClusterError(err)) {
    process.stderr.write(`agent-cluster node: ${err.message}\n`);
  } else {
    process.stderr.write(`agent-cluster node: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exitCode = 1;
}
