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
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, AgentHost, HOSTED_RUNTIMES } from '../activities/index.js';
import { createControlActivities } from '../activities/control-activities.js';
import { fencingInterceptor } from '../activities/host/fencing.js';
import { nodeTaskQueue } from '../src/agent/agent-id.js';
import { CLUSTER_PRESETS } from '../src/cluster/presets.js';
import { WORKFLOW_PRELOAD_MODULES } from '../src/infra/bundle.js';
import type { NodeConfig } from '../src/infra/config.js';
import { temporalLogger, type Pino } from '../src/infra/logger.js';
import { ActivityLatency, fileSampler, machineSampler, NodeMember } from './member.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/**
 * Installs the process-wide Temporal Runtime once: pino as its logger, Prometheus metrics if asked. It
 * does not stop the workers on SIGINT/SIGTERM itself: workers/node.ts leaves the cluster first.
 */
export function installRuntime(log: Pino, metricsPort: number): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: [],
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
  /** The node's cluster membership (undefined with `CLUSTER=off`). */
  readonly member: NodeMember | undefined;
  /** Resolves when both workers have stopped (after `shutdown()` or `stop()`). */
  run(): Promise<void>;
  /** Graceful: leaves the cluster (announces, releases the lease), then stops the workers. */
  stop(reason?: string): Promise<void>;
  /** Stops the workers now (in-flight activities get the grace time), without leaving the cluster. */
  shutdown(): void;
}

/** This package's version, announced to the cluster. */
const VERSION = '0.1.0';

export async function createNodeWorker(config: NodeConfig, log: Pino): Promise<NodeWorker> {
  installRuntime(log, config.METRICS_PORT);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const host = new AgentHost(config.NODE_ID, HOSTED_RUNTIMES);
  const identity = `${config.NODE_ID}@${os.hostname()}:${process.pid}`;
  const shutdownGraceTime = config.SHUTDOWN_GRACE_MS;
  const named = CLUSTER_PRESETS[config.CLUSTER_PRESET];
  const preset = config.LOAD_REPORT_MS === undefined ? named : { ...named, loadReportMs: config.LOAD_REPORT_MS };
  const latency = new ActivityLatency();
  let member: NodeMember | undefined;
  let clientConnection: Connection | undefined;
  if (config.CLUSTER === 'on') {
    clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const machine = machineSampler(host, latency);
    member = new NodeMember({
      nodeId: config.NODE_ID,
      client: new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }),
      taskQueue: config.AGENT_TASK_QUEUE,
      host,
      preset,
      sampler: config.LOAD_SAMPLE_FILE === undefined ? machine : fileSampler(config.LOAD_SAMPLE_FILE, machine),
      log,
      capabilities: config.CAPABILITIES,
      labels: config.LABELS,
      // The workflow types of workflows/index.ts (a custom WORKFLOW_BUNDLE_PATH is assumed to be built from it).
      kinds: Object.keys(await import('../workflows/index.js')),
      activities: Object.keys(createActivities(host)),
      maxAgents: config.MAX_AGENTS,
      version: VERSION,
      ...(config.METRICS_PORT > 0 ? { metricsAddress: `${os.hostname()}:${config.METRICS_PORT}` } : {}),
      onJoined: (incarnation) => process.send?.({ type: 'agent-cluster.node.joined', node: config.NODE_ID, incarnation }),
    });
  }

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
    // The sagas' control activities (activities/control-activities.ts) run on the shared queue: any node answers.
    ...(member !== undefined ? { activities: createControlActivities(member.client) } : {}),
    // A cached agent whose worker died waits this long before any other worker takes its task.
    stickyQueueScheduleToStartTimeout: config.STICKY_TIMEOUT_MS ?? preset.stickyTimeoutMs,
  });
  const activities = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: nodeTaskQueue(config.NODE_ID),
    identity,
    shutdownGraceTime,
    activities: createActivities(host, member),
    interceptors: { activity: [fencingInterceptor(host), latency.interceptor] },
    // Lease heartbeats go out as the lease sends them (the SDK's default throttle, 0.8 × the heartbeat
    // timeout, would leave a 2.5 s lease only 0.5 s of slack).
    maxHeartbeatThrottleInterval: 100,
  });

  const shutdown = (): void => {
    member?.stop();
    if (workflows.getState() === 'RUNNING') workflows.shutdown();
    if (activities.getState() === 'RUNNING') activities.shutdown();
  };
  return {
    nodeId: config.NODE_ID,
    host,
    member,
    async run() {
      // If one worker fails, stop the other too: a node polls both queues or none.
      const runs = [workflows, activities].map((w) =>
        w.run().catch((err: unknown) => {
          log.error({ node: config.NODE_ID, err }, 'worker failed; shutting the node down');
          member?.stop();
          for (const other of [workflows, activities]) if (other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      );
      log.info({ node: config.NODE_ID, workflowQueue: config.AGENT_TASK_QUEUE, activityQueue: nodeTaskQueue(config.NODE_ID) }, 'node ready');
      // A parent that spawned us with an IPC channel (npm start, tests) learns readiness whatever the log level.
      process.send?.({ type: 'agent-cluster.node.ready', node: config.NODE_ID });
      member?.join().catch((err: unknown) => log.error({ node: config.NODE_ID, err }, 'could not join the cluster'));
      try {
        // Both workers must have released the connection before it closes; the first error is rethrown.
        const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        await connection.close();
        // Only once the member's client calls have settled: a call retrying on a closed connection throws
        // from a timer and would take the process down (exit 1) after an otherwise clean leave.
        if (member === undefined || (await member.settled(15_000))) await clientConnection?.close();
        else log.warn({ node: config.NODE_ID }, 'client calls still in flight after 15 s; leaving the connection to the process exit');
        log.info({ node: config.NODE_ID }, 'node stopped');
      }
    },
    async stop(reason) {
      await member?.leave(reason);
      shutdown();
    },
    shutdown,
  };
}
