/**
 * The failure detector of one node incarnation (src/cluster/detector.ts, src/cluster/agents/failure-detector.ts)
 * and the presets that time it (src/cluster/presets.ts), on Temporal's Java time-skipping test server: one
 * environment for this file, tests serial.
 *
 * What runs: a workflow worker with the production bundle; a real `nodeDiscovery` agent, which spawns the
 * detector when a node announces itself and receives its verdicts (asserted through its `jido.state` query:
 * the node's record and the transitions); and, per test, a fresh node id whose queue `node.<id>` is served by
 * an in-process activity worker running the REAL cluster activities (activities/cluster-activities.ts), bound
 * to a {@link TestHolder} the test controls (its incarnation, for fencing; `leave()`, for a released lease),
 * behind two thin wrappers that model a frozen process (SIGSTOP):
 * - `clusterLease` runs the real lease in a context whose `heartbeat` and `sleep` a frozen node does not get
 *   through: {@link TestNode.freezeLeases} stops the heartbeats and the loop, and holds back the completion,
 *   of the leases running at that moment (later leases run normally); {@link TestNode.thawLeases} lets them
 *   go on, and the real lease then hears from the server that it lost its lease.
 * - `clusterProbe` is the real probe, unless `probes` is `'hang'`: then it is picked up and never answered.
 *
 * Time: nothing here skips time, and nothing could. The timeouts that drive the detector (heartbeat,
 * schedule-to-start, start-to-close) are server timers, which fire in real time while time skipping is
 * locked (and the test server does not skip while an activity runs or waits for a worker, which a detector
 * always has); the lease term is the activity's own wall clock (`Date.now()`). So the lease/probe cases run
 * under a fast custom detector config ({@link FAST}) and take a few seconds each, and the presets' timings
 * (5 and 10 minute terms) are checked as the parameters they put on the scheduled activities, not by
 * waiting them out. Never `handle.result()` (nor `agents.stop`, which awaits it) here: see {@link completed}.
 *
 * A node frozen past the end of its lease's term hears that it lost the lease too: the lease checks, before
 * anything else, whether it was paused past its heartbeat timeout (it once returned `{ released: false }` at
 * the term instead, a completion the server refused, and the node never learned it was down).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { asyncLocalStorage, Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createClusterActivities, type LeaseHolder } from '../../activities/cluster-activities.js';
import { nodeTaskQueue } from '../../src/agent/agent-id.js';
import { AgentClient } from '../../src/client/agent-client.js';
import {
  CLUSTER_IDS,
  CLUSTER_KINDS,
  CLUSTER_PRESETS,
  DETECTOR_PRESETS,
  membershipConfig,
  MEMBERSHIP_DEFAULTS,
  nodeDiscoveryAgent,
  nodeSource,
  type AnnounceReply,
  type ClusterPresetName,
  type DetectorConfig,
  type DetectorState,
  type LeaseInput,
  type MembershipConfig,
  type MembershipState,
  type NodeAnnouncement,
  type ProbeInput,
} from '../../src/cluster/index.js';
import { stopMessage, type AgentResult } from '../../src/messages.js';
import { topicWorkflowId } from '../../src/topic/index.js';
import { waitFor } from '../../src/infra/wait.js';
import { createTimeSkippingEnv, freshId, startNodeWorkers, workflowTaskIdle, type NodeWorkers } from '../helpers/engines.js';

const { EventType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * A fast detector for the lease/probe cases: a lost lease is noticed about 1 s after the last heartbeat
 * (at most 1.8 s: the SDK throttles heartbeats to 80 % of the timeout), a probe answers or fails within
 * 1 s, and a lease is renewed every 3 s — long enough that a lease paused at its start is suspected,
 * refuted and resumed well before its term ends (the refuted case needs that).
 */
const FAST: DetectorConfig = { heartbeatTimeoutMs: 2_000, heartbeatEveryMs: 200, confirmTimeoutMs: 1_000, leaseTermMs: 4_000 };

