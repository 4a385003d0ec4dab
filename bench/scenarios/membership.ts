/**
 * Scenario 6, `membership` (opt-in): the cluster layer with real node processes, each part in a fresh
 * cluster (a dev server of its own, so no part inherits another's membership, quarantines or caches).
 *
 * A part that fails is noted (with where things stood) and what it measured until then kept; the next
 * part goes on.
 *
 * 1. **Detection after `kill -9`**, per preset (production first: the goal, ≤ 5 s, is about it): `liveNodes`
 *    nodes stay up throughout (the detectors and the membership agent run on them); `kills` times, a fresh
 *    node joins, is `up`, holds its lease for {@link LEASE_SETTLE_MS}, and is SIGKILLed. Detection time is
 *    the `down` transition's time (`at`: workflow time, i.e. the server's clock, the same machine's as the
 *    harness) minus the wall-clock time of the kill; time to `suspect` likewise. Whether the node's failure
 *    detector, or the membership agent, last ran on the killed node (so that their next workflow task first
 *    waits out the sticky timeout) is recorded per kill.
 * 2. **A cached agent's call after `kill -9` of its worker** (in a fresh cluster of the first preset,
 *    production by default, `liveNodes` nodes), against bare Temporal on the same server: an accumulator agent is started and called once,
 *    the node whose worker ran its last workflow task (the sticky holder) is SIGKILLed, and the agent is
 *    called again right away or `delayMs` later; the clock runs from that call to its answer. Bare side:
 *    two plain workers with default options (bench/bare-worker.ts), a `bareCounter` started with the
 *    default workflow task timeout, an update, its holder killed, an update again. Runs alternate the
 *    delay and the side; every killed worker is replaced before the next run. A cluster that breaks under
 *    the kills is noted, and the remaining runs go on in a fresh one.
 * 3. **False suspicions under CPU saturation**: `soakNodes` production nodes reporting their real load;
 *    one busy-loop process per core for `soakSeconds`; every `suspect` and `down` transition of the soak's
 *    nodes during it (and a grace after it, the time a suspicion needs to be raised) is a false one.
 * 4. **Cost**: `costNodes` production nodes, for each lease heartbeat interval in `costHeartbeatsMs` (the
 *    membership's `config.detector.heartbeatEveryMs`, set by starting the membership agent before any node
 *    joins; nothing else differs): after the joins settle, the history events written during `costSeconds`
 *    to the membership agent, the nodes' failure detectors and the health monitor, per node per hour.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { agentWorkflowId } from '../../src/agent/agent-id.js';
import { AGENT_WORKFLOW_TASK_TIMEOUT_MS } from '../../src/agent/limits.js';
import { AgentClient } from '../../src/client/agent-client.js';
import {
  CLUSTER_IDS,
  CLUSTER_PRESETS,
  membershipConfig,
  nodeDiscoveryAgent,
  reportIntervalMs,
  type DetectorState,
  type MemberTransition,
} from '../../src/cluster/index.js';
import { accumulatorAgent } from '../../src/examples/index.js';
import { bareIncUpdate, BARE_COUNTER } from '../bare-messages.js';
import {
  BenchCluster,
  cpuTimes,
  errorChain,
  eventsSince,
  identityNode,
  lastWorkflowTaskIdentity,
  markHistory,
  startBareWorker,
  startBurners,
  workflowTaskTimeouts,
  type BareWorker,
} from '../cluster.js';
import type { DetectPreset, MembershipSizes } from '../config.js';
import type { CostWindow, DetectionKill, DetectionResult, SoakResult, StallResult, StallRun } from '../result.js';

/** How long a node holds its lease after it is `up` before it is killed: a kill in steady state, not mid-join. */
export const LEASE_SETTLE_MS = 3_000;
/** How long the cost windows wait after the last join before counting: the joins' own events are not steady state. */
export const COST_SETTLE_MS = 15_000;
/** How long the soak's nodes run before the burners start. */
export const SOAK_SETTLE_MS = 10_000;
/** Bare Temporal's defaults: the SDK's sticky schedule-to-start timeout and the server's workflow task timeout. */
export const BARE_STICKY_TIMEOUT_MS = 10_000;
export const BARE_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
/** The workflow task timeout a node starts the cluster's agents with (workers/member.ts). */
export const CLUSTER_AGENT_TASK_TIMEOUT_MS = 10_000;
/** The later call of a stall run goes out this long after the kill. */
export const STALL_DELAY_MS = 2_000;

