/**
 * The shape of `bench/results/<date>.json` (or `<date>-<groups>.json`): everything one `npm run bench`
 * measured, with the machine it ran on. Figures from repeated runs are spreads (min / median / max, plus
 * every run); ratios are of runs paired within a repeat. A section is absent when its group did not run
 * (`--only`). JSON only.
 *
 * Schema 2 (from schema 1): sections optional and `groups` added; throughput `coalesced`; the `state`
 * section; sweep `projection`; targets may carry a `unit`; later, the optional `membership` and `migration`
 * sections (opt-in groups: older schema-2 files simply have none).
 *
 * @module
 */
import type { BenchGroup } from './config.js';
import type { MachineFacts } from './machine.js';
import type { Percentiles, Spread } from './stats.js';

/** 1. Throughput, signals per second until the final count is visible. */
export interface ThroughputResult {
  agents: number;
  signalsPerAgent: number;
  batchSize: number;
  /** Client calls in flight at once. */
  concurrency: number;
  bare: Spread;
  /** `send`, one RPC per signal (`coalesce: false`). */
  runtime: Spread;
  /** `send` through a default client: concurrent sends to one agent share a `jido.signals` RPC. */
  coalesced: Spread;
  batched: Spread;
  ratios: { runtimeOverBare: Spread; coalescedOverBare: Spread; batchedOverBare: Spread };
}

/** 2. Latency of client → state visible (an update whose result is the new count), milliseconds. */
export interface LatencyResult {
  calls: number;
  warmup: number;
  /** Every repeat's percentiles, in run order. */
  runs: Array<{ bare: Percentiles; runtime: Percentiles }>;
  bare: { p50: Spread; p95: Spread; p99: Spread };
  runtime: { p50: Spread; p95: Spread; p99: Spread };
  /** runtime ÷ bare per percentile (above 1: the runtime is slower). */
  ratios: { p50: Spread; p95: Spread; p99: Spread };
}

/** 3. Pure, in-process operations per second. */
export interface MicroResult {
  routes: number;
  /** `router.match(type)` over 1,000 distinct types with the router's type cache (its normal mode). */
  routerMatchesPerSec: Spread;
  /** The same with the cache off (`cacheSize: 0`): a trie walk and a sort per match. */
  routerUncachedMatchesPerSec: Spread;
  /** `safeParseSignal` (zod validation of a CloudEvents envelope) per second. */
  parsePerSec: Spread;
}

/** 4. One size of the scale sweep. */
export interface SweepPoint {
  /** The size asked for; larger than `agents` when this machine could not afford it (see notes). */
  requested: number;
  agents: number;
  /** Wall time to deliver one signal to every agent and see it applied, ÷ agents, ms. */
  perSignalMs: Spread;
  /** Agents started per second (before the timed phase). */
  startsPerSec: Spread;
  /** Worker RSS growth ÷ agents, KiB (everything: V8 isolates of the workflow thread and Temporal core). */
  rssPerAgentKiB: Spread;
  /** Main-isolate heap growth ÷ agents, KiB (workflow code runs in a worker thread, so this is small). */
  heapPerAgentKiB: Spread;
}

/** A bare-counter step of the sweep: bundled with the runtime's modules, or alone. */
export interface SweepBaseline extends SweepPoint {
  subject: 'bare-bench-bundle' | 'bare-own-bundle';
}

/** Runtime ÷ bare at one size, per repeat (above 1: the runtime costs more). */
export interface SweepVsBare {
  agents: number;
  perSignal: { benchBundle: Spread; ownBundle: Spread };
  rssPerAgent: { benchBundle: Spread; ownBundle: Spread };
}

/** Worker memory for many live agents on one node, projected from one sweep size's RSS per agent. */
export interface MemoryProjection {
  /** Live agents projected to (10,000). */
  agents: number;
  /** The sweep size the figure comes from: the largest measured. */
  fromAgents: number;
  /** Its median worker RSS growth per agent, KiB. */
  rssPerAgentKiB: number;
  /** `rssPerAgentKiB × agents`, GiB. */
  totalGiB: number;
}

export interface SweepResult {
  maxCachedWorkflows: number;
  /** Client calls in flight at once. */
  concurrency: number;
  points: SweepPoint[];
  baselines: SweepBaseline[];
  /** Null when the baseline size is not one of the sweep's sizes. */
  vsBare: SweepVsBare | null;
  /**
   * Largest ÷ smallest size of the median per-signal cost and memory per agent (1 = flat).
   * `perSignalSaturated` starts at the first size with at least as many agents as calls in flight: below
   * that, one signal per agent cannot fill the pipeline and the figure is a round trip ÷ K.
   * `rssPerAgent` is null when the smallest size shows no RSS growth to divide by (GC noise at tiny K).
   */
  growth: { perSignal: number; perSignalSaturated: number; rssPerAgent: number | null };
  /** Null when no sweep size was measured. */
  projection: MemoryProjection | null;
}

