/**
 * A throwaway cluster for the `membership` and `migration` groups: a fresh dev server of its own, real node processes
 * (`workers/node.ts` through `spawnNodeProcess`, as `npm start` and the integration tests run them) and a
 * client reading the membership; plus the plain Temporal workers (bench/bare-worker.ts) and CPU burners
 * (bench/burner.ts) the group compares with and loads the machine with. Every process is tracked
 * (./processes.ts) from the moment it is spawned: nothing outlives a run.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto'; // CommonJS: named imports do not resolve under Node's ESM loader
import { agentWorkflowId } from '../src/agent/agent-id.js';
import { AgentClient } from '../src/client/agent-client.js';
import { CLUSTER_IDS, CLUSTER_KINDS, type DetectorState, type MembershipState, type NodeStatus } from '../src/cluster/index.js';
import { accumulatorAgent } from '../src/examples/index.js';
import { startDevServer, type DevServer } from '../src/infra/dev-server.js';
import { spawnNodeProcess, type NodeProcess } from '../src/infra/node-process.js';
import { killProcess, track } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BARE_WORKER_ENTRY = fileURLToPath(new URL('./bare-worker.ts', import.meta.url));
const BURNER_ENTRY = fileURLToPath(new URL('./burner.ts', import.meta.url));

/** The load a node reports when it is pinned (only the health monitor reads it; see {@link ClusterOptions}). */
export const PINNED_LOAD = { cpu: 0.2, memory: 0.3 };

export interface ClusterOptions {
  /** The production workflow bundle (workflows/index.ts), shared by every node. */
  bundlePath: string;
  preset: 'production' | 'development';
  /** Where the nodes' load-sample files go. */
  scratch: string;
  log: (line: string) => void;
}

/** Polls `read` until `ok` holds; a failed read counts as "not yet" (a query can fail while a worker dies). */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await read();
      if (ok(v)) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${errorChain(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** An error's message with its causes' (`Failed to query Workflow: 4 DEADLINE_EXCEEDED: …`). */
export function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    parts.push((e instanceof Error ? e.message : String(e)).trim());
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}

/** The node part of a worker identity: `node-a@host:123` → `node-a` (a bare worker's is `123@host` → `123`). */
export function identityNode(identity: string): string {
  return identity.split('@')[0] ?? '';
}

/** The identity of the worker that started the last workflow task of a workflow's current run: its sticky holder. */
export async function lastWorkflowTaskIdentity(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskStartedEventAttributes).at(-1)?.workflowTaskStartedEventAttributes?.identity ?? '';
}

/**
 * The workflow tasks of a workflow's current run that timed out, by timeout: `schedule-to-start` (a sticky
 * task nobody picked up within the sticky timeout) or `start-to-close` (a task handed to a worker that
 * never completed it: the workflow task timeout).
 */
export async function workflowTaskTimeouts(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const { TimeoutType } = proto.temporal.api.enums.v1;
  return (history.events ?? []).flatMap((e) => {
    const type = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    if (type == null) return [];
    return [type === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START ? 'schedule-to-start' : type === TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE ? 'start-to-close' : String(TimeoutType[type])];
  });
}

/** Where a workflow's history stood: its run and how many events it had. */
export interface HistoryMark {
  workflowId: string;
  runId: string;
  events: number;
}

export async function markHistory(client: Client, workflowId: string): Promise<HistoryMark> {
  const { runId } = await client.workflow.getHandle(workflowId).describe();
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return { workflowId, runId, events: history.events?.length ?? 0 };
}

/**
 * Events written since `mark`, across runs: the marked run's new events plus every run it continued as
 * new into (followed through `continuedAsNewEventAttributes`). `messages` counts the Temporal signals and
 * accepted updates among them whose payload names `signalType` (e.g. `cluster.node.load`: a node sends
 * its load report as a call, i.e. an update), when given.
 */
export async function eventsSince(client: Client, mark: HistoryMark, signalType?: string): Promise<{ events: number; messages: number; runs: number }> {
  let runId: string | undefined = mark.runId;
  let events = 0;
  let messages = 0;
  let runs = 0;
  while (runId !== undefined) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(mark.workflowId, runId).fetchHistory();
    const all = history.events ?? [];
    const fresh = runs === 0 ? all.slice(mark.events) : all;
    events += fresh.length;
    if (signalType !== undefined) {
      for (const e of fresh) {
        const payloads = e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? [];
        if (payloads.some((p) => p.data != null && Buffer.from(p.data).toString('utf8').includes(`"type":"${signalType}"`))) messages++;
      }
    }
    runs++;
    runId = all.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { events, messages, runs };
}

/** A fresh dev server with node processes on it, and a client that reads the membership. */
export class BenchCluster {
  readonly nodes = new Map<string, { process: NodeProcess; incarnation: number }>();
  readonly client: Client;
  readonly agents: AgentClient;