export interface MembershipEnv {
  /** The production workflow bundle (workflows/index.ts, preloads as every agent-cluster bundle). */
  bundlePath: string;
  /** `bareCounter` bundled alone. */
  bareBundlePath: string;
  scratch: string;
  runId: string;
  log: (line: string) => void;
}

/** Detection under one preset, kill by kill (summarise.ts turns the kills into spreads). */
export type DetectionRaw = Omit<DetectionResult, 'suspectSec' | 'downSec' | 'downOverLeaseTimeout'>;
/** The stall runs and their settings (summarise.ts pairs runtime and bare). */
export type StallRaw = Omit<StallResult, 'runtime' | 'bare' | 'sinceKill' | 'ratios'>;

export interface MembershipRaw {
  detection: DetectionRaw[];
  stall: StallRaw | null;
  soak: SoakResult | null;
  cost: CostWindow[];
  notes: string[];
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function withCluster<T>(env: MembershipEnv, preset: DetectPreset, fn: (c: BenchCluster) => Promise<T>): Promise<T> {
  const cluster = await BenchCluster.start({ bundlePath: env.bundlePath, preset, scratch: env.scratch, log: env.log });
  env.log(`membership: fresh ${preset} cluster on ${cluster.server.address}`);
  try {
    return await fn(cluster);
  } finally {
    await cluster.stop();
  }
}

/** Starts nodes one after the other (two node starts at once only fight over the cores). */
async function addNodes(cluster: BenchCluster, ids: readonly string[], options: { pinLoad?: boolean } = {}): Promise<void> {
  for (const id of ids) await cluster.addNode(id, options);
}

// ---- 1. detection -------------------------------------------------------------------------------------

/**
 * `kill -9`s one node after another; each measured kill goes into `out` at once, so that the kills
 * measured before a failure are kept (`out` is null until the cluster is up and its timing known).
 */
async function detection(cluster: BenchCluster, preset: DetectPreset, sizes: MembershipSizes, log: MembershipEnv['log'], out: { raw: DetectionRaw | null }): Promise<void> {
  await addNodes(cluster, Array.from({ length: sizes.liveNodes }, (_, i) => `live-${i + 1}`));
  const detector = (await cluster.topology()).config.detector;
  const kills: DetectionKill[] = [];
  out.raw = {
    preset,
    heartbeatTimeoutMs: detector.heartbeatTimeoutMs,
    heartbeatEveryMs: detector.heartbeatEveryMs,
    confirmTimeoutMs: detector.confirmTimeoutMs,
    stickyTimeoutMs: CLUSTER_PRESETS[preset].stickyTimeoutMs,
    liveNodes: sizes.liveNodes,
    kills,
  };
  for (let k = 0; k < sizes.kills; k++) {
    const nodeId = `victim-${k + 1}`;
    const incarnation = await cluster.addNode(nodeId);
    await sleep(LEASE_SETTLE_MS);
    const [detectorHolder, membershipHolder] = await Promise.all([
      cluster.holderOf(CLUSTER_IDS.detector(nodeId, incarnation)),
      cluster.holderOf(CLUSTER_IDS.nodeDiscovery),
    ]);
    const killedAt = cluster.kill(nodeId);
    const s = await cluster.waitStatus(nodeId, incarnation, 'down', 120_000);
    const mine = s.transitions.filter((t) => t.nodeId === nodeId && t.incarnation === incarnation);
    const down = mine.find((t) => t.to === 'down') as MemberTransition;
    const suspect = mine.find((t) => t.to === 'suspect');
    const kill: DetectionKill = {
      nodeId,
      incarnation,
      killedAt,
      suspectSec: suspect === undefined ? null : (suspect.at - killedAt) / 1000,
      downSec: (down.at - killedAt) / 1000,
      detectorOnVictim: detectorHolder === nodeId,
      membershipOnVictim: membershipHolder === nodeId,
    };
    kills.push(kill);
    log(
      `${preset} kill ${k + 1}/${sizes.kills}: suspect after ${kill.suspectSec === null ? '—' : secs(kill.suspectSec * 1000)}, down after ${secs(kill.downSec * 1000)}` +
        `${kill.detectorOnVictim ? ' (detector was cached on it)' : ''}${kill.membershipOnVictim ? ' (membership was cached on it)' : ''}`,
    );
  }
}

// ---- 2. a cached agent's call after kill -9 of its worker -----------------------------------------------

interface StallPools {
  cluster: BenchCluster;
  bare: BareWorker[];
  bareQueue: string;
  bundlePath: string;
  /** Numbers the replacement nodes. */
  spawned: number;
}

/** A measured stall run, and what puts the cluster back as it was (a replacement for the killed worker). */
interface StallStep {
  run: StallRun;
  restore(): Promise<void>;
}

async function runtimeStall(p: StallPools, id: string, delayMs: number): Promise<StallStep> {
  const { cluster } = p;
  const agents = cluster.agents;
  await agents.startAgent(accumulatorAgent, id, { node: [...cluster.nodes.keys()][0] as string });
  const first = await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 });
  if (first !== 1) throw new Error(`${id}: expected 1 from the first call, got ${String(first)}`);
  const holder = await cluster.holderOf(id);
  const incarnation = cluster.nodes.get(holder)?.incarnation;
  if (incarnation === undefined) throw new Error(`${id}: its last workflow task ran on "${holder}", not a node of this cluster`);
  const killedAt = cluster.kill(holder);
  if (delayMs > 0) await sleep(delayMs);
  const called = performance.now();
  const second = await agents.call(accumulatorAgent, id, 'accumulator.add', { amount: 1 });
  const callMs = performance.now() - called;
  const sinceKillMs = Date.now() - killedAt;
  if (second !== 2) throw new Error(`${id}: expected 2 after the kill, got ${String(second)}`);
  const after = await cluster.holderOf(id);
  if (after === holder) throw new Error(`${id}: answered by the killed node ${holder}?`);
  const timeouts = await workflowTaskTimeouts(cluster.client, agentWorkflowId(id));
  return {
    run: { side: 'runtime', delayMs, callMs, sinceKillMs, timeouts },
    // The cluster as it was: the killed node declared down, and a replacement joined, before the next run.
    async restore() {
      await cluster.waitStatus(holder, incarnation, 'down', 120_000);
      await cluster.addNode(`spare-${++p.spawned}`);
    },
  };
}

