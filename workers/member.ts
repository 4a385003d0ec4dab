/**
 * A node's membership in the cluster: the node side of `cluster/node-discovery`.
 *
 * - **Join.** Starts the cluster agents and topics if this is the first node (idempotent: every node
 *   tries, the first wins), picks an incarnation newer than any the membership knows for this node id,
 *   waits while a previous incarnation of the same id is still live (it is declared down within seconds),
 *   and announces itself (`cluster.node.announce`, a call).
 * - **Report.** Sends `cluster.node.load` at the interval the membership gives (it grows with the cluster
 *   so that the whole cluster stays within a few signals per second into the membership agent). The load
 *   comes from a {@link LoadSampler}: the machine's own by default; tests and the bench inject one from a
 *   file (`LOAD_SAMPLE_FILE`), the only thing outside the system that they mock.
 * - **Lease.** Implements {@link LeaseHolder} for the lease/probe activities. When the server times its
 *   lease out (the process was frozen or starved), the node watches the membership: if its incarnation is
 *   declared down it **fences** itself (unmounts every hosted agent: no node-local work under the old
 *   identity) and rejoins under a new incarnation. A refuted suspicion keeps the incarnation.
 * - **Leave.** On SIGTERM/SIGINT: `cluster.node.leave` (a call), the lease returns `released`, then the
 *   workers stop. A leave is not a failure.
 *
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { AgentHost, LeaseHolder } from '../activities/index.js';
import { agentWorkflowId } from '../src/agent/agent-id.js';
import { remountMessage } from '../src/messages.js';
import type { JsonValue } from '../src/signal/index.js';
import { AgentNodeKey } from '../src/search-attributes.js';
import { AgentClient } from '../src/client/index.js';
import {
  CLUSTER_IDS,
  CLUSTER_KINDS,
  healthConfig,
  healthMonitorAgent,
  isLive,
  LEASE_ACTIVITY,
  membershipConfig,
  migrationManagerAgent,
  MIGRATION_MANAGER_INITIAL,
  loadBalancerAgent,
  LOAD_BALANCER_INITIAL,
  resourceManagerAgent,
  nodeDiscoveryAgent,
  nodeLoadSchema,
  nodeSource,
  PROBE_ACTIVITY,
  reportIntervalMs,
  type AnnounceReply,
  type ClusterPreset,
  type DetectorConfig,
  type MembershipState,
  type MigrationManagerState,
  type LoadBalancerState,
  type NodeAnnouncement,
  type NodeLoad,
} from '../src/cluster/index.js';
import { topicWorkflowId } from '../src/topic/index.js';
import type { Pino } from '../src/infra/logger.js';

/** Where a node's load comes from. */
export interface LoadSampler {
  sample(): NodeLoad;
}

/** Mean schedule-to-completion time of the node's activities (the cluster's own excluded), per interval. */
export class ActivityLatency {
  private total = 0;
  private count = 0;

  readonly interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const { activityType, scheduledTimestampMs } = ctx.info;
        try {
          return await next(input);
        } finally {
          if (activityType !== LEASE_ACTIVITY && activityType !== PROBE_ACTIVITY) {
            this.total += Math.max(0, Date.now() - scheduledTimestampMs);
            this.count++;
          }
        }
      },
    },
  });

  /** The mean since the last call, and reset (0 when nothing ran). */
  take(): number {
    const mean = this.count === 0 ? 0 : this.total / this.count;
    this.total = 0;
    this.count = 0;
    return mean;
  }
}