  private constructor(
    readonly server: DevServer,
    private readonly connection: Connection,
    private readonly o: ClusterOptions,
  ) {
    this.client = new Client({ connection });
    this.agents = new AgentClient({ client: this.client, kinds: [...CLUSTER_KINDS, accumulatorAgent], coalesce: false });
  }

  static async start(o: ClusterOptions): Promise<BenchCluster> {
    const server = await startDevServer({ port: 0, uiPort: false, logLevel: 'error' });
    track(server.process);
    try {
      const connection = await Connection.connect({ address: server.address });
      return new BenchCluster(server, connection, o);
    } catch (err) {
      await server.stop(2_000);
      throw err;
    }
  }

  /**
   * Starts a node process of this cluster's preset and resolves once the membership has it `up` (its
   * probe answered, its lease granted). `pinLoad` (default true) points its load sampler at a file with a
   * fixed, moderate load: what the node reports then cannot make the health monitor quarantine it (a
   * transition, and membership events, that have nothing to do with failure detection). The soak leaves
   * it off: there the load is real.
   */
  async addNode(nodeId: string, options: { pinLoad?: boolean } = {}): Promise<number> {
    const env: Record<string, string> = { CLUSTER_PRESET: this.o.preset, SHUTDOWN_GRACE_MS: '1000' };
    if (options.pinLoad ?? true) {
      const file = path.join(this.o.scratch, `load-${this.server.port}-${nodeId}.json`);
      writeFileSync(file, JSON.stringify(PINNED_LOAD));
      env.LOAD_SAMPLE_FILE = file;
    }
    const node = await spawnNodeProcess({
      nodeId,
      address: this.server.address,
      workflowBundlePath: this.o.bundlePath,
      logLevel: 'error',
      readyTimeoutMs: 120_000,
      env,
    });
    track(node.process);
    const incarnation = await node.joined({ timeoutMs: 120_000 });
    this.nodes.set(nodeId, { process: node, incarnation });
    await this.waitStatus(nodeId, incarnation, 'up', 60_000);
    return incarnation;
  }

  /** `kill -9` of a node; returns the wall-clock time of the kill, epoch ms. */
  kill(nodeId: string): number {
    const n = this.nodes.get(nodeId);
    if (n === undefined) throw new Error(`no node ${nodeId} in this cluster`);
    n.process.process.kill('SIGKILL');
    const at = Date.now();
    this.nodes.delete(nodeId);
    return at;
  }

  /** The membership agent's state (a query: writes no history). */
  topology(): Promise<MembershipState> {
    return this.agents.state<MembershipState>(CLUSTER_IDS.nodeDiscovery);
  }

  /** Resolves with the membership once `nodeId` is `status` under `incarnation`; on a timeout, says where things stood. */
  async waitStatus(nodeId: string, incarnation: number, status: NodeStatus, timeoutMs: number): Promise<MembershipState> {
    try {
      return await until(
        () => this.topology(),
        (s) => s.nodes[nodeId]?.incarnation === incarnation && s.nodes[nodeId]?.status === status,
        `${nodeId}#${incarnation} ${status}`,
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${errorChain(err)}; ${await this.diagnose(nodeId, incarnation)}`);
    }
  }

  /** Where a node incarnation stands: its membership record and transitions, its failure detector. */
  async diagnose(nodeId: string, incarnation: number): Promise<string> {
    const parts: string[] = [];
    try {
      const s = await this.topology();
      const r = s.nodes[nodeId];
      parts.push(`membership: ${r === undefined ? 'no record' : `#${r.incarnation} ${r.status} since ${new Date(r.since).toISOString()} (${r.reason})`}`);
      const mine = s.transitions.filter((t) => t.nodeId === nodeId && t.incarnation === incarnation);
      parts.push(`transitions: ${mine.map((t) => `${t.to}@${new Date(t.at).toISOString().slice(11, 23)}`).join(', ') || 'none'}`);
    } catch (err) {
      parts.push(`membership unreadable: ${errorChain(err)}`);
      parts.push(`membership's last failed workflow task: ${await this.lastWorkflowTaskFailure(agentWorkflowId(CLUSTER_IDS.nodeDiscovery))}`);
    }
    const detectorId = CLUSTER_IDS.detector(nodeId, incarnation);
    try {
      const d = await this.agents.state<DetectorState>(detectorId);
      parts.push(`detector: ${d.phase}, ${d.leases} leases, ${d.suspicions} suspicions${d.ended === undefined ? '' : `, ended: ${d.ended}`}`);
    } catch (err) {
      parts.push(`detector unreadable: ${errorChain(err)}`);
    }
    try {
      const history = await this.client.workflow.getHandle(agentWorkflowId(detectorId)).fetchHistory();
      const tail = (history.events ?? []).slice(-8).map((e) => {
        const kind = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k] != null)?.replace(/EventAttributes$/, '') ?? String(e.eventType);
        const who = e.workflowTaskStartedEventAttributes?.identity;
        return who === undefined || who === null ? kind : `${kind}(${who})`;
      });
      parts.push(`detector history tail: ${tail.join(' → ')}`);
    } catch (err) {
      parts.push(`detector history unreadable: ${errorChain(err)}`);
    }
    return parts.join('; ');
  }

  /** The failure of a workflow's last failed workflow task (message and the top of its stack), or `none`. */
  async lastWorkflowTaskFailure(workflowId: string): Promise<string> {
    try {
      const history = await this.client.workflow.getHandle(workflowId).fetchHistory();
      const failed = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).at(-1)?.workflowTaskFailedEventAttributes;
      if (failed == null) return 'none';
      const f = failed.failure;
      const stack = (f?.stackTrace ?? '').split('\n').slice(0, 6).join(' | ');
      return `${String(failed.cause)} by ${failed.identity ?? '?'}: ${f?.message ?? '?'}${stack === '' ? '' : ` [${stack}]`}`;
    } catch (err) {
      return `unreadable: ${errorChain(err)}`;
    }
  }

  /** The node whose worker ran the last workflow task of an agent (the one holding it in its sticky cache). */
  async holderOf(agentId: string): Promise<string> {
    return identityNode(await lastWorkflowTaskIdentity(this.client, agentWorkflowId(agentId)));
  }

  /** Kills every node (the server goes next: nothing to leave gracefully), closes the client, stops the server. */
  async stop(): Promise<void> {
    for (const id of [...this.nodes.keys()]) this.kill(id);
    await this.connection.close().catch(() => undefined);
    await this.server.stop(5_000);
  }
}

