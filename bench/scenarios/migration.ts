/**
 * Scenario 7, `migration` (opt-in): one live migration of a hosted agent between two real node processes,
 * against bare Temporal doing the same round trips, on the same (fresh) dev server in the same run.
 *
 * **Runtime.** A cluster of its own (a dev server, nodes `node-a` and `node-b`, production preset, pinned
 * load): `agents` `memo` agents (src/examples/memo.ts) start on `node-a` and each looks up `warmKeys`
 * keys, so that each has node-local state (its cache, in `node-a`'s memory). Migration i moves agent
 * i mod `agents` to the other node — all of them a→b, then b→a, and so on — through the `migration` saga
 * (workflows/sagas/migration.ts), one at a time. For a hosted agent the saga does 2 signal round trips
 * with the agent (`prepare` → reply, `commit` → reply) and 4 activities on node queues, one after the
 * other (checkpoint on the source, restore on the target, unmount on the source, status on the target).
 * The clock runs from `workflow.start` to `result()`. A migration counts as completed only when its result
 * names the expected nodes, its `validate` step is done, and the agent's `jido.info` says the new node
 * and the new epoch; every other outcome is a failure, counted and kept with its reason.
 *
 * **Bare.** Two plain worker processes (bench/bare-worker.ts, bare bundle, default options) on one workflow
 * queue, each also a bare node polling its own activity queue. `bareMover` (bench/bare-workflows.ts) has
 * the saga's shape with nothing of the runtime: 2 signal round trips with a `barePartner` entity workflow
 * and 4 sequential trivial activities alternating between the two bare nodes' queues. `agents` partners,
 * moved the same way; a move is completed when the partner's `bare.home` query says the new node and epoch.
 *
 * The sides alternate run by run (runtime first in even runs, bare first in odd ones), after `warmups`
 * untimed migrations per side of a warm-up agent and partner. Then every agent looks up a key it computed
 * before its first move: a hit on its current node says the cache moved with it. Figures are reported,
 * never asserted.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { AgentClient } from '../../src/client/agent-client.js';
import { memoAgent, type MemoState } from '../../src/examples/index.js';
import { migrationWorkflowId, type MigrationResult as SagaResult } from '../../src/saga/migration.js';
import { BARE_MOVER, BARE_PARTNER, bareHomeQuery, bareNodeQueue, type BareMoveInput, type BareMoveResult } from '../bare-messages.js';
import { BenchCluster, errorChain, startBareWorker, until, type BareWorker } from '../cluster.js';
import type { MigrationSizes } from '../config.js';
import type { MigrationBenchResult, MigrationRun } from '../result.js';
import { codeVersion } from './membership.js';

/** The cluster preset of the nodes (production: load reports every 10 s, the least background traffic). */
export const MIGRATION_PRESET = 'production' as const;
/** The runtime's two nodes and the bare side's two nodes. */
export const RUNTIME_NODES = ['node-a', 'node-b'] as const;
export const BARE_NODES = ['bare-a', 'bare-b'] as const;
/** A migration that has not finished after this long is given up on (and counted as a failure). */
export const MOVE_TIMEOUT_MS = 120_000;

export interface MigrationEnv {
  /** The production workflow bundle (workflows/index.ts), as the nodes of a deployment run it. */
  bundlePath: string;
  /** The bare workflows (bench/bare-workflows.ts) bundled alone. */
  bareBundlePath: string;
  scratch: string;
  runId: string;
  log: (line: string) => void;
}

/** What the group measured, before summarise.ts turns it into percentiles and ratios. */
export type MigrationRaw = Omit<MigrationBenchResult, 'runtime' | 'bare' | 'ratios'> & { notes: string[] };

const other = <T extends string>(pair: readonly [T, T], node: string): T => (node === pair[0] ? pair[1] : pair[0]);

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until a memo agent has applied at least `n` signals and has nothing under way. */
async function settled(agents: AgentClient, agentId: string, n: number): Promise<void> {
  await until(
    () => agents.info(agentId),
    (i) => i.signalsApplied >= n && i.pendingEffects === 0 && i.queuedEffects === 0 && i.inbox === 0,
    `${agentId} to apply ${n} signals`,
    60_000,
  );
}