/** The machine's load: CPU utilisation between samples, used memory, the host's agents, activity latency, event-loop lag. */
export function machineSampler(host: AgentHost, latency: ActivityLatency): LoadSampler {
  const cpuTimes = (): { idle: number; total: number } => {
    let idle = 0;
    let total = 0;
    for (const c of os.cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
    }
    return { idle, total };
  };
  let last = cpuTimes();
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  return {
    sample() {
      const now = cpuTimes();
      const total = now.total - last.total;
      const cpu = total > 0 ? 1 - (now.idle - last.idle) / total : 0;
      last = now;
      const lagMs = Number.isFinite(lag.percentile(99)) ? lag.percentile(99) / 1e6 : 0;
      lag.reset();
      return {
        cpu: Math.min(1, Math.max(0, cpu)),
        memory: Math.min(1, Math.max(0, 1 - os.freemem() / os.totalmem())),
        hostedAgents: host.size,
        activityLatencyMs: latency.take(),
        eventLoopLagMs: lagMs,
      };
    },
  };
}

/**
 * A sampler whose values come from a JSON file, read at every sample, over a base sampler: tests and the
 * bench give a node a chosen load by writing `{ "cpu": 0.99 }` there. A missing or unreadable file, or a
 * field that is not a number, leaves the base value.
 */
export function fileSampler(file: string, base: LoadSampler): LoadSampler {
  return {
    sample() {
      const sample = base.sample();
      let overrides: Record<string, unknown> = {};
      try {
        overrides = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return sample;
      }
      const merged: Record<string, unknown> = { ...sample };
      for (const key of Object.keys(sample)) if (typeof overrides[key] === 'number') merged[key] = overrides[key];
      return nodeLoadSchema.parse(merged);
    },
  };
}

export interface NodeMemberOptions {
  nodeId: string;
  client: Client;
  taskQueue: string;
  host: AgentHost;
  preset: ClusterPreset;
  sampler: LoadSampler;
  log: Pino;
  capabilities: string[];
  labels: Record<string, string>;
  /** Workflow types (agent kinds and the topic) the node's bundle runs. */
  kinds: string[];
  activities: string[];
  maxAgents: number;
  version: string;
  metricsAddress?: string;
  /** Told when the node (re)joins, e.g. to tell a parent process. */
  onJoined?: (incarnation: number) => void;
}

type Phase = 'idle' | 'joining' | 'member' | 'lost' | 'leaving' | 'left';

export class NodeMember implements LeaseHolder {
  readonly nodeId: string;
  private readonly agents: AgentClient;
  private readonly startedAt = Date.now();
  private current: number | undefined;
  private phase: Phase = 'idle';
  private reportEveryMs: number;
  private reportTimer: NodeJS.Timeout | undefined;
  private reportsSent = 0;
  private readonly watchdog: NodeJS.Timeout;
  /** The lease activity that holds this incarnation now (the latest started), if one runs. */
  private lease: string | undefined;
  /** When this incarnation last held a lease (or joined). */
  private leaseSeenAt = Date.now();
  private detector: DetectorConfig;
  private verdictPending = false;
  private homedAgents: number | undefined;
  private homedByKind: Record<string, number> | undefined;
  /** Client work in flight (see `settled`). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private leaveRequested!: () => void;
  readonly leavingSignal: Promise<void>;

  constructor(private readonly o: NodeMemberOptions) {
    this.nodeId = o.nodeId;
    this.reportEveryMs = o.preset.loadReportMs;
    this.detector = o.preset.detector;
    // The cluster's own agents replay long runs of large state: Temporal's default 10 s workflow task timeout.
    this.agents = new AgentClient({
      client: o.client,
      kinds: [...CLUSTER_KINDS],
      taskQueue: o.taskQueue,
      source: nodeSource(o.nodeId),
      coalesce: false,
      defaultNode: o.nodeId,
      workflowTaskTimeoutMs: 10_000,
    });
    this.leavingSignal = new Promise((resolve) => (this.leaveRequested = resolve));
    // A node declared down while it held no lease (its first probe failed; frozen between two terms) never
    // hears of it from a lease: check the detector once no lease has been seen for a detection time.
    this.watchdog = setInterval(() => this.checkLease(), 1_000);
    this.watchdog.unref();
  }

  incarnation(): number | undefined {
    return this.phase === 'left' ? undefined : this.current;
  }

  get leaving(): boolean {
    return this.phase === 'leaving' || this.phase === 'left';
  }

  get status(): Phase {
    return this.phase;
  }

  /**
   * Keeps count of a piece of client work until it settles. The Temporal client retries a failed gRPC call
   * from a timer; closing its connection meanwhile makes that timer throw ("Channel has been shut down")
   * and takes the process down, so the connection is closed only once the member has `settled`.
   */
  private track<T>(work: Promise<T>): Promise<T> {
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return work;
  }