async function bareStall(p: StallPools, id: string, delayMs: number): Promise<StallStep> {
  const client = p.cluster.client;
  await client.workflow.start(BARE_COUNTER, { workflowId: id, taskQueue: p.bareQueue, args: [0] });
  const handle = client.workflow.getHandle(id);
  const first = await handle.executeUpdate(bareIncUpdate);
  if (first !== 1) throw new Error(`${id}: expected 1 from the first update, got ${first}`);
  const identity = await lastWorkflowTaskIdentity(client, id);
  const victim = p.bare.find((w) => w.identity === identity);
  if (victim === undefined) throw new Error(`${id}: its last workflow task ran on "${identity}", not one of the bare workers`);
  const killedAt = victim.kill();
  p.bare = p.bare.filter((w) => w !== victim);
  if (delayMs > 0) await sleep(delayMs);
  const called = performance.now();
  const second = await handle.executeUpdate(bareIncUpdate);
  const callMs = performance.now() - called;
  const sinceKillMs = Date.now() - killedAt;
  if (second !== 2) throw new Error(`${id}: expected 2 after the kill, got ${second}`);
  if (identityNode(await lastWorkflowTaskIdentity(client, id)) === identityNode(identity)) throw new Error(`${id}: answered by the killed worker?`);
  const timeouts = await workflowTaskTimeouts(client, id);
  return {
    run: { side: 'bare', delayMs, callMs, sinceKillMs, timeouts },
    async restore() {
      p.bare.push(await startBareWorker(p.cluster.server.address, p.bareQueue, p.bundlePath));
    },
  };
}

/** A cluster may be replaced this many times in the stall runs (see {@link stall}). */
export const STALL_CLUSTER_RESTARTS = 3;