/** Forks a TypeScript child with an IPC channel and waits for its `{ type: 'ready' }`. */
async function forkReady<R extends { type: 'ready' }>(entry: string, env: Record<string, string>, timeoutMs: number): Promise<{ child: ChildProcess; ready: R }> {
  const child = track(
    fork(entry, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      cwd: ROOT,
    }),
  );
  try {
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${path.basename(entry)}: not ready within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (m: R) => {
        if (m?.type === 'ready') {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${path.basename(entry)} exited (code ${code}) before it was ready`));
      });
    });
    return { child, ready };
  } catch (err) {
    await killProcess(child, 1_000);
    throw err;
  }
}

/** A plain Temporal worker process (bench/bare-worker.ts): default options, nothing of the runtime. */
export interface BareWorker {
  /** Its Temporal identity (the SDK's default, `<pid>@<host>`). */
  identity: string;
  kill(): number;
  stop(): Promise<void>;
}

/**
 * Starts a plain worker on `taskQueue`. With `activityQueue` it is also a bare node: an activity-only
 * worker on that queue runs the trivial `bareNodeStep` (the migration group's baseline).
 */
export async function startBareWorker(address: string, taskQueue: string, bundlePath: string, options: { activityQueue?: string } = {}): Promise<BareWorker> {
  const env: Record<string, string> = { TEMPORAL_ADDRESS: address, BARE_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: bundlePath };
  if (options.activityQueue !== undefined) env.BARE_ACTIVITY_QUEUE = options.activityQueue;
  const { child, ready } = await forkReady<{ type: 'ready'; identity: string }>(BARE_WORKER_ENTRY, env, 120_000);
  return {
    identity: ready.identity,
    kill() {
      child.kill('SIGKILL');
      return Date.now();
    },
    stop: () => killProcess(child, 2_000),
  };
}

/** Busy-loop processes, one per core by default (bench/burner.ts): real load, not a mock. */
export interface Burners {
  count: number;
  /** Stops them; resolves with their CPU time (user + system, ms) since they were ready, summed. */
  stop(): Promise<{ cpuMs: number }>;
}

export async function startBurners(count = os.cpus().length || 1): Promise<Burners> {
  const started = await Promise.all(Array.from({ length: count }, () => forkReady(BURNER_ENTRY, {}, 60_000)));
  return {
    count,
    async stop() {
      const burned = await Promise.all(
        started.map(
          ({ child }) =>
            new Promise<number>((resolve) => {
              const onMessage = (m: { type?: string; cpuMs?: number }) => {
                if (m?.type !== 'burned') return;
                clearTimeout(timer);
                child.off('message', onMessage);
                resolve(m.cpuMs ?? 0);
              };
              const timer = setTimeout(() => {
                child.off('message', onMessage);
                void killProcess(child, 1_000);
                resolve(0);
              }, 10_000);
              child.on('message', onMessage);
              if (child.connected) child.send({ type: 'stop' });
            }),
        ),
      );
      await Promise.all(started.map(({ child }) => killProcess(child, 2_000)));
      return { cpuMs: burned.reduce((a, b) => a + b, 0) };
    },
  };
}

/** The machine's CPU counters, summed over cores (ms). */
export function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq;
    busy += t;
    total += t + c.times.idle;
  }
  return { busy, total };
}