/** One state size of scenario 5. */
export interface StateSizeSide {
  /** JSON bytes asked for. */
  targetBytes: number;
  /** JSON bytes of the state as the agent measured it (the same every run). */
  stateBytes: number;
  rows: number;
  /** Wall ms per signal, until every count is visible (as throughput: queries included). */
  perSignalMs: Spread;
  /** Worker process CPU ms per signal (all threads; idle polling included). */
  workerCpuMsPerSignal: Spread;
}

/** 5. Per-signal cost with a small and a large agent state (N agents × M signals, no coalescing). */
export interface StateResult {
  agents: number;
  signalsPerAgent: number;
  concurrency: number;
  small: StateSizeSide;
  large: StateSizeSide;
  /** large ÷ small, per repeat (above 1: a large state makes a signal dearer). */
  ratios: { perSignal: Spread; workerCpu: Spread };
}

/** One `kill -9` of a node that was up (its lease held), and when the membership said so. */
export interface DetectionKill {
  nodeId: string;
  incarnation: number;
  /** Wall clock of the SIGKILL, epoch ms (the harness's clock; same machine as the server). */
  killedAt: number;
  /** Seconds from the SIGKILL to the `suspect` transition's workflow time; null when there was none. */
  suspectSec: number | null;
  /** Seconds from the SIGKILL to the `down` transition's workflow time. */
  downSec: number;
  /** The node's failure detector had run its last workflow task on the killed node (its sticky cache). */
  detectorOnVictim: boolean;
  /** The membership agent had run its last workflow task on the killed node. */
  membershipOnVictim: boolean;
}

/** Detection after `kill -9` under one preset, in a fresh cluster. */
export interface DetectionResult {
  preset: 'production' | 'development';
  /** The detector timing in force (the membership's `config.detector`), ms. */
  heartbeatTimeoutMs: number;
  heartbeatEveryMs: number;
  confirmTimeoutMs: number;
  /** The nodes' sticky schedule-to-start timeout, ms. */
  stickyTimeoutMs: number;
  /** Other nodes live throughout. */
  liveNodes: number;
  kills: DetectionKill[];
  suspectSec: Spread | null;
  downSec: Spread;
  /** `downSec` ÷ the lease (heartbeat) timeout, per kill. */
  downOverLeaseTimeout: Spread;
}

/** False suspicions while busy-loop processes keep every core busy. */
export interface SoakResult {
  preset: 'production';
  nodes: number;
  seconds: number;
  /** Busy-loop processes (one per core). */
  burners: number;
  cores: number;
  /** The burners' CPU time ÷ (wall time × cores). */
  burnerCpuShare: number;
  /** The machine's busy share over the soak (every process), from the kernel's CPU counters. */
  machineBusyShare: number;
  /** `suspect` and `down` transitions of the soak's nodes (any incarnation) during the soak and a grace after it. */
  suspects: number;
  downs: number;
  falseSuspicions: number;
  /** Suspicions counted by the soak nodes' failure detectors themselves (lease expiries, refuted or not). */
  detectorSuspicions: number;
  /** Every other transition of the soak's nodes in the same window, by status reached (e.g. quarantined). */
  otherTransitions: Record<string, number>;
}

/** History events of one cluster agent over a cost window. */
export interface EventCount {
  events: number;
  /** `events` ÷ nodes, scaled to an hour. */
  perNodePerHour: number;
}

/** One cost window: N nodes in a fresh cluster, one lease heartbeat interval. */
export interface CostWindow {
  heartbeatEveryMs: number;
  heartbeatTimeoutMs: number;
  nodes: number;
  windowSec: number;
  /** The load-report interval the membership gave the nodes, ms (the driver of its events). */
  loadReportMs: number;
  /** Load reports received in the window (calls or signals carrying `cluster.node.load`). */
  loadReports: number;
  /** `cluster/node-discovery`, every run of it (continued-as-new runs summed). */
  membership: EventCount;
  /** Every node's `cluster/failure-detector/<node>/<incarnation>` together (where the lease lives). */
  detectors: EventCount;
  /** `cluster/health-monitor` (fed the load reports the membership forwards). */
  healthMonitor: EventCount;
}

export interface CostResult {
  windows: CostWindow[];
  /** Membership events per node per hour, slowest ÷ fastest heartbeat (1: independent of the rate). */
  membershipSlowOverFast: number;
  /** The same for the failure detectors; null when the fastest window saw no detector event. */
  detectorsSlowOverFast: number | null;
}

/** One stall run: the worker holding a cached workflow is killed, then it is called. */
export interface StallRun {
  side: 'runtime' | 'bare';
  /** How long after the kill the call went out, ms (0: right after). */
  delayMs: number;
  /** Call → answer, ms. */
  callMs: number;
  /** Kill → answer, ms. */
  sinceKillMs: number;
  /**
   * The workflow's timed-out workflow tasks: `schedule-to-start` (the sticky timeout: nobody picked the
   * task up from the dead worker's sticky queue) or `start-to-close` (the task was handed to the dead
   * worker's lingering poll, and the workflow task timeout ran out).
   */
  timeouts: string[];
}