/**
 * The stall runs, one after another, each into `out.runs` as soon as it is measured. They need a cluster
 * as it was (a replacement joins for every killed node), not any particular membership: when the cluster
 * breaks under them — a killed node never declared down, a replacement that cannot join — that is noted
 * in `findings` with where things stood, and the remaining runs go on in a fresh cluster (at most
 * {@link STALL_CLUSTER_RESTARTS} times). A run that failed before it was measured is run again there.
 */
async function stall(env: MembershipEnv, preset: DetectPreset, sizes: MembershipSizes, findings: string[], out: StallRaw): Promise<void> {
  const plan: Array<{ r: number; delayMs: number; side: StallRun['side'] }> = [];
  for (let r = 0; r < sizes.stallRuns; r++) {
    const delays = r % 2 === 0 ? [0, STALL_DELAY_MS] : [STALL_DELAY_MS, 0];
    for (const [j, delayMs] of delays.entries()) {
      const sides = (r + j) % 2 === 0 ? (['runtime', 'bare'] as const) : (['bare', 'runtime'] as const);
      for (const side of sides) plan.push({ r, delayMs, side });
    }
  }
  let next = 0;
  for (let clusters = 0; next < plan.length; clusters++) {
    try {
      await withCluster(env, preset, async (cluster) => {
        await addNodes(cluster, Array.from({ length: sizes.liveNodes }, (_, i) => `live-${i + 1}`));
        const p: StallPools = { cluster, bare: [], bareQueue: `bare-stall-${env.runId}`, bundlePath: env.bareBundlePath, spawned: 0 };
        try {
          for (let i = 0; i < 2; i++) p.bare.push(await startBareWorker(cluster.server.address, p.bareQueue, env.bareBundlePath));
          for (; next < plan.length; ) {
            const { r, delayMs, side } = plan[next] as (typeof plan)[number];
            const id = `stall-${env.runId}-${r}-${delayMs}-${side}`;
            const step = side === 'runtime' ? await runtimeStall(p, id, delayMs) : await bareStall(p, id, delayMs);
            out.runs.push(step.run);
            next++;
            env.log(
              `stall ${r + 1}/${sizes.stallRuns} ${side}, call ${delayMs === 0 ? 'right after the kill' : `${delayMs} ms after it`}: answered in ${secs(step.run.callMs)} ` +
                `(${secs(step.run.sinceKillMs)} after the kill; timed-out workflow tasks: ${step.run.timeouts.join(', ') || 'none'})`,
            );
            try {
              await step.restore();
            } catch (err) {
              throw new Error(`after ${id} (measured): ${errorChain(err)}`);
            }
          }
        } finally {
          await Promise.all(p.bare.map((w) => w.stop()));
        }
      });
    } catch (err) {
      const more = next < plan.length && clusters < STALL_CLUSTER_RESTARTS;
      const line = `Membership stall: the cluster broke ${errorChain(err)}${more ? `; the remaining ${plan.length - next} runs went on in a fresh cluster` : ''}.`;
      findings.push(line);
      env.log(line);
      if (!more) throw err;
    }
  }
}

function emptyStall(preset: DetectPreset): StallRaw {
  return {
    runs: [],
    runtimePreset: preset,
    runtimeStickyTimeoutMs: CLUSTER_PRESETS[preset].stickyTimeoutMs,
    runtimeWorkflowTaskTimeoutMs: AGENT_WORKFLOW_TASK_TIMEOUT_MS,
    bareStickyTimeoutMs: BARE_STICKY_TIMEOUT_MS,
    bareWorkflowTaskTimeoutMs: BARE_WORKFLOW_TASK_TIMEOUT_MS,
    delayMs: STALL_DELAY_MS,
  };
}

// ---- 3. soak ------------------------------------------------------------------------------------------