/** Starts a memo agent on `node` and fills its node-local cache with `keys` lookups (each a miss). */
async function startMemo(agents: AgentClient, agentId: string, node: string, keys: number): Promise<void> {
  await agents.startAgent(memoAgent, agentId, { node });
  for (let k = 0; k < keys; k++) await agents.send(agentId, { type: 'memo.get', data: { key: `k${k}` } });
  await settled(agents, agentId, 2 * keys); // each lookup: memo.get, then memo.found
  const s = await agents.state<MemoState>(agentId);
  if (s.misses !== keys || s.failures !== 0 || s.lastNode !== node) {
    throw new Error(`${agentId}: after ${keys} lookups on ${node}: ${s.misses} misses, ${s.failures} failures, last answered by ${s.lastNode ?? 'nobody'}`);
  }
}

/** One move, timed from `workflow.start` to `result()`, then checked; a failure is returned, not thrown. */
type Move = (id: string, from: string, to: string) => Promise<{ ms: number; ok: boolean; error?: string; dispatch?: MigrationRun['dispatch'] }>;

const eventMs = (e: temporal.api.history.v1.IHistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/**
 * How long the workflow and activity tasks of the saga's (or the mover's) own history waited to be picked
 * up (`…TaskScheduled` → `…TaskStarted`, server time), summed, and how many there were: what of a move
 * is the server handing out tasks. Read after the clock stopped; undefined when the history is unreadable.
 */
async function dispatchOf(handle: WorkflowHandle): Promise<MigrationRun['dispatch']> {
  try {
    const events = (await handle.fetchHistory()).events ?? [];
    const at = new Map(events.map((e) => [Number(e.eventId), eventMs(e)]));
    let tasks = 0;
    let ms = 0;
    for (const e of events) {
      const scheduled = e.workflowTaskStartedEventAttributes?.scheduledEventId ?? e.activityTaskStartedEventAttributes?.scheduledEventId;
      const from = scheduled == null ? undefined : at.get(Number(scheduled));
      if (from === undefined) continue;
      tasks++;
      ms += eventMs(e) - from;
    }
    return { tasks, ms };
  } catch {
    return undefined;
  }
}

function runtimeMove(client: Client, agents: AgentClient): Move {
  return async (agentId, from, to) => {
    const t0 = performance.now();
    let ms: number;
    let result: SagaResult;
    let handle: WorkflowHandle;
    try {
      handle = await client.workflow.start('migration', { workflowId: migrationWorkflowId(agentId), taskQueue: agents.taskQueue, args: [{ agentId, to, reason: 'bench' }] });
      result = await within(handle.result() as Promise<SagaResult>, MOVE_TIMEOUT_MS, `migration of ${agentId}`);
      ms = performance.now() - t0;
    } catch (err) {
      return { ms: performance.now() - t0, ok: false, error: errorChain(err) };
    }
    const problems: string[] = [];
    if (result.from !== from || result.to !== to) problems.push(`the saga moved it ${result.from} → ${result.to}`);
    const validate = result.steps.filter((s) => s.step === 'validate').at(-1);
    if (validate?.status !== 'done') problems.push(`validate ${validate?.status ?? 'missing'}${validate?.detail === undefined ? '' : ` (${validate.detail})`}`);
    try {
      const info = await agents.info(agentId);
      if (info.node !== to || info.epoch !== result.epoch) problems.push(`jido.info says ${info.node} under epoch ${info.epoch}, not ${to} under ${result.epoch}`);
      if (info.move !== undefined) problems.push(`jido.info still shows a move (${info.move.moveId})`);
    } catch (err) {
      problems.push(`jido.info failed: ${errorChain(err)}`);
    }
    const dispatch = await dispatchOf(handle);
    return problems.length === 0 ? { ms, ok: true, dispatch } : { ms, ok: false, error: problems.join('; '), dispatch };
  };
}

function bareMove(client: Client, taskQueue: string): Move {
  return async (partner, from, to) => {
    const t0 = performance.now();
    let ms: number;
    let result: BareMoveResult;
    let handle: WorkflowHandle;
    try {
      const input: BareMoveInput = { partner, from, to };
      handle = await client.workflow.start(BARE_MOVER, { workflowId: `bare-move/${partner}`, taskQueue, args: [input] });
      result = await within(handle.result() as Promise<BareMoveResult>, MOVE_TIMEOUT_MS, `bare move of ${partner}`);
      ms = performance.now() - t0;
    } catch (err) {
      return { ms: performance.now() - t0, ok: false, error: errorChain(err) };
    }
    const problems: string[] = [];
    if (result.from !== from || result.to !== to) problems.push(`the mover moved it ${result.from} → ${result.to}`);
    try {
      const home = await client.workflow.getHandle(partner).query(bareHomeQuery);
      if (home.home !== to || home.epoch !== result.epoch) problems.push(`bare.home says ${home.home} under epoch ${home.epoch}, not ${to} under ${result.epoch}`);
    } catch (err) {
      problems.push(`bare.home failed: ${errorChain(err)}`);
    }
    const dispatch = await dispatchOf(handle);
    return problems.length === 0 ? { ms, ok: true, dispatch } : { ms, ok: false, error: problems.join('; '), dispatch };
  };
}

/**
 * The group: a fresh cluster, the agents and partners, the warm-up, the interleaved measured migrations,
 * the cache check. A failure of the group itself (a node that does not start, …) is noted and what was
 * measured until then kept.
 */
export async function runMigration(env: MigrationEnv, sizes: MigrationSizes): Promise<MigrationRaw> {
  const codeBefore = codeVersion();
  const raw: MigrationRaw = {
    preset: MIGRATION_PRESET,
    agents: sizes.agents,
    warmKeys: sizes.warmKeys,
    warmups: sizes.warmups,
    migrations: sizes.migrations,
    runs: [],
    cacheCheck: null,
    notes: [],
  };
  const findings: string[] = [];
  const note = (line: string): void => {
    findings.push(line);
    env.log(line);
  };
  const bareQueue = `bare-migration-${env.runId}`;
  const cluster = await BenchCluster.start({ bundlePath: env.bundlePath, preset: MIGRATION_PRESET, scratch: env.scratch, log: env.log });
  env.log(`migration: fresh ${MIGRATION_PRESET} cluster on ${cluster.server.address}`);
  const bare: BareWorker[] = [];
  try {
    for (const id of RUNTIME_NODES) await cluster.addNode(id);
    for (const id of BARE_NODES) bare.push(await startBareWorker(cluster.server.address, bareQueue, env.bareBundlePath, { activityQueue: bareNodeQueue(id) }));
    env.log(`migration: nodes ${RUNTIME_NODES.join(', ')} up; bare nodes ${BARE_NODES.join(', ')} polling`);
    const client = cluster.client;
    const agents = new AgentClient({ client, kinds: [memoAgent], coalesce: false });
    const moves = { runtime: runtimeMove(client, agents), bare: bareMove(client, bareQueue) };
    const pairs = { runtime: RUNTIME_NODES, bare: BARE_NODES };

    // Agents (with their caches) on node-a, partners on bare-a; a warm-up one of each besides.
    const ids = { runtime: [] as string[], bare: [] as string[] };
    const home = new Map<string, string>();
    const prefix = `mig-${env.runId}`;
    for (let i = 0; i <= sizes.agents; i++) {
      const agentId = i < sizes.agents ? `${prefix}-${i}` : `${prefix}-warm`;
      const partner = i < sizes.agents ? `bare-${prefix}-${i}` : `bare-${prefix}-warm`;
      await startMemo(agents, agentId, RUNTIME_NODES[0], sizes.warmKeys);
      await client.workflow.start(BARE_PARTNER, { workflowId: partner, taskQueue: bareQueue, args: [BARE_NODES[0], 0] });
      await until(() => client.workflow.getHandle(partner).query(bareHomeQuery), (h) => h.home === BARE_NODES[0], `${partner} to answer`, 60_000);
      home.set(agentId, RUNTIME_NODES[0]).set(partner, BARE_NODES[0]);
      if (i < sizes.agents) {
        ids.runtime.push(agentId);
        ids.bare.push(partner);
      }
    }
    env.log(`migration: ${sizes.agents} memo agents on ${RUNTIME_NODES[0]} (${sizes.warmKeys} keys cached each) and ${sizes.agents} bare partners on ${BARE_NODES[0]}`);

    const once = async (side: MigrationRun['side'], id: string) => {
      const from = home.get(id) as string;
      const to = other(pairs[side], from);
      const r = await moves[side](id, from, to);
      // Where it is now: a failed move may still have moved it (e.g. only its check failed).
      if (r.ok) home.set(id, to);
      else if (side === 'runtime') home.set(id, await agents.info(id).then((i) => i.node, () => from));
      else home.set(id, await client.workflow.getHandle(id).query(bareHomeQuery).then((h) => h.home, () => from));
      return { from, to, ...r };
    };
    for (let w = 0; w < sizes.warmups; w++) {
      for (const side of w % 2 === 0 ? (['runtime', 'bare'] as const) : (['bare', 'runtime'] as const)) {
        const r = await once(side, side === 'runtime' ? `${prefix}-warm` : `bare-${prefix}-warm`);
        env.log(`migration warm-up ${w + 1}/${sizes.warmups} ${side} ${r.from} → ${r.to}: ${r.ms.toFixed(0)} ms${r.ok ? '' : ` FAILED: ${r.error}`}`);
        if (!r.ok) note(`Migration: warm-up ${w + 1} (${side}) failed after ${r.ms.toFixed(0)} ms: ${r.error}`);
      }
    }
    for (let i = 0; i < sizes.migrations; i++) {
      for (const side of i % 2 === 0 ? (['runtime', 'bare'] as const) : (['bare', 'runtime'] as const)) {
        const id = ids[side][i % sizes.agents] as string;
        const r = await once(side, id);
        const run: MigrationRun = { side, index: i, id, from: r.from, to: r.to, ms: r.ms, ok: r.ok };
        if (r.error !== undefined) run.error = r.error;
        if (r.dispatch !== undefined) run.dispatch = r.dispatch;
        raw.runs.push(run);
        env.log(`migration ${i + 1}/${sizes.migrations} ${side.padEnd(7)} ${r.from} → ${r.to}: ${r.ms.toFixed(0)} ms${r.ok ? '' : ` FAILED: ${r.error}`}`);
        if (!r.ok) await sleep(1_000); // let whatever went wrong settle before the next one is timed
      }
    }

    // The node-local part moved: a key computed on node-a before the first move is a hit where it is now.
    const check = { agents: 0, hits: 0, onHome: 0 };
    for (const agentId of ids.runtime) {
      try {
        const before = await agents.state<MemoState>(agentId);
        const applied = (await agents.info(agentId)).signalsApplied;
        await agents.send(agentId, { type: 'memo.get', data: { key: 'k0' } });
        await settled(agents, agentId, applied + 2);
        const after = await agents.state<MemoState>(agentId);
        check.agents++;
        if (after.hits === before.hits + 1) check.hits++;
        if (after.lastNode === home.get(agentId)) check.onHome++;
      } catch (err) {
        note(`Migration: the cache check of ${agentId} failed: ${errorChain(err)}`);
      }
    }
    raw.cacheCheck = check;
    env.log(`migration: cache check: ${check.hits} of ${check.agents} agents found a key cached before their moves (${check.onHome} answered by their current node)`);
  } catch (err) {
    note(`Migration: the group did not complete (${raw.runs.length} migrations measured until then): ${errorChain(err)}`);
  } finally {
    await Promise.all(bare.map((w) => w.stop()));
    await cluster.stop();
  }
  const codeAfter = codeVersion();
  raw.notes.push(
    codeAfter.fingerprint === codeBefore.fingerprint
      ? `Migration: code measured: ${codeBefore.text}.`
      : `Migration: the code changed during the run (${codeBefore.text} at the start, ${codeAfter.text} at the end): the nodes may have run either version.`,
    `Migration: a fresh ${MIGRATION_PRESET} cluster (its own dev server), nodes ${RUNTIME_NODES.join(' and ')} (real node processes, the production workflow bundle, pinned load). ${sizes.agents} \`memo\` agents started on ${RUNTIME_NODES[0]}, each with ${sizes.warmKeys} keys in its node-local cache; migration i moves agent i mod ${sizes.agents} to the other node (back and forth), one at a time, through the \`migration\` saga; clock from \`workflow.start\` to \`result()\`. Completed = the result names the expected nodes, \`validate\` done, and \`jido.info\` says the new node and epoch.`,
    `Migration: bare Temporal is \`bareMover\` (bench/bare-workflows.ts, bundled alone) on two plain worker processes with default options, each also a bare node with an activity worker on its own queue: 2 signal round trips with a \`barePartner\` workflow and 4 sequential trivial activities alternating between the two nodes' queues (the saga's order and activity timeouts and retries), same server. Sides alternate run by run, after ${sizes.warmups} untimed migration(s) per side.`,
    ...findings,
  );
  return raw;
}