  /** After `stop()`: resolves true once none of this member's client calls is in flight, false after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.inFlight), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
    return this.inFlight.size === 0;
  }

  /** Joins the cluster (resolves once the announcement is accepted, or the node starts leaving). */
  join(): Promise<void> {
    return this.track(this.joinLoop());
  }

  private async joinLoop(): Promise<void> {
    this.phase = 'joining';
    for (let backoff = 250; !this.leaving; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        await this.ensureClusterAgents();
        break;
      } catch (err) {
        this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'cannot start the cluster agents yet; retrying');
        await sleep(backoff);
      }
    }
    await this.announce();
  }

  /** Starts the cluster's agents and topics if they are not running (every node tries; the first wins). */
  async ensureClusterAgents(): Promise<void> {
    const { preset, nodeId } = this.o;
    await this.agents.startAgent(nodeDiscoveryAgent, CLUSTER_IDS.nodeDiscovery, { node: nodeId, state: { ...nodeDiscoveryAgent.initialState, config: membershipConfig(preset) } });
    await this.agents.startAgent(healthMonitorAgent, CLUSTER_IDS.healthMonitor, { node: nodeId, state: { ...healthMonitorAgent.initialState, config: healthConfig(preset) } });
    // The migration manager learns nodes from the membership topic, seeded with the topology of now.
    const known = await this.agents.state<MembershipState>(CLUSTER_IDS.nodeDiscovery).catch(() => undefined);
    const nodes: MigrationManagerState['nodes'] = {};
    for (const [id, r] of Object.entries(known?.nodes ?? {})) nodes[id] = { incarnation: r.incarnation, status: r.status };
    await this.agents.startAgent(migrationManagerAgent, CLUSTER_IDS.migrationManager, { node: nodeId, state: { ...MIGRATION_MANAGER_INITIAL, nodes } });
    // The load balancer too; each node then sends it its own row (what it announced, its load).
    const rows: LoadBalancerState['nodes'] = {};
    for (const [id, r] of Object.entries(known?.nodes ?? {})) {
      const { capabilities, labels, kinds, capacity } = r.info;
      rows[id] = { nodeId: id, incarnation: r.incarnation, status: r.status, capabilities, labels, kinds, capacity, agents: r.lastLoad?.hostedAgents ?? 0, known: true, ...(r.lastLoad !== undefined ? { load: r.lastLoad } : {}) };
    }
    await this.agents.startAgent(loadBalancerAgent, CLUSTER_IDS.loadBalancer, { node: nodeId, state: { ...LOAD_BALANCER_INITIAL, nodes: rows } });
    await this.agents.startAgent(resourceManagerAgent, CLUSTER_IDS.resourceManager, { node: nodeId });
    await this.agents.subscribe(CLUSTER_IDS.membershipTopic, [CLUSTER_IDS.healthMonitor, CLUSTER_IDS.migrationManager, CLUSTER_IDS.loadBalancer]);
    try {
      await this.o.client.workflow.start('topic', {
        workflowId: topicWorkflowId(CLUSTER_IDS.healthTopic),
        taskQueue: this.o.taskQueue,
        args: [{ topic: CLUSTER_IDS.healthTopic }],
        staticSummary: `topic ${CLUSTER_IDS.healthTopic}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** The membership agent's state (a query: writes no history). */
  async topology(): Promise<MembershipState> {
    return this.agents.state<MembershipState>(CLUSTER_IDS.nodeDiscovery);
  }

  private announcement(incarnation: number): NodeAnnouncement {
    const o = this.o;
    const a: NodeAnnouncement = {
      nodeId: o.nodeId,
      incarnation,
      capabilities: o.capabilities,
      labels: o.labels,
      kinds: o.kinds,
      activities: o.activities,
      capacity: { cpus: os.cpus().length || 1, memoryBytes: os.totalmem(), maxAgents: o.maxAgents },
      version: o.version,
      startedAt: this.startedAt,
    };
    if (o.metricsAddress !== undefined) a.metricsAddress = o.metricsAddress;
    return a;
  }

  /**
   * Announces under an incarnation newer than the membership's last one for this id, once no earlier
   * incarnation of it is live. Retries (the membership may be starting, or the previous incarnation not
   * yet declared down) until accepted or leaving; an announcement whose reply was lost is repeated under
   * the same incarnation (the membership answers `already`).
   */
  private async announce(): Promise<void> {
    let waitingSince: number | undefined;
    let backoff = 250;
    const retry = async (): Promise<void> => {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 2_000);
    };
    while (!this.leaving) {
      try {
        const known = (await this.topology()).nodes[this.nodeId];
        let incarnation = Math.max(Date.now(), (this.current ?? 0) + 1);
        if (known !== undefined) {
          if (isLive(known.status) && known.incarnation === this.current) {
            incarnation = known.incarnation; // accepted before, reply lost: the same again
          } else if (isLive(known.status)) {
            waitingSince ??= Date.now();
            if (Date.now() - waitingSince > 2_000) this.o.log.warn({ node: this.nodeId, incarnation: known.incarnation, status: known.status }, 'waiting for the previous incarnation of this node to be declared down');
            await retry();
            continue;
          } else {
            incarnation = Math.max(incarnation, known.incarnation + 1);
          }
        }
        this.current = incarnation;
        const reply = (await this.agents.call(CLUSTER_IDS.nodeDiscovery, { type: 'cluster.node.announce', data: this.announcement(incarnation) })) as AnnounceReply;
        if (this.leaving) return;
        this.reportEveryMs = reply.reportIntervalMs;
        this.detector = reply.detector;
        this.leaseSeenAt = Date.now();
        this.phase = 'member';
        this.o.log.info({ node: this.nodeId, incarnation, status: reply.status, reportEveryMs: reply.reportIntervalMs, liveNodes: reply.liveNodes }, 'joined the cluster');
        this.o.onJoined?.(incarnation);
        this.scheduleReport(0);
        void this.track(this.remountHomed());
        return;
      } catch (err) {
        this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'announcement not accepted yet; retrying');
        await retry();
      }
    }
  }

  private scheduleReport(delayMs: number): void {
    clearTimeout(this.reportTimer);
    if (this.phase !== 'member') return;
    this.reportTimer = setTimeout(() => void this.track(this.report()), delayMs);
    this.reportTimer.unref();
  }

  /**
   * One load report, as a signal. (Not a call: a stream of calls interleaved with the membership's other
   * signals once failed a full replay of the membership agent with a nondeterminism error — see the
   * README's known issues.) The interval for the cluster's size comes from the announcement's reply and is
   * refreshed by query (no history) every few reports, more often while the node is new.
   */
  private async report(): Promise<void> {
    if (this.phase !== 'member' || this.current === undefined) return;
    const incarnation = this.current;
    try {
      const load = this.o.sampler.sample();
      const at = Date.now();
      await this.agents.send(CLUSTER_IDS.nodeDiscovery, { type: 'cluster.node.load', data: { nodeId: this.nodeId, incarnation, load, at } });
      // The load balancer's row of this node, with the agents homed here (a visibility count, every 10th report).
      if (this.reportsSent % 10 === 0) [this.homedAgents, this.homedByKind] = [await this.countHomed(), await this.countHomedByKind()];
      const row: Record<string, JsonValue> = { info: this.announcement(incarnation) as unknown as JsonValue, load: { ...load, at } };
      if (this.homedAgents !== undefined) row.homedAgents = this.homedAgents;
      if (this.homedByKind !== undefined) row.homedByKind = this.homedByKind;
      await this.agents.send(CLUSTER_IDS.loadBalancer, { type: 'cluster.placement.node', data: row });
      this.reportsSent++;
      if (this.reportsSent <= 3 || this.reportsSent % 10 === 0) this.reportEveryMs = reportIntervalMs(await this.topology());
    } catch (err) {
      this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'load report failed');
    }
    this.scheduleReport(this.reportEveryMs);
  }

  /** Running agents homed on this node (visibility: eventually consistent), or undefined when it cannot tell. */
  private async countHomed(): Promise<number | undefined> {
    try {
      return (await this.o.client.workflow.count(`${AgentNodeKey.name} = '${this.nodeId}' AND ExecutionStatus = 'Running'`)).count;
    } catch {
      return undefined;
    }
  }

  /** Running agents homed here per kind (one visibility count per kind this node runs; kinds with none left out). */
  private async countHomedByKind(): Promise<Record<string, number> | undefined> {
    try {
      const out: Record<string, number> = {};
      for (const kind of this.o.kinds) {
        const n = (await this.o.client.workflow.count(`${AgentNodeKey.name} = '${this.nodeId}' AND AgentKind = '${kind}' AND ExecutionStatus = 'Running'`)).count;
        if (n > 0) out[kind] = n;
      }
      return out;
    } catch {
      return undefined;
    }
  }

  // ---- LeaseHolder ------------------------------------------------------------------------------------

  leaseStarted(incarnation: number, lease: string): void {
    if (incarnation !== this.current) return;
    this.lease = lease;
    this.leaseSeenAt = Date.now();
    if (this.phase === 'lost') {
      this.phase = 'member';
      this.o.log.info({ node: this.nodeId, incarnation }, 'lease held again: the suspicion was refuted');
      this.scheduleReport(0);
    }
  }

  leaseEnded(incarnation: number, lease: string): void {
    if (incarnation !== this.current || lease !== this.lease) return;
    this.lease = undefined;
    this.leaseSeenAt = Date.now();
  }

  leaseLost(incarnation: number, lease: string, reason: string): void {
    // A lease superseded by a newer one (the suspicion was refuted meanwhile) tells nothing new.
    if (lease !== this.lease && this.lease !== undefined) return;
    this.suspectVerdict(incarnation, reason);
  }

  /** Something says this incarnation may be gone: stop reporting and find out (see awaitVerdict). */
  private suspectVerdict(incarnation: number, reason: string): void {
    if (incarnation !== this.current || this.phase !== 'member') return;
    this.phase = 'lost';
    this.lease = undefined;
    clearTimeout(this.reportTimer);
    this.o.log.warn({ node: this.nodeId, incarnation, reason }, 'lost the lease: waiting for the cluster\'s verdict');
    void this.track(this.awaitVerdict(incarnation));
  }

  /** No lease for longer than a detection takes: ask the detector whether this incarnation still counts. */
  private checkLease(): void {
    if (this.phase !== 'member' || this.lease !== undefined || this.current === undefined) return;
    const { heartbeatTimeoutMs, confirmTimeoutMs } = this.detector;
    if (Date.now() - this.leaseSeenAt < heartbeatTimeoutMs + confirmTimeoutMs + 2_000) return;
    this.leaseSeenAt = Date.now(); // next check after another detection time
    void this.track(this.detectorRunning(this.current)).then(
      (running) => {
        if (!running && this.current !== undefined) this.suspectVerdict(this.current, 'no lease, and the detector of this incarnation has ended');
      },
      () => undefined,
    );
  }

  /**
   * Whether this incarnation's failure detector still runs. It ends exactly when the incarnation is down,
   * fenced or has left; a `describe` reads that without fetching the membership's whole state.
   */
  private async detectorRunning(incarnation: number): Promise<boolean> {
    const d = await this.o.client.workflow.getHandle(agentWorkflowId(CLUSTER_IDS.detector(this.nodeId, incarnation))).describe();
    return d.status.name === 'RUNNING';
  }

  /** After a lost lease: keep the incarnation if the suspicion is refuted; rejoin under a new one if it is down. */
  private async awaitVerdict(incarnation: number): Promise<void> {
    if (this.verdictPending) return;
    this.verdictPending = true;
    try {
      while (this.phase === 'lost' && this.current === incarnation) {
        try {
          const running = await this.detectorRunning(incarnation);
          if (this.phase !== 'lost') return;
          if (!running) {
            this.fence(incarnation);
            this.phase = 'joining';
            await this.announce();
            return;
          }
        } catch (err) {
          this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'cannot read this incarnation\'s detector');
        }
        await sleep(250);
      }
    } finally {
      this.verdictPending = false;
    }
  }

  /**
   * After joining: every agent still homed on this node (by `AgentNode`) is asked to mount itself again
   * (`jido.remount`). A restarted process holds nothing in memory, and a fenced one unmounted everything;
   * hosted agents remount from their state, the others ignore it. At most 16 signals in flight.
   */
  private async remountHomed(): Promise<void> {
    const query = `${AgentNodeKey.name} = '${this.nodeId}' AND ExecutionStatus = 'Running'`;
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    try {
      for await (const wf of this.o.client.workflow.list({ query })) {
        if (this.leaving) break;
        const p: Promise<void> = this.o.client.workflow
          .getHandle(wf.workflowId)
          .signal(remountMessage, { node: this.nodeId })
          .then(
            () => void sent++,
            () => undefined, // it ended meanwhile
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 16) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      if (sent > 0) this.o.log.info({ node: this.nodeId, agents: sent }, 'asked the agents homed here to remount');
    } catch (err) {
      this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'could not list the agents homed here to remount them');
    }
  }

  /** Stops node-local work of the old incarnation: every hosted agent is unmounted. */
  private fence(incarnation: number): void {
    const hosted = this.o.host.list();
    for (const a of hosted) this.o.host.unmount(a.agentId);
    this.o.log.warn({ node: this.nodeId, incarnation, unmounted: hosted.length }, 'incarnation declared gone (its detector ended): fenced, rejoining under a new incarnation');
  }

  /** Leaves gracefully: tells the membership, releases the lease, stops reporting. */
  async leave(reason = 'shutting down'): Promise<void> {
    if (this.leaving) return;
    const wasMember = this.phase === 'member' || this.phase === 'lost';
    this.phase = 'leaving';
    clearTimeout(this.reportTimer);
    if (wasMember && this.current !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          // Tracked: a call that outlives the 5 s wait must still settle before the connection closes.
          this.track(this.agents.call(CLUSTER_IDS.nodeDiscovery, { type: 'cluster.node.leave', data: { nodeId: this.nodeId, incarnation: this.current, reason } })),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
          }),
        ]);
        this.o.log.info({ node: this.nodeId, incarnation: this.current }, 'left the cluster');
      } catch (err) {
        // The lease still returns `released`, and the detector then reports the leave for us.
        this.o.log.warn({ node: this.nodeId, err: describe(err) }, 'leave not acknowledged; the released lease will tell the membership');
      } finally {
        clearTimeout(timer);
      }
    }
    this.leaveRequested();
    // Give the lease a moment to return `released` before the workers stop.
    for (let i = 0; i < 40 && this.lease !== undefined; i++) await sleep(25);
    this.stop();
  }

  /** The Temporal client this member talks through (the node's control activities use it too). */
  get client(): Client {
    return this.o.client;
  }

  /** Stops every timer and loop (the workers are stopping): nothing keeps the process alive. */
  stop(): void {
    if (this.phase !== 'left') this.leaveRequested();
    this.phase = 'left';
    clearTimeout(this.reportTimer);
    clearInterval(this.watchdog);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
