/**
 * The harness side of a benchmark worker: forks `bench/worker.ts` with its configuration in the
 * environment, waits until it polls, reads its memory and CPU time over IPC, and stops it (SIGKILL as a last resort).
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerReply, WorkerRequest } from './worker.js';
import { killProcess, track } from './processes.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface WorkerOptions {
  address: string;
  taskQueue: string;
  nodeId: string;
  bundlePath: string;
  maxCachedWorkflows: number;
  /** V8 old-space limit of the worker, MB (a sweep to 10,000 cached workflows needs room). */
  maxOldSpaceMb?: number;
}

/** A running worker process. */
export interface WorkerProcess {
  pid: number;
  /** `process.memoryUsage()` of the worker after a full GC of its main isolate. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** `process.cpuUsage()` of the worker (all its threads), microseconds. */
  cpu(): Promise<NodeJS.CpuUsage>;
  stop(): Promise<void>;
}

function send(child: ChildProcess, message: WorkerRequest): void {
  if (child.connected) child.send(message);
}

/** Waits for the next IPC reply of `type`; rejects when the worker reports an error or exits first. */
function next<T extends WorkerReply['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<WorkerReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`bench worker: no "${type}" reply within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: WorkerReply) => {
      if (msg.type === type) done(undefined, msg as Extract<WorkerReply, { type: T }>);
      else if (msg.type === 'error') done(new Error(`bench worker failed: ${msg.message}`));
    };
    const onExit = (code: number | null) => done(new Error(`bench worker exited (code ${code}) before "${type}"`));
    function done(err: Error | undefined, value?: Extract<WorkerReply, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as Extract<WorkerReply, { type: T }>);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Forks a worker and resolves once it polls the task queue. */
export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  const child = track(fork(WORKER_ENTRY, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', `--max-old-space-size=${options.maxOldSpaceMb ?? 4096}`],
    env: {
      ...process.env,
      NODE_ID: options.nodeId,
      TEMPORAL_ADDRESS: options.address,
      AGENT_TASK_QUEUE: options.taskQueue,
      WORKFLOW_BUNDLE_PATH: options.bundlePath,
      MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows),
      LOG_LEVEL: 'error',
      SHUTDOWN_GRACE_MS: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  }));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    send(child, { type: 'stop' });
    const forced = setTimeout(() => void killProcess(child, 2_000), 15_000);
    await exited;
    clearTimeout(forced);
  };
  try {
    await next(child, 'ready', 120_000);
  } catch (err) {
    await killProcess(child, 2_000);
    throw err;
  }
  return {
    pid: child.pid ?? -1,
    async memory() {
      const reply = next(child, 'memory', 60_000);
      send(child, { type: 'memory' });
      return (await reply).usage;
    },
    async cpu() {
      const reply = next(child, 'cpu', 60_000);
      send(child, { type: 'cpu' });
      return (await reply).usage;
    },
    stop,
  };
}