export interface StallSide {
  immediate: Spread;
  delayed: Spread;
}

/** A cached workflow's call after `kill -9` of the worker holding it: the runtime against bare Temporal. */
export interface StallResult {
  runs: StallRun[];
  /** The cluster preset of the runtime's nodes. */
  runtimePreset: 'production' | 'development';
  /** Runtime nodes: the preset's sticky schedule-to-start and the agents' workflow task timeout, ms. */
  runtimeStickyTimeoutMs: number;
  runtimeWorkflowTaskTimeoutMs: number;
  /** Bare Temporal with default options, ms. */
  bareStickyTimeoutMs: number;
  bareWorkflowTaskTimeoutMs: number;
  /** The later call's delay after the kill, ms. */
  delayMs: number;
  /** Call → answer, ms. */
  runtime: StallSide;
  bare: StallSide;
  /** Kill → answer, ms. */
  sinceKill: { runtime: StallSide; bare: StallSide };
  /** Runtime ÷ bare (call → answer), run by run (paired within a repeat). */
  ratios: StallSide;
}

/** The opt-in `membership` group (a section is null when its part did not run). */
export interface MembershipResult {
  detection: DetectionResult[];
  soak: SoakResult | null;
  cost: CostResult | null;
  stall: StallResult | null;
}

/** One migration of the `migration` group, runtime or bare, as measured. */
export interface MigrationRun {
  side: 'runtime' | 'bare';
  /** Its place among the side's measured migrations (0-based); warm-ups are not recorded. */
  index: number;
  /** The agent (runtime) or partner workflow (bare) moved. */
  id: string;
  from: string;
  to: string;
  /** `workflow.start` → `result()`, ms (also for a failed one: how long until it failed). */
  ms: number;
  /** Completed, and the agent (its `jido.info`) or partner (its `bare.home`) says the new node and epoch. */
  ok: boolean;
  /** Why not, when not ok. */
  error?: string;
  /**
   * The workflow and activity tasks of the saga's (bare: the mover's) own history, and their waits from
   * scheduled to started summed (server time, ms): the share of `ms` spent waiting for the server to hand
   * out a task. The agent's (partner's) own tasks are not in it. Absent when the history was unreadable.
   */
  dispatch?: { tasks: number; ms: number };
}

/** One side of the migration group: the completed migrations' times, and how many did not complete. */
export interface MigrationSide {
  /** Migrations that completed and were checked; `ms.count` of them. */
  completed: number;
  failed: number;
  /** Percentiles and mean of the completed ones, ms; null when none completed. */
  ms: Percentiles | null;
  /** Fastest and slowest completed one, ms. */
  minMs: number | null;
  maxMs: number | null;
  /** Medians over the completed ones of {@link MigrationRun.dispatch}: tasks, and their summed wait to be started (ms). */
  dispatch: { tasks: number; ms: number } | null;
}

/**
 * The opt-in `migration` group: one live migration of a hosted agent between two node processes, against
 * bare Temporal doing the same round trips (2 signal round trips, 4 activities on node queues), same server.
 */
export interface MigrationBenchResult {
  /** The cluster preset of the nodes. */
  preset: 'production' | 'development';
  /** Memo agents moved (back and forth), lookups each warmed its cache with, untimed migrations per side first. */
  agents: number;
  warmKeys: number;
  warmups: number;
  /** Measured migrations asked for per side. */
  migrations: number;
  runtime: MigrationSide;
  bare: MigrationSide;
  /** Runtime ÷ bare of the p50s, p95s and means (above 1: the runtime is slower); null when a side has none. */
  ratios: { p50: number; p95: number; mean: number } | null;
  /**
   * After the measurements, every agent looked up a key computed before its first move: a hit on the node
   * it is on now says its node-local cache moved with it. Null when the check did not run.
   */
  cacheCheck: { agents: number; hits: number; onHome: number } | null;
  /** Every measured migration, in run order. */
  runs: MigrationRun[];
}

/** A headline figure: a target of the issue and whether this run met it (null: no target set). */
export interface TargetCheck {
  name: string;
  target: string;
  measured: number;
  /** Shown after the measured figure (e.g. `GiB`); none for ratios and rates. */
  unit?: string;
  met: boolean | null;
}

export interface BenchResult {
  schema: 2;
  mode: 'full' | 'quick';
  /** The groups that ran (`--only`), in run order. */
  groups: BenchGroup[];
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  repeat: number;
  machine: MachineFacts;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  micro?: MicroResult;
  sweep?: SweepResult;
  state?: StateResult;
  membership?: MembershipResult;
  migration?: MigrationBenchResult;
  targets: TargetCheck[];
  /** What was not measured as asked, and why; caveats of the method. */
  notes: string[];
}