async function soak(cluster: BenchCluster, sizes: MembershipSizes, log: MembershipEnv['log']): Promise<SoakResult> {
  const ids = Array.from({ length: sizes.soakNodes }, (_, i) => `soak-${i + 1}`);
  await addNodes(cluster, ids, { pinLoad: false });
  await sleep(SOAK_SETTLE_MS);
  const before = await cluster.topology();
  const startSeq = before.seq;
  const seen = new Map<number, MemberTransition>();
  const collect = async (): Promise<number | undefined> => {
    try {
      const s = await cluster.topology();
      for (const t of s.transitions) if (t.seq > startSeq) seen.set(t.seq, t);
      return s.seq;
    } catch {
      return undefined; // a query can time out with every core busy: the next round reads the same history
    }
  };
  const burners = await startBurners();
  const cpu0 = cpuTimes();
  const t0 = performance.now();
  const end = t0 + sizes.soakSeconds * 1000;
  let lastLog = t0;
  while (performance.now() < end) {
    await sleep(Math.min(5_000, Math.max(0, end - performance.now())));
    await collect();
    if (performance.now() - lastLog >= 60_000) {
      lastLog = performance.now();
      log(`soak: ${Math.round((lastLog - t0) / 1000)} of ${sizes.soakSeconds} s, ${seen.size} transitions so far`);
    }
  }
  const cpu1 = cpuTimes();
  const wallMs = performance.now() - t0;
  const { cpuMs } = await burners.stop();
  // A suspicion raised at the very end shows up within a lease timeout and a probe.
  const { heartbeatTimeoutMs, confirmTimeoutMs } = before.config.detector;
  await sleep(heartbeatTimeoutMs + confirmTimeoutMs + 5_000);
  const finalSeq = await readAgain(collect);
  if (finalSeq !== undefined && finalSeq - startSeq > seen.size) {
    throw new Error(`soak: the membership made ${finalSeq - startSeq} transitions, ${seen.size} seen (its history of ${before.config.historyLimit} overflowed between polls)`);
  }
  const soakNodes = new Set(ids);
  const mine = [...seen.values()].filter((t) => soakNodes.has(t.nodeId));
  const suspects = mine.filter((t) => t.to === 'suspect').length;
  const downs = mine.filter((t) => t.to === 'down').length;
  const otherTransitions: Record<string, number> = {};
  for (const t of mine) if (t.to !== 'suspect' && t.to !== 'down') otherTransitions[t.to] = (otherTransitions[t.to] ?? 0) + 1;
  // The detectors' own count: every incarnation the soak's nodes had.
  const incarnations = new Set<string>();
  for (const id of ids) incarnations.add(`${id}/${before.nodes[id]?.incarnation}`);
  for (const t of mine) incarnations.add(`${t.nodeId}/${t.incarnation}`);
  let detectorSuspicions = 0;
  for (const key of incarnations) {
    const [nodeId, inc] = key.split('/') as [string, string];
    try {
      detectorSuspicions += (await cluster.agents.state<DetectorState>(CLUSTER_IDS.detector(nodeId, Number(inc)))).suspicions;
    } catch (err) {
      log(`soak: could not read the detector of ${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const cores = os.cpus().length || 1;
  const result: SoakResult = {
    preset: 'production',
    nodes: ids.length,
    seconds: Math.round(wallMs / 100) / 10,
    burners: burners.count,
    cores,
    burnerCpuShare: cpuMs / (wallMs * cores),
    machineBusyShare: (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total),
    suspects,
    downs,
    falseSuspicions: suspects + downs,
    detectorSuspicions,
    otherTransitions,
  };
  log(
    `soak: ${result.seconds} s, burners ${(result.burnerCpuShare * 100).toFixed(0)} % of the CPU (machine ${(result.machineBusyShare * 100).toFixed(0)} % busy): ` +
      `${suspects} suspect, ${downs} down; detectors counted ${detectorSuspicions} suspicions; other transitions ${JSON.stringify(otherTransitions)}`,
  );
  return result;
}

/** Reads until a read succeeds (at most 30 s). */
async function readAgain(read: () => Promise<number | undefined>): Promise<number | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(500);
  }
}

// ---- 4. cost ------------------------------------------------------------------------------------------

async function costWindow(cluster: BenchCluster, heartbeatEveryMs: number, sizes: MembershipSizes, log: MembershipEnv['log']): Promise<CostWindow> {
  const preset = CLUSTER_PRESETS.production;
  const ids = Array.from({ length: sizes.costNodes }, (_, i) => `cost-${i + 1}`);
  // The membership agent first, with the heartbeat interval under test (and the workflow task timeout a
  // node starts it with); the nodes find it running.
  const config = { ...membershipConfig(preset), detector: { ...preset.detector, heartbeatEveryMs } };
  const starter = new AgentClient({ client: cluster.client, kinds: [nodeDiscoveryAgent], workflowTaskTimeoutMs: CLUSTER_AGENT_TASK_TIMEOUT_MS });
  await starter.startAgent(nodeDiscoveryAgent, CLUSTER_IDS.nodeDiscovery, { node: ids[0] as string, state: { ...nodeDiscoveryAgent.initialState, config } });
  await addNodes(cluster, ids);
  const detectorIds = ids.map((id) => CLUSTER_IDS.detector(id, cluster.nodes.get(id)?.incarnation as number));
  for (const d of detectorIds) {
    const s = await cluster.agents.state<DetectorState>(d);
    if (s.config.heartbeatEveryMs !== heartbeatEveryMs) throw new Error(`${d} heartbeats every ${s.config.heartbeatEveryMs} ms, not ${heartbeatEveryMs}`);
  }
  await sleep(COST_SETTLE_MS);
  const topology = await cluster.topology();
  const client = cluster.client;
  const wf = {
    membership: agentWorkflowId(CLUSTER_IDS.nodeDiscovery),
    health: agentWorkflowId(CLUSTER_IDS.healthMonitor),
    detectors: detectorIds.map(agentWorkflowId),
  };
  const [membershipMark, healthMark, ...detectorMarks] = await Promise.all([wf.membership, wf.health, ...wf.detectors].map((id) => markHistory(client, id)));
  const t0 = performance.now();
  await sleep(sizes.costSeconds * 1000);
  const windowSec = (performance.now() - t0) / 1000;
  const [membership, health, ...detectors] = await Promise.all([
    eventsSince(client, membershipMark!, 'cluster.node.load'),
    eventsSince(client, healthMark!),
    ...detectorMarks.map((m) => eventsSince(client, m)),
  ]);
  const after = await cluster.topology();
  if (after.seq !== topology.seq) throw new Error(`cost window: the membership changed during the window (transitions ${topology.seq} → ${after.seq})`);
  const perNodeHour = (events: number): number => (events / ids.length) * (3600 / windowSec);
  const detectorEvents = detectors.reduce((a, d) => a + d.events, 0);
  const w: CostWindow = {
    heartbeatEveryMs,
    heartbeatTimeoutMs: topology.config.detector.heartbeatTimeoutMs,
    nodes: ids.length,
    windowSec: Math.round(windowSec * 10) / 10,
    loadReportMs: reportIntervalMs(topology),
    loadReports: membership!.messages,
    membership: { events: membership!.events, perNodePerHour: perNodeHour(membership!.events) },
    detectors: { events: detectorEvents, perNodePerHour: perNodeHour(detectorEvents) },
    healthMonitor: { events: health!.events, perNodePerHour: perNodeHour(health!.events) },
  };
  log(
    `cost, heartbeat every ${heartbeatEveryMs} ms: ${w.membership.events} membership events (${w.loadReports} load reports), ${w.detectors.events} detector events, ` +
      `${w.healthMonitor.events} health-monitor events in ${w.windowSec} s with ${w.nodes} nodes → membership ${w.membership.perNodePerHour.toFixed(0)}/node/h`,
  );
  return w;
}

// ---- the group ----------------------------------------------------------------------------------------

/** Where the code the nodes run lives. */
const RUNTIME_DIRS = ['src', 'workers', 'workflows', 'activities'];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A hash of every file under {@link RUNTIME_DIRS} as it is on disk now (committed or not). */
function codeFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(path.relative(ROOT, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const d of RUNTIME_DIRS) walk(path.join(ROOT, d));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The code under measurement: the commit, the changes to it not committed yet, and a fingerprint of the
 * files. Node processes load the sources as they start, so a change landing mid-run would mix versions:
 * the fingerprint is compared before and after.
 */
export function codeVersion(): { text: string; fingerprint: string } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000 }).trim();
  const fingerprint = codeFingerprint();
  try {
    // Not trimmed: a porcelain line is `XY path`, and X may be a space.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', ...RUNTIME_DIRS], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 }).split('\n').filter((l) => l.trim() !== '');
    const changes = dirty.length === 0 ? '' : ` with uncommitted changes to ${dirty.map((l) => l.slice(3)).join(', ')}`;
    return { text: `commit ${git('rev-parse', '--short', 'HEAD')}${changes} (files ${fingerprint})`, fingerprint };
  } catch (err) {
    return { text: `files ${fingerprint} (git: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, fingerprint };
  }
}

export async function runMembership(env: MembershipEnv, sizes: MembershipSizes): Promise<MembershipRaw> {
  const raw: MembershipRaw = { detection: [], stall: null, soak: null, cost: [], notes: [] };
  const codeBefore = codeVersion();
  /** What went other than planned (e.g. a killed node never declared down), for the notes. */
  const findings: string[] = [];
  // A part that fails (e.g. a membership agent that stops answering) is a finding, not the end of the run:
  // it is noted with where things stood, what it measured until then is kept, and the next part goes on
  // in a fresh cluster.
  const part = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const line = `Membership: ${what} did not complete: ${errorChain(err)}`;
      findings.push(line);
      env.log(line);
    }
  };
  for (const [i, preset] of sizes.presets.entries()) {
    await part(`the ${preset} cluster`, () =>
      withCluster(env, preset, async (cluster) => {
        const out: { raw: DetectionRaw | null } = { raw: null };
        await part(`detection (${preset}) after ${sizes.kills} kills`, () => detection(cluster, preset, sizes, env.log, out));
        if (out.raw !== null && out.raw.kills.length > 0) raw.detection.push(out.raw);
      }),
    );
    // The stall runs under the first preset (production by default), in clusters of their own.
    if (i === 0) {
      const stallRaw = emptyStall(preset);
      await part(`the stall runs (${sizes.stallRuns} per side and delay)`, () => stall(env, preset, sizes, findings, stallRaw));
      if (stallRaw.runs.length > 0) raw.stall = stallRaw;
    }
  }
  await part('the soak', () => withCluster(env, 'production', async (cluster) => void (raw.soak = await soak(cluster, sizes, env.log))));
  for (const hb of sizes.costHeartbeatsMs) {
    await part(`the cost window at ${hb} ms`, () => withCluster(env, 'production', async (cluster) => void raw.cost.push(await costWindow(cluster, hb, sizes, env.log))));
  }
  const codeAfter = codeVersion();
  raw.notes.push(
    codeAfter.fingerprint === codeBefore.fingerprint
      ? `Membership: code measured: ${codeBefore.text}.`
      : `Membership: the code changed during the run (${codeBefore.text} at the start, ${codeAfter.text} at the end): parts may have run different versions.`,
    `Membership: every part runs in a fresh cluster (its own dev server) with real node processes (workers/node.ts, the production workflow bundle). Detection: ${sizes.liveNodes} other nodes live throughout; each victim joins, is \`up\`, holds its lease ${LEASE_SETTLE_MS / 1000} s, then gets SIGKILL; time = the \`down\` (or \`suspect\`) transition's \`at\` (workflow time, the server's clock) − the harness's wall clock at the kill (same machine).`,
    'Membership: the nodes of the detection, stall and cost parts report a pinned load (LOAD_SAMPLE_FILE, cpu 0.2, memory 0.3) so that the health monitor cannot quarantine one in the middle; the soak\'s nodes report their real load.',
    `Membership stall: the runtime side is a fresh cluster of the first detection preset, ${sizes.liveNodes} nodes (agents started with the client's default ${AGENT_WORKFLOW_TASK_TIMEOUT_MS / 1000} s workflow task timeout); bare Temporal is \`bareCounter\` (its own bundle) on two plain workers with default options on the same server (sticky schedule-to-start ${BARE_STICKY_TIMEOUT_MS / 1000} s, workflow task timeout ${BARE_WORKFLOW_TASK_TIMEOUT_MS / 1000} s). The killed worker is the one that ran the workflow's last task (its sticky holder); each is replaced before the next run.`,
    `Membership cost: the membership agent is started by the harness with the heartbeat interval under test before any node joins; the window starts ${COST_SETTLE_MS / 1000} s after the last node is up. Lease heartbeats write no history: a lease costs its events when taken and when it returns (every lease term, ${CLUSTER_PRESETS.production.detector.leaseTermMs / 60_000} min in production), so a window shorter than that shows none for the detectors.`,
    ...findings,
  );
  return raw;
}