let env: TestWorkflowEnvironment;
let workers: NodeWorkers;
let agents: AgentClient;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  // The shared workflow worker only (production bundle: nodeDiscovery, healthMonitor, failureDetector); each
  // test serves its node's queue itself.
  workers = await startNodeWorkers(env.nativeConnection, [], { bundle: 'production' });
  agents = new AgentClient({ client: env.client, kinds: [...CLUSTER_KINDS], taskQueue: workers.taskQueue, coalesce: false });
  // The topic the membership publishes its transitions on (no subscribers: it only has to exist).
  await env.client.workflow.start('topic', { workflowId: topicWorkflowId(CLUSTER_IDS.membershipTopic), taskQueue: workers.taskQueue, args: [{ topic: CLUSTER_IDS.membershipTopic }] });
});

afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

// ---- the node side -----------------------------------------------------------------------------------------

/** The node's membership, as the cluster activities see it: all of it in the test's hands. */
class TestHolder implements LeaseHolder {
  current: number | undefined;
  leaving = false;
  readonly leavingSignal: Promise<void>;
  /** What the activities told the holder, in order: `started 5`, `ended 5`, `lost 5: lease NOT_FOUND`. */
  readonly events: string[] = [];
  private startLeaving!: () => void;

  constructor(
    readonly nodeId: string,
    incarnation: number,
  ) {
    this.current = incarnation;
    this.leavingSignal = new Promise((resolve) => (this.startLeaving = resolve));
  }

  incarnation(): number | undefined {
    return this.current;
  }

  /** The node starts leaving: its leases return `{ released: true }`. */
  leave(): void {
    this.leaving = true;
    this.startLeaving();
  }

  leaseStarted(incarnation: number): void {
    this.events.push(`started ${incarnation}`);
  }

  leaseEnded(incarnation: number): void {
    this.events.push(`ended ${incarnation}`);
  }

  leaseLost(incarnation: number, _lease: string, reason: string): void {
    this.events.push(`lost ${incarnation}: ${reason}`);
  }
}

/** One running lease, as the wrapper sees it. */
interface LeaseGate {
  frozen: boolean;
  thawed: Promise<void>;
  thaw(): void;
}

interface TestNode {
  nodeId: string;
  incarnation: number;
  detectorId: string;
  holder: TestHolder;
  /** `'hang'`: probes are picked up and never answered (a frozen process holds its poll). */
  probes: 'answer' | 'hang';
  /** Leases as the node received them: input and the heartbeat timeout Temporal gave the activity. */
  leasesReceived: Array<{ input: LeaseInput; heartbeatTimeoutMs: number | undefined }>;
  /** Stops the heartbeats and the loop (and holds back the completion) of the leases running now; returns how many. */
  freezeLeases(): number;
  /** Lets frozen leases go on: they heartbeat, and complete, again. */
  thawLeases(): void;
  /** Stops the node's activity worker (idempotent). */
  stopWorker(): Promise<void>;
}

const nodes: TestNode[] = [];

