/**
 * Runs a cluster node as its own OS process (`node --import tsx workers/node.ts`), the way a deployment
 * does, and waits until it polls. Used by `npm start` and the integration tests.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { hasExited, stopChild } from './child-process.js';

const NODE_ENTRY = fileURLToPath(new URL('../../workers/node.ts', import.meta.url));

export interface NodeProcessOptions {
  nodeId: string;
  address: string;
  taskQueue?: string;
  /** A pre-built workflow bundle (saves each process bundling on its own). */
  workflowBundlePath?: string;
  metricsPort?: number;
  logLevel?: string;
  /** Called with every log line the node writes (JSON, pino). */
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
  /** More environment for the node (`CLUSTER_PRESET`, `LOAD_SAMPLE_FILE` …, see src/infra/config.ts). */
  env?: Record<string, string>;
}

export interface NodeProcess {
  readonly nodeId: string;
  readonly process: ChildProcess;
  /** Incarnations under which the node joined the cluster, in order (it rejoins after being declared down). */
  readonly incarnations: readonly number[];
  /** Resolves with the first incarnation it joins under after `after` (any, by default). */
  joined(options?: { after?: number; timeoutMs?: number }): Promise<number>;
  /** Resolves with the exit code after SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  /** The last 20 lines the node wrote to stderr (its log), for a failure's message. */
  logTail(): string[];
}

export async function spawnNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ID: options.nodeId,
    TEMPORAL_ADDRESS: options.address,
    LOG_LEVEL: options.logLevel ?? 'info',
    METRICS_PORT: String(options.metricsPort ?? 0),
  };
  if (options.taskQueue !== undefined) env.AGENT_TASK_QUEUE = options.taskQueue;
  if (options.workflowBundlePath !== undefined) env.WORKFLOW_BUNDLE_PATH = options.workflowBundlePath;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_ENTRY], { env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const incarnations: number[] = [];
  const joinWaiters = new Set<() => void>();
  child.on('message', (message: { type?: string; incarnation?: number }) => {
    if (message?.type === 'agent-cluster.node.joined' && typeof message.incarnation === 'number') {
      incarnations.push(message.incarnation);
      for (const w of joinWaiters) w();
    }
  });
  const joined = ({ after = 0, timeoutMs = 30_000 }: { after?: number; timeoutMs?: number } = {}): Promise<number> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const inc = incarnations.find((i) => i > after);
        if (inc === undefined) return false;
        joinWaiters.delete(check);
        clearTimeout(timer);
        resolve(inc);
        return true;
      };
      const timer = setTimeout(() => {
        joinWaiters.delete(check);
        reject(new Error(`node ${options.nodeId} did not join (after incarnation ${after}) within ${timeoutMs} ms:\n${tail.join('\n')}`));
      }, timeoutMs);
      if (!check()) joinWaiters.add(check);
    });
  const tail: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${options.nodeId} not ready after ${options.readyTimeoutMs ?? 60_000} ms:\n${tail.join('\n')}`)), options.readyTimeoutMs ?? 60_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      options.onLog?.(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    });
    child.on('message', (message: { type?: string }) => {
      if (message?.type === 'agent-cluster.node.ready') {
        clearTimeout(timer);
        child.channel?.unref();
        resolve();
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node ${options.nodeId} exited with code ${code} before it was ready:\n${tail.join('\n')}`));
    });
  });
  const stop = async (graceMs = 15_000): Promise<number | null> => (hasExited(child) ? exit : stopChild(child, graceMs));
  try {
    await ready;
  } catch (err) {
    await stop(1_000);
    throw err;
  }
  return { nodeId: options.nodeId, process: child, stop, incarnations, joined, logTail: () => [...tail] };
}
