/**
 * One cluster node: two Temporal workers sharing one connection.
 * - the shared workflow queue (`agents`): any node may run any agent's workflow code (Temporal moves
 *   workflow execution freely; sticky caches keep it warm);
 * - the node's own activity queue (`node.<nodeId>`): everything that must happen on this node — the
 *   node-local agent host, load sampling, an agent's `run` directives — is an activity here.
 *
 * @module
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, AgentHost } from '../activities/index.js';
import { nodeTaskQueue } from '../src/agent/agent-id.js';
import { WORKFLOW_PRELOAD_MODULES } from '../src/infra/bundle.js';
import type { NodeConfig } from '../src/infra/config.js';
import { temporalLogger, type Pino } from '../src/infra/logger.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/** Installs the process-wide Temporal Runtime once: pino as its logger, Prometheus metrics if asked. */
export function installRuntime(log: Pino, metricsPort: number): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: temporalLogger(log),
    telemetryOptions: {
      logging: { forward: {}, filter: 'WARN' },
      ...(metricsPort > 0 ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } : {}),
    },
  });
  runtimeInstalled = true;
}

export interface NodeWorker {
  readonly nodeId: string;
  readonly host: AgentHost;
  /** Resolves when both workers have stopped (after `shutdown()` or SIGINT/SIGTERM). */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createNodeWorker(config: NodeConfig, log: Pino): Promise<NodeWorker> {
  installRuntime(log, config.METRICS_PORT);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const host = new AgentHost(config.NODE_ID);
  const identity = `${config.NODE_ID}@${os.hostname()}:${process.pid}`;
  const shutdownGraceTime = config.SHUTDOWN_GRACE_MS;

  const code: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> = config.WORKFLOW_BUNDLE_PATH
    ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } }
    : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: [...WORKFLOW_PRELOAD_MODULES] } };
  const workflows = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.AGENT_TASK_QUEUE,
    identity,
    shutdownGraceTime,
    ...code,
    ...(config.MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.MAX_CACHED_WORKFLOWS } : {}),
  });
  const activities = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: nodeTaskQueue(config.NODE_ID),
    identity,
    shutdownGraceTime,
    activities: createActivities(host),
  });

  return {
    nodeId: config.NODE_ID,
    host,
    async run() {
      // If one worker fails, stop the other too: a node polls both queues or none.
      const runs = [workflows, activities].map((w) =>
        w.run().catch((err: unknown) => {
          log.error({ node: config.NODE_ID, err }, 'worker failed; shutting the node down');
          for (const other of [workflows, activities]) if (other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      );
      log.info({ node: config.NODE_ID, workflowQueue: config.AGENT_TASK_QUEUE, activityQueue: nodeTaskQueue(config.NODE_ID) }, 'node ready');
      // A parent that spawned us with an IPC channel (npm start, tests) learns readiness whatever the log level.
      process.send?.({ type: 'agent-cluster.node.ready', node: config.NODE_ID });
      try {
        // Both workers must have released the connection before it closes; the first error is rethrown.
        const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        await connection.close();
        log.info({ node: config.NODE_ID }, 'node stopped');
      }
    },
    shutdown() {
      if (workflows.getState() === 'RUNNING') workflows.shutdown();
      if (activities.getState() === 'RUNNING') activities.shutdown();
    },
  };
}