/** Starts an activity worker for a fresh node id on `node.<id>`, with the real cluster activities behind the wrappers. */
async function startNode(prefix: string, incarnation = 1): Promise<TestNode> {
  const nodeId = freshId(prefix);
  const holder = new TestHolder(nodeId, incarnation);
  const real = createClusterActivities(holder);
  const running = new Set<LeaseGate>();
  const node: TestNode = {
    nodeId,
    incarnation,
    detectorId: CLUSTER_IDS.detector(nodeId, incarnation),
    holder,
    probes: 'answer',
    leasesReceived: [],
    freezeLeases: () => {
      for (const gate of running) gate.frozen = true;
      return running.size;
    },
    thawLeases: () => {
      for (const gate of running) gate.thaw();
    },
    stopWorker: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
  const activities = {
    async clusterProbe(input: ProbeInput): Promise<{ nodeId: string; incarnation: number; at: number }> {
      if (node.probes === 'hang') {
        // A probe does not heartbeat, so it never hears of its timeout: only the worker's shutdown ends it.
        await Context.current().cancelled;
      }
      return real.clusterProbe(input);
    },
    async clusterLease(input: LeaseInput): Promise<{ released: boolean }> {
      const ctx = Context.current();
      node.leasesReceived.push({ input, heartbeatTimeoutMs: ctx.info.heartbeatTimeoutMs });
      let thaw!: () => void;
      const gate: LeaseGate = {
        frozen: false,
        thawed: new Promise<void>((resolve) => (thaw = resolve)),
        thaw: () => {
          gate.frozen = false;
          thaw();
        },
      };
      running.add(gate);
      // The real lease, in a context where a frozen node neither heartbeats nor wakes from its sleep
      // (everything else, `cancelled` and `info` included, is the real context's).
      const gated = Object.create(ctx) as Context;
      Object.defineProperty(gated, 'heartbeat', { value: (details?: unknown) => (gate.frozen ? undefined : ctx.heartbeat(details)) });
      Object.defineProperty(gated, 'sleep', {
        value: async (ms: number) => {
          if (gate.frozen) await Promise.race([gate.thawed, ctx.cancelled]);
          return ctx.sleep(ms);
        },
      });
      try {
        const outcome = await asyncLocalStorage.run(gated, () => real.clusterLease(input)).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        // A frozen process does not report either: wait until thawed (or the worker stops).
        if (gate.frozen) await Promise.race([gate.thawed, ctx.cancelled]);
        if ('error' in outcome) throw outcome.error;
        return outcome.value;
      } finally {
        running.delete(gate);
      }
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: nodeTaskQueue(nodeId), activities, shutdownGraceTime: '300ms' });
  const run = worker.run();
  nodes.push(node);
  return node;
}

/** After each test: the node leaves (its detector ends with the released lease, if it still runs), its worker stops. */
afterEach(async () => {
  for (const node of nodes.splice(0)) {
    node.holder.leave();
    node.thawLeases();
    try {
      await detectorCompleted(node, 15_000);
    } finally {
      await node.stopWorker();
    }
  }
});

// ---- the cluster side --------------------------------------------------------------------------------------

const DISCOVERY = CLUSTER_IDS.nodeDiscovery;

/** Starts `cluster/node-discovery` with this membership config (its `detector` is what spawned detectors get). */
async function startDiscovery(config: MembershipConfig): Promise<void> {
  const ref = await agents.startAgent(nodeDiscoveryAgent, DISCOVERY, { node: 'seed', state: { ...nodeDiscoveryAgent.initialState, config } });
  expect(ref.started).toBe(true);
}

/**
 * Stops it (its id is fixed, so a test that needs another config stops it first). Not `agents.stop`, which
 * awaits the result (see {@link completed}).
 */
async function stopDiscovery(): Promise<void> {
  await agents.handle(DISCOVERY).signal(stopMessage, { reason: 'test done' });
  await completed(DISCOVERY);
}

/** Signals the membership agent refused or could not deliver (none expected: verdicts come from the right source). */
async function discoveryDeadLetters(): Promise<unknown[]> {
  await workflowTaskIdle(agents.handle(DISCOVERY));
  return (await agents.info(DISCOVERY)).deadLetters;
}

function announcement(node: TestNode): NodeAnnouncement {
  return {
    nodeId: node.nodeId,
    incarnation: node.incarnation,
    capabilities: [],
    labels: {},
    kinds: CLUSTER_KINDS.map((k) => k.name),
    activities: ['clusterLease', 'clusterProbe'],
    capacity: { cpus: 1, memoryBytes: 1024 ** 3, maxAgents: 100 },
    version: 'test',
    startedAt: Date.now(),
  };
}

/** The node announces itself (as the node: source `/node/<id>`); the membership spawns its detector. */
async function announce(node: TestNode): Promise<AnnounceReply> {
  return (await agents.call(DISCOVERY, { type: 'cluster.node.announce', source: nodeSource(node.nodeId), data: announcement(node) })) as AnnounceReply;
}

/** The membership, read between workflow tasks (see workflowTaskIdle in test/helpers/engines.ts). */
async function topology(): Promise<MembershipState> {
  await workflowTaskIdle(agents.handle(DISCOVERY));
  return agents.state<MembershipState>(DISCOVERY);
}

async function statusOf(node: TestNode, status: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const r = (await topology()).nodes[node.nodeId];
      return r?.incarnation === node.incarnation && r.status === status;
    },
    { what: `${node.nodeId}#${node.incarnation} ${status}`, intervalMs: 100, timeoutMs },
  );
}

/** The node's transitions (statuses, in order) with their reasons. */
async function transitionsOf(node: TestNode): Promise<Array<{ to: string; reason: string }>> {
  return (await topology()).transitions.filter((t) => t.nodeId === node.nodeId && t.incarnation === node.incarnation).map((t) => ({ to: t.to, reason: t.reason }));
}

async function detectorState(node: TestNode): Promise<DetectorState> {
  await workflowTaskIdle(agents.handle(node.detectorId));
  return agents.state<DetectorState>(node.detectorId);
}

async function waitDetector(node: TestNode, what: string, check: (s: DetectorState) => boolean, timeoutMs = 20_000): Promise<DetectorState> {
  let last: DetectorState | undefined;
  await waitFor(
    async () => {
      last = await detectorState(node);
      return check(last);
    },
    { what: `detector of ${node.nodeId}: ${what}`, intervalMs: 100, timeoutMs },
  );
  return last as DetectorState;
}

/**
 * Waits until an agent's workflow has completed and returns its result, read from the history. Never
 * `handle.result()`: the time-skipping client unlocks time skipping while it waits, and with nothing else
 * pending the test server then jumps to the next deadline it knows — the 10-year default execution timeout
 * of every idle agent (nodeDiscovery included), which all time out at once.
 */
async function completed(agentId: string, timeoutMs = 20_000): Promise<AgentResult> {
  const handle = agents.handle(agentId);
  let status = '';
  await waitFor(
    async () => {
      // The membership spawns the detector after it answers the announcement: it may not exist yet.
      const described = await handle.describe().catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      });
      if (described === undefined) return false;
      status = described.status.name;
      if (status !== 'RUNNING' && status !== 'COMPLETED') throw new Error(`${agentId} ended ${status}, not COMPLETED`);
      return status === 'COMPLETED';
    },
    { what: `${agentId} completed`, intervalMs: 100, timeoutMs },
  );
  const events = (await handle.fetchHistory()).events ?? [];
  const payload = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  if (payload === undefined || payload === null) throw new Error(`${agentId} completed without a result`);
  return defaultPayloadConverter.fromPayload(payload);
}

const detectorCompleted = (node: TestNode, timeoutMs?: number): Promise<AgentResult> => completed(node.detectorId, timeoutMs);

// ---- the detector's history ----------------------------------------------------------------------------------

async function detectorHistory(node: TestNode): Promise<HistoryEvent[]> {
  return (await agents.handle(node.detectorId).fetchHistory()).events ?? [];
}

function durationMs(d: temporal.api.history.v1.IActivityTaskScheduledEventAttributes['heartbeatTimeout']): number | undefined {
  if (d === null || d === undefined) return undefined;
  return Number(String(d.seconds ?? 0)) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}

interface Scheduled {
  activity: string;
  taskQueue: string;
  input: unknown;
  scheduleToStartMs: number | undefined;
  startToCloseMs: number | undefined;
  heartbeatTimeoutMs: number | undefined;
  maximumAttempts: number | undefined;
}

/** The activities the detector scheduled, in order, with the parameters Temporal recorded. */
function scheduled(history: HistoryEvent[], activity?: string): Scheduled[] {
  const out: Scheduled[] = [];
  for (const e of history) {
    const a = e.activityTaskScheduledEventAttributes;
    if (e.eventType !== EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED || a === null || a === undefined) continue;
    const name = a.activityType?.name ?? '';
    if (activity !== undefined && name !== activity) continue;
    const payload = a.input?.payloads?.[0];
    out.push({
      activity: name,
      taskQueue: a.taskQueue?.name ?? '',
      input: payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload),
      scheduleToStartMs: durationMs(a.scheduleToStartTimeout),
      startToCloseMs: durationMs(a.startToCloseTimeout),
      heartbeatTimeoutMs: durationMs(a.heartbeatTimeout),
      maximumAttempts: a.retryPolicy?.maximumAttempts ?? undefined,
    });
  }
  return out;
}

/** How each activity of the history ended: `clusterLease completed`, `clusterProbe timed out START_TO_CLOSE` … */
function outcomes(history: HistoryEvent[]): string[] {
  const names = new Map<string, string>();
  const out: string[] = [];
  for (const e of history) {
    const id = String(e.eventId ?? '');
    if (e.activityTaskScheduledEventAttributes) names.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    const name = (scheduledId: unknown): string => names.get(String(scheduledId ?? '')) ?? '?';
    if (e.activityTaskCompletedEventAttributes) out.push(`${name(e.activityTaskCompletedEventAttributes.scheduledEventId)} completed`);
    if (e.activityTaskFailedEventAttributes) {
      const f = e.activityTaskFailedEventAttributes;
      out.push(`${name(f.scheduledEventId)} failed ${f.failure?.applicationFailureInfo?.type ?? ''}`.trim());
    }
    if (e.activityTaskTimedOutEventAttributes) {
      const f = e.activityTaskTimedOutEventAttributes;
      const type = String(temporal.api.enums.v1.TimeoutType[f.failure?.timeoutFailureInfo?.timeoutType ?? 0]).replace(/^TIMEOUT_TYPE_/, '');
      out.push(`${name(f.scheduledEventId)} timed out ${type}`);
    }
    if (e.activityTaskCanceledEventAttributes) out.push(`${name(e.activityTaskCanceledEventAttributes.scheduledEventId)} cancelled`);
  }
  return out;
}

/** The results of the completed activities, in order. */
function completedResults(history: HistoryEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of history) {
    const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    if (payload !== undefined && payload !== null) out.push(defaultPayloadConverter.fromPayload(payload));
  }
  return out;
}

// ---- the tests -----------------------------------------------------------------------------------------------

describe('presets reach Temporal', () => {
  // nodeDiscovery's id is fixed: one run per preset, stopped before the next one starts.
  it.each(['development', 'production'] as const)(
    'the %s preset: the probe and the lease are scheduled on the node queue with the preset’s timeouts and no retry',
    async (name: ClusterPresetName) => {
      const preset = CLUSTER_PRESETS[name];
      expect(preset.detector).toEqual(DETECTOR_PRESETS[name]);
      const d = preset.detector;
      await startDiscovery(membershipConfig(preset));
      try {
        const node = await startNode(`preset-${name.slice(0, 3)}`);
        const reply = await announce(node);
        expect(reply).toMatchObject({ accepted: 'new', nodeId: node.nodeId, incarnation: 1, status: 'joining', detector: d });
        await statusOf(node, 'up');
        const state = await waitDetector(node, 'leasing', (s) => s.phase === 'leasing');
        expect(state).toMatchObject({ nodeId: node.nodeId, incarnation: 1, config: d, leases: 1, suspicions: 0 });

        const history = await detectorHistory(node);
        const queue = nodeTaskQueue(node.nodeId);
        expect(scheduled(history)).toEqual([
          {
            activity: 'clusterProbe',
            taskQueue: queue,
            input: { nodeId: node.nodeId, incarnation: 1 },
            scheduleToStartMs: d.confirmTimeoutMs,
            startToCloseMs: d.confirmTimeoutMs,
            heartbeatTimeoutMs: 0, // none
            maximumAttempts: 1,
          },
          {
            activity: 'clusterLease',
            taskQueue: queue,
            input: { nodeId: node.nodeId, incarnation: 1, termMs: d.leaseTermMs, heartbeatEveryMs: d.heartbeatEveryMs },
            scheduleToStartMs: d.confirmTimeoutMs,
            startToCloseMs: d.leaseTermMs + 2 * d.heartbeatTimeoutMs,
            heartbeatTimeoutMs: d.heartbeatTimeoutMs,
            maximumAttempts: 1,
          },
        ]);
        // The node's worker got the lease with the preset's heartbeat timeout.
        await waitFor(async () => node.leasesReceived.length === 1, { what: 'the lease on the node', intervalMs: 50 });
        expect(node.leasesReceived[0]?.heartbeatTimeoutMs).toBe(d.heartbeatTimeoutMs);
      } finally {
        // (The node leaves in afterEach: its detector ends with the released lease, reporting nothing.)
        await stopDiscovery();
      }
    },
  );
});

describe('lease and probe (fast detector config)', () => {
  beforeAll(async () => {
    await startDiscovery({ ...MEMBERSHIP_DEFAULTS, detector: FAST });
  });

  afterAll(async () => {
    await stopDiscovery();
  });

  it('joins (joining → up) when the probe is answered, and renews the lease every term without a transition', async () => {
    const node = await startNode('join');
    expect(await announce(node)).toMatchObject({ accepted: 'new', status: 'joining', detector: FAST });
    await statusOf(node, 'up');
    // Two renewals: three leases taken, each after the previous one's term (3 s of the node's clock).
    const state = await waitDetector(node, 'three leases', (s) => s.leases >= 3);
    expect(state).toMatchObject({ phase: 'leasing', incarnation: 1, suspicions: 0 });
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
    ]);
    const history = await detectorHistory(node);
    expect(scheduled(history).map((s) => s.activity).slice(0, 4)).toEqual(['clusterProbe', 'clusterLease', 'clusterLease', 'clusterLease']);
    expect(outcomes(history).slice(0, 3)).toEqual(['clusterProbe completed', 'clusterLease completed', 'clusterLease completed']);
    expect(node.holder.events.slice(0, 4)).toEqual(['started 1', 'ended 1', 'started 1', 'ended 1']);
    await workflowTaskIdle(agents.handle(node.detectorId));
    expect((await agents.info(node.detectorId)).deadLetters).toEqual([]);
    expect(await discoveryDeadLetters()).toEqual([]);
  });

  it('a lease that stops heartbeating makes the node suspect; a probe that is not answered makes it down, and the detector ends', async () => {
    const node = await startNode('frozen');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    // SIGSTOP, as far as the server can tell: no heartbeat, no answer.
    node.probes = 'hang';
    expect(node.freezeLeases()).toBe(1);

    const result = await detectorCompleted(node);
    const final = result.state as DetectorState;
    expect(final).toMatchObject({ phase: 'ended', leases: 1, suspicions: 1, ended: 'probe failed: activity timed out (START_TO_CLOSE)' });
    await statusOf(node, 'down');
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
      { to: 'suspect', reason: 'lease lost: activity timed out (HEARTBEAT)' },
      { to: 'down', reason: 'probe-failed: probe failed: activity timed out (START_TO_CLOSE)' },
    ]);
    const history = await detectorHistory(node);
    expect(outcomes(history)).toEqual(['clusterProbe completed', 'clusterLease timed out HEARTBEAT', 'clusterProbe timed out START_TO_CLOSE']);
    expect(scheduled(history).map((s) => s.activity)).toEqual(['clusterProbe', 'clusterLease', 'clusterProbe']);
    expect(result.info.deadLetters).toEqual([]);
    expect(await discoveryDeadLetters()).toEqual([]);
  });

  it('a suspicion refuted by the probe: suspect → up under the same incarnation, and a new lease; the paused lease hears it lost its lease', async () => {
    const node = await startNode('refuted');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    // A pause of the lease only (say a long GC pause of its loop, shorter than the lease's term): probes are
    // answered. It resumes as soon as the detector suspects it, well inside the term (see FAST).
    expect(node.freezeLeases()).toBe(1);
    await waitDetector(node, 'a suspicion', (s) => s.suspicions === 1, 10_000);
    node.thawLeases();

    const state = await waitDetector(node, 'suspicion refuted, new lease', (s) => s.phase === 'leasing' && s.leases === 2);
    expect(state).toMatchObject({ incarnation: 1, suspicions: 1 });
    await statusOf(node, 'up');
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
      { to: 'suspect', reason: 'lease lost: activity timed out (HEARTBEAT)' },
      { to: 'up', reason: 'suspicion refuted: the node answered its probe' },
    ]);
    const history = await detectorHistory(node);
    expect(scheduled(history).map((s) => s.activity).slice(0, 4)).toEqual(['clusterProbe', 'clusterLease', 'clusterProbe', 'clusterLease']);
    expect(outcomes(history).slice(0, 3)).toEqual(['clusterProbe completed', 'clusterLease timed out HEARTBEAT', 'clusterProbe completed']);
    // The resumed lease sees it was paused past its heartbeat timeout, so the server has failed it (what
    // workers/member.ts turns into "wait for the verdict"); the detector holds a new lease meanwhile.
    await waitFor(async () => node.holder.events.some((e) => e.startsWith('lost 1')), { what: 'the paused lease told it was lost', intervalMs: 50 });
    expect(node.holder.events.filter((e) => e.startsWith('lost'))).toEqual([expect.stringMatching(/^lost 1: lease (paused \d+ ms, past its heartbeat timeout of 2000 ms|TIMED_OUT|NOT_FOUND)$/)]);
    // The new lease is held: no second suspicion over two heartbeat timeouts.
    await waitFor(async () => node.leasesReceived.length === 2, { what: 'the second lease on the node', intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 2 * FAST.heartbeatTimeoutMs));
    expect(await detectorState(node)).toMatchObject({ phase: 'leasing', suspicions: 1 });
    expect((await transitionsOf(node)).map((t) => t.to)).toEqual(['joining', 'up', 'suspect', 'up']);
    expect(await discoveryDeadLetters()).toEqual([]);
  });

  it('a node frozen past its lease\'s term still hears it lost the lease (and is down)', async () => {
    const node = await startNode('past-term');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    node.probes = 'hang';
    expect(node.freezeLeases()).toBe(1);
    await detectorCompleted(node);
    await statusOf(node, 'down');
    // Resumed after the whole term (3 s) has passed.
    await new Promise((r) => setTimeout(r, FAST.leaseTermMs));
    node.thawLeases();
    await waitFor(async () => node.holder.events.some((e) => e.startsWith('lost 1')), { what: 'the lease told it was lost', intervalMs: 50 });
    expect(node.holder.events.filter((e) => e.startsWith('lost'))).toEqual([expect.stringMatching(/^lost 1: lease (paused \d+ ms|TIMED_OUT|NOT_FOUND)/)]);
  });

  it('a node whose activity worker stops without leaving: the lease fails, suspect; the probe is never picked up (SCHEDULE_TO_START) → down', async () => {
    const node = await startNode('gone');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    // The worker's shutdown cancels the running lease (the SDK fails it as WorkerShutdown); then nothing
    // polls node.<id> any more.
    await node.stopWorker();

    const result = await detectorCompleted(node);
    expect(result.state).toMatchObject({ phase: 'ended', leases: 1, suspicions: 1, ended: 'probe failed: activity timed out (SCHEDULE_TO_START)' });
    await statusOf(node, 'down');
    const transitions = await transitionsOf(node);
    expect(transitions.map((t) => t.to)).toEqual(['joining', 'up', 'suspect', 'down']);
    expect(transitions[2]?.reason).toMatch(/^lease lost: /);
    expect(transitions[3]?.reason).toBe('probe-failed: probe failed: activity timed out (SCHEDULE_TO_START)');
    expect(outcomes(await detectorHistory(node))).toEqual(['clusterProbe completed', 'clusterLease failed WorkerShutdown', 'clusterProbe timed out SCHEDULE_TO_START']);
    expect(node.holder.events).toEqual(['started 1', 'ended 1']);
  });

  it('fencing: a node whose incarnation changed refuses the lease (NodeFenced): down, cause fenced, no suspicion', async () => {
    const node = await startNode('fenced');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    // The process is incarnation 2 now (it restarted under the same id): it will not hold incarnation 1's lease.
    node.holder.current = 2;

    const result = await detectorCompleted(node);
    const reason = 'fenced: node NODE incarnation 2 will not act for NODE incarnation 1'.replaceAll('NODE', node.nodeId);
    expect(result.state).toMatchObject({ phase: 'ended', leases: 1, suspicions: 0, ended: reason });
    await statusOf(node, 'down');
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
      { to: 'down', reason: `fenced: ${reason}` },
    ]);
    const history = await detectorHistory(node);
    expect(outcomes(history)).toEqual(['clusterProbe completed', 'clusterLease failed NodeFenced']);
    expect(node.holder.events).toEqual(['started 1', 'ended 1']);
    expect(await discoveryDeadLetters()).toEqual([]);
  });

  it('fencing at the probe: an incarnation the node no longer is never comes up (joining → down, cause fenced), no lease', async () => {
    const node = await startNode('fenced-probe');
    node.holder.current = 2; // announced as 1, but the process answering the queue is 2
    await announce(node);

    const result = await detectorCompleted(node);
    expect(result.state).toMatchObject({ phase: 'ended', leases: 0, suspicions: 0, ended: expect.stringMatching(/^fenced: node .* incarnation 2 will not act for .* incarnation 1$/) });
    await statusOf(node, 'down');
    expect((await transitionsOf(node)).map((t) => t.to)).toEqual(['joining', 'down']);
    expect((await transitionsOf(node))[1]?.reason).toMatch(/^fenced: fenced: /);
    const history = await detectorHistory(node);
    expect(scheduled(history).map((s) => s.activity)).toEqual(['clusterProbe']);
    expect(outcomes(history)).toEqual(['clusterProbe failed NodeFenced']);
    expect(node.leasesReceived).toEqual([]);
  });

  it('a graceful leave: the lease returns released, the detector ends, and no suspicion follows', async () => {
    const node = await startNode('leaving');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    // As workers/member.ts leaves: tell the membership, then release the lease.
    expect(await agents.call(DISCOVERY, { type: 'cluster.node.leave', source: nodeSource(node.nodeId), data: { nodeId: node.nodeId, incarnation: 1, reason: 'test leave' } })).toEqual({
      status: 'left',
    });
    node.holder.leave();

    const result = await detectorCompleted(node);
    expect(result.state).toMatchObject({ phase: 'ended', leases: 1, suspicions: 0, ended: 'lease released: the node left' });
    expect(result.reason).toBe('lease released: the node left');
    const history = await detectorHistory(node);
    expect(outcomes(history)).toEqual(['clusterProbe completed', 'clusterLease completed']);
    expect(completedResults(history)).toEqual([{ nodeId: node.nodeId, incarnation: 1, at: expect.any(Number) }, { released: true }]);
    // The detector ended with the lease: nothing can make the node suspect afterwards.
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
      { to: 'left', reason: 'test leave' },
    ]);
  });

  it('a leave whose call never arrived: the released lease makes the detector report it (left, not up forever)', async () => {
    const node = await startNode('lost-leave');
    await announce(node);
    await statusOf(node, 'up');
    await waitFor(async () => node.holder.events.includes('started 1'), { what: 'the lease running', intervalMs: 20 });
    node.holder.leave(); // no cluster.node.leave call
    await detectorCompleted(node);
    await statusOf(node, 'left');
    expect(await transitionsOf(node)).toEqual([
      { to: 'joining', reason: 'announced' },
      { to: 'up', reason: 'lease granted' },
      { to: 'left', reason: 'lease released: the node left' },
    ]);
  });
});
