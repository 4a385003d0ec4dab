/**
 * The markdown report of a result: which groups ran, the headline ratios against their targets, then one
 * table per scenario that ran, with min / median / max over the repeats. Pure module.
 *
 * @module
 */
import { BENCH_GROUPS, OPT_IN_GROUPS } from './config.js';
import type {
  BenchResult,
  CostWindow,
  DetectionResult,
  LatencyResult,
  MembershipResult,
  MicroResult,
  MigrationBenchResult,
  MigrationSide,
  StallResult,
  StateResult,
  StateSizeSide,
  SweepPoint,
  SweepResult,
  ThroughputResult,
} from './result.js';
import type { Spread } from './stats.js';

/** A number for people: 3 significant digits, thousands separated, no exponent. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** `median (min – max)`, or just the value when all runs agree or there was one run. */
export function fmtSpread(s: Spread, suffix = ''): string {
  if (s.runs.length === 1 || s.min === s.max) return `${fmt(s.median)}${suffix}`;
  return `${fmt(s.median)}${suffix} (${fmt(s.min)} – ${fmt(s.max)})`;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function sweepRow(p: SweepPoint, what: string): string[] {
  return [
    p.requested === p.agents ? fmt(p.agents) : `${fmt(p.agents)} (asked ${fmt(p.requested)})`,
    what,
    String(p.perSignalMs.runs.length),
    fmtSpread(p.perSignalMs),
    fmtSpread(p.startsPerSec),
    fmtSpread(p.rssPerAgentKiB),
    fmtSpread(p.heapPerAgentKiB),
  ];
}

/** Which groups ran, for the report's opening lines. */
function groupsLine(r: BenchResult): string {
  const optIn = OPT_IN_GROUPS.filter((g) => r.groups.includes(g));
  const all = BENCH_GROUPS.every((g) => r.groups.includes(g));
  if (all && optIn.length === 0) return `Groups: all (${BENCH_GROUPS.join(', ')}).`;
  if (all) return `Groups: all (${BENCH_GROUPS.join(', ')}), and opt-in ${optIn.join(', ')}.`;
  // The opt-in groups are not named as skipped: a run without them is the usual case.
  const skipped = BENCH_GROUPS.filter((g) => !r.groups.includes(g));
  return `Groups: ${r.groups.join(', ')} only (\`--only\`); not run: ${skipped.join(', ')}.`;
}

/** `1 KB`, `200 KB`: a state size as asked for. */
function kb(bytes: number): string {
  return `${fmt(bytes / 1024)} KB`;
}

function throughputSection(tp: ThroughputResult): string[] {
  return [
    `## Throughput: ${tp.agents} workflows × ${tp.signalsPerAgent} signals, until the final count is visible`,
    '',
    ...table(
      ['path', 'signals/s', '÷ bare'],
      [
        ['bare Temporal signal (`bare.inc`)', fmtSpread(tp.bare), '1'],
        ['runtime `send` → `jido.signal`, one RPC per send (`coalesce: false`)', fmtSpread(tp.runtime), fmtSpread(tp.ratios.runtimeOverBare, '×')],
        ['runtime `send`, default client (coalesced into `jido.signals`)', fmtSpread(tp.coalesced), fmtSpread(tp.ratios.coalescedOverBare, '×')],
        [`runtime \`sendBatch\` of ${tp.batchSize} → \`jido.signals\``, fmtSpread(tp.batched), fmtSpread(tp.ratios.batchedOverBare, '×')],
      ],
    ),
  ];
}

function latencySection(lat: LatencyResult): string[] {
  return [
    `## Latency: client → state visible, ${lat.calls} calls one at a time (after ${lat.warmup} warm-up), ms`,
    '',
    ...table(
      ['path', 'p50', 'p95', 'p99'],
      [
        ['bare Temporal update (`bare.incUpdate`)', fmtSpread(lat.bare.p50), fmtSpread(lat.bare.p95), fmtSpread(lat.bare.p99)],
        ['runtime `call` → `jido.call`', fmtSpread(lat.runtime.p50), fmtSpread(lat.runtime.p95), fmtSpread(lat.runtime.p99)],
        ['runtime ÷ bare', fmtSpread(lat.ratios.p50, '×'), fmtSpread(lat.ratios.p95, '×'), fmtSpread(lat.ratios.p99, '×')],
      ],
    ),
  ];
}

function microSection(micro: MicroResult): string[] {
  return [
    '## Micro (in process)',
    '',
    ...table(
      ['operation', 'per second'],
      [
        [`router match, ${micro.routes} routes, type cache on`, fmtSpread(micro.routerMatchesPerSec)],
        [`router match, ${micro.routes} routes, cache off (trie walk)`, fmtSpread(micro.routerUncachedMatchesPerSec)],
        ['`safeParseSignal` (parse + validate)', fmtSpread(micro.parsePerSec)],
      ],
    ),
  ];
}

function sweepSection(sweep: SweepResult): string[] {
  const lines = [
    `## Scale sweep: one signal to each of K live workflows (sticky cache ${fmt(sweep.maxCachedWorkflows)})`,
    '',
    ...table(
      ['K', 'workflow', 'runs', 'ms per signal', 'starts/s (to live)', 'worker RSS KiB/workflow', 'main heap KiB/workflow'],
      [
        ...sweep.points.map((p) => sweepRow(p, 'runtime agent')),
        ...sweep.baselines.map((b) => sweepRow(b, b.subject === 'bare-own-bundle' ? 'bare counter, own bundle' : 'bare counter, bench bundle')),
      ],
    ),
    '',
    `Growth from ${fmt(sweep.points[0]?.agents ?? 0)} to ${fmt(sweep.points.at(-1)?.agents ?? 0)} agents: per-signal cost ×${fmt(sweep.growth.perSignal)} ` +
      `(×${fmt(sweep.growth.perSignalSaturated)} from the first size with at least ${fmt(sweep.concurrency)} agents, i.e. as many as calls in flight), ` +
      `RSS per agent ${sweep.growth.rssPerAgent === null ? 'n/a (no growth at the smallest size)' : `×${fmt(sweep.growth.rssPerAgent)}`}.`,
  ];
  const v = sweep.vsBare;
  if (v !== null) {
    lines.push(
      '',
      `Runtime ÷ bare at K = ${fmt(v.agents)}: per-signal cost ${fmtSpread(v.perSignal.ownBundle, '×')} (bare in its own bundle), ` +
        `${fmtSpread(v.perSignal.benchBundle, '×')} (bare in the bench bundle); RSS per cached workflow ${fmtSpread(v.rssPerAgent.ownBundle, '×')} (own bundle), ` +
        `${fmtSpread(v.rssPerAgent.benchBundle, '×')} (bench bundle).`,
    );
  }
  const p = sweep.projection;
  if (p !== null) {
    lines.push(
      '',
      `Projected worker memory for ${fmt(p.agents)} live agents on one node: ${fmt(p.totalGiB)} GiB ` +
        `(${fmt(p.rssPerAgentKiB)} KiB RSS per agent, the median at K = ${fmt(p.fromAgents)}, the largest size measured, × ${fmt(p.agents)}).`,
    );
  }
  return lines;
}

function stateSection(st: StateResult): string[] {
  const side = (s: StateSizeSide): string[] => [
    `~${kb(s.targetBytes)}`,
    `${fmt(s.stateBytes)} (${fmt(s.rows)} rows)`,
    fmtSpread(s.perSignalMs),
    fmtSpread(s.workerCpuMsPerSignal),
  ];
  return [
    `## State size: ${st.agents} agents × ${st.signalsPerAgent} signals, ${kb(st.small.targetBytes)} vs ${kb(st.large.targetBytes)} of state, until every count is visible`,
    '',
    ...table(
      ['state', 'JSON bytes', 'wall ms per signal', 'worker CPU ms per signal'],
      [
        side(st.small),
        side(st.large),
        [`${kb(st.large.targetBytes)} ÷ ${kb(st.small.targetBytes)}`, '', fmtSpread(st.ratios.perSignal, '×'), fmtSpread(st.ratios.workerCpu, '×')],
      ],
    ),
    '',
    `\`ballast\` agents (bench/ballast-agent.ts): \`ballast.add\` counts and leaves the rows shared; one RPC per signal (\`coalesce: false\`), ${fmt(st.concurrency)} in flight; counts read through \`jido.info\`.`,
  ];
}

/** Seconds with two decimals, for people (detection and stall times are a few seconds). */
function sec(s: number): string {
  return s.toFixed(2);
}

/** `median (min – max)` of seconds, two decimals. */
function secSpread(s: Spread): string {
  if (s.runs.length === 1 || s.min === s.max) return sec(s.median);
  return `${sec(s.median)} (${sec(s.min)} – ${sec(s.max)})`;
}

const seconds = (s: Spread): Spread => ({ min: s.min / 1000, median: s.median / 1000, max: s.max / 1000, runs: s.runs.map((v) => v / 1000) });

function detectionRows(d: DetectionResult): string[] {
  return [
    d.preset,
    `${sec(d.heartbeatTimeoutMs / 1000)} s / ${d.heartbeatEveryMs} ms / ${sec(d.confirmTimeoutMs / 1000)} s / ${sec(d.stickyTimeoutMs / 1000)} s`,
    String(d.kills.length),
    d.suspectSec === null ? '—' : secSpread(d.suspectSec),
    sec(d.downSec.median),
    sec(d.downSec.max),
    `${fmt(d.downOverLeaseTimeout.median)}× / ${fmt(d.downOverLeaseTimeout.max)}×`,
    `${d.kills.filter((k) => k.detectorOnVictim).length} / ${d.kills.filter((k) => k.membershipOnVictim).length}`,
  ];
}

function costRow(w: CostWindow): string[] {
  return [
    `${w.heartbeatEveryMs} ms`,
    `${sec(w.heartbeatTimeoutMs / 1000)} s`,
    String(w.nodes),
    `${fmt(w.windowSec)} s`,
    `${fmt(w.loadReportMs / 1000)} s (${w.loadReports} in the window)`,
    `${fmt(w.membership.perNodePerHour)} (${w.membership.events})`,
    `${fmt(w.detectors.perNodePerHour)} (${w.detectors.events})`,
    `${fmt(w.healthMonitor.perNodePerHour)} (${w.healthMonitor.events})`,
  ];
}

/** `5 runs each` or, when a run stopped early, `3 runs right after, 4 later`: the pairs compared. */
function runsLine(st: StallResult): string {
  const now = st.runtime.immediate.runs.length;
  const later = st.runtime.delayed.runs.length;
  return now === later ? `${now} runs each` : `${now} runs right after, ${later} later`;
}

/** `runtime right after: 5 × start-to-close; …`: what timed out in the stall runs, by side and delay. */
function stallCauses(st: StallResult): string {
  const groups = new Map<string, Map<string, number>>();
  for (const r of st.runs) {
    const key = `${r.side} ${r.delayMs === 0 ? 'right after' : `${fmt(r.delayMs / 1000)} s after`}`;
    const causes = groups.get(key) ?? new Map<string, number>();
    const cause = r.timeouts.length === 0 ? 'none' : r.timeouts.join(' + ');
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
    groups.set(key, causes);
  }
  return [...groups.entries()].map(([key, causes]) => `${key}: ${[...causes.entries()].map(([c, n]) => `${n} × ${c}`).join(', ')}`).join('; ');
}

function membershipSection(m: MembershipResult): string[] {
  const lines: string[] = ['## Membership: failure detection, false suspicions, cost, a cached agent after its worker dies'];
  if (m.detection.length > 0) {
    const live = m.detection[0]?.liveNodes ?? 0;
    lines.push(
      '',
      `### Detection after \`kill -9\` of a node that holds its lease (${live} other nodes live), seconds from the kill`,
      '',
      ...table(
        ['preset', 'lease timeout / heartbeat / probe / sticky', 'kills', 'to suspect', 'to down, median', 'to down, max', 'down ÷ lease timeout (median / max)', 'detector / membership cached on the killed node'],
        m.detection.map(detectionRows),
      ),
      '',
      ...m.detection.map(
        (d) =>
          `${d.preset}, kill by kill (down, s): ${d.kills.map((k) => `${sec(k.downSec)}${k.detectorOnVictim ? ' [d]' : ''}${k.membershipOnVictim ? ' [m]' : ''}`).join(', ')}` +
          ' ([d]: the detector, [m]: the membership agent had last run on the killed node, so its next workflow task first waited out the sticky timeout).',
      ),
    );
  }
  const s = m.soak;
  if (s !== null) {
    const other = Object.entries(s.otherTransitions).map(([to, n]) => `${n} × ${to}`);
    lines.push(
      '',
      `### False suspicions: ${s.nodes} ${s.preset} nodes, ${fmt(s.seconds)} s with every core busy`,
      '',
      `${s.burners} busy-loop processes (one per core) took ${fmt(s.burnerCpuShare * 100)} % of the machine's CPU; the machine was ${fmt(s.machineBusyShare * 100)} % busy. ` +
        `Transitions of the soak's nodes: **${s.suspects} suspect, ${s.downs} down → ${s.falseSuspicions} false suspicion(s)**; their failure detectors counted ${s.detectorSuspicions} lease expiries. ` +
        `Other transitions: ${other.length === 0 ? 'none' : other.join(', ')} (the soak's nodes report their real load to the health monitor).`,
    );
  }
  const c = m.cost;
  if (c !== null) {
    lines.push(
      '',
      '### Cost: history events per node per hour (events in the window in brackets)',
      '',
      ...table(['lease heartbeat every', 'lease timeout', 'nodes', 'window', 'load report every', 'membership agent', 'failure detectors', 'health monitor'], c.windows.map(costRow)),
      '',
      `Membership events per node per hour, slowest ÷ fastest heartbeat: ×${fmt(c.membershipSlowOverFast)}; failure detectors: ` +
        `${c.detectorsSlowOverFast === null ? 'no event in the window at either rate (a lease writes events when taken and when its term ends, not per heartbeat)' : `×${fmt(c.detectorsSlowOverFast)}`}.`,
    );
  }
  const st = m.stall;
  if (st !== null) {
    const d = `${fmt(st.delayMs / 1000)} s after the kill`;
    lines.push(
      '',
      `### A cached workflow's call after \`kill -9\` of the worker holding it, call → answer, seconds (${runsLine(st)})`,
      '',
      ...table(
        ['call', `runtime \`jido.call\` (${st.runtimePreset}: sticky ${fmt(st.runtimeStickyTimeoutMs / 1000)} s, workflow task timeout ${fmt(st.runtimeWorkflowTaskTimeoutMs / 1000)} s)`, `bare Temporal update (defaults: sticky ${fmt(st.bareStickyTimeoutMs / 1000)} s, workflow task timeout ${fmt(st.bareWorkflowTaskTimeoutMs / 1000)} s)`, 'runtime ÷ bare'],
        [
          ['right after the kill', secSpread(seconds(st.runtime.immediate)), secSpread(seconds(st.bare.immediate)), fmtSpread(st.ratios.immediate, '×')],
          [d, secSpread(seconds(st.runtime.delayed)), secSpread(seconds(st.bare.delayed)), fmtSpread(st.ratios.delayed, '×')],
        ],
      ),
      '',
      `Kill → answer: runtime ${secSpread(seconds(st.sinceKill.runtime.immediate))} s (call right after), ${secSpread(seconds(st.sinceKill.runtime.delayed))} s (call ${d}); ` +
        `bare ${secSpread(seconds(st.sinceKill.bare.immediate))} s and ${secSpread(seconds(st.sinceKill.bare.delayed))} s. ` +
        `What held the call (timed-out workflow tasks: schedule-to-start = the sticky timeout, start-to-close = the workflow task timeout): ${stallCauses(st)}.`,
    );
  }
  return lines;
}

function migrationRow(what: string, side: MigrationSide): string[] {
  const ms = side.ms;
  return [what, String(side.completed), String(side.failed), ms === null ? '—' : fmt(ms.p50), ms === null ? '—' : fmt(ms.p95), ms === null ? '—' : fmt(ms.mean), side.minMs === null ? '—' : `${fmt(side.minMs)} – ${fmt(side.maxMs as number)}`];
}

function migrationSection(m: MigrationBenchResult): string[] {
  const ratio = (v: number | undefined) => (v === undefined ? '—' : `${fmt(v)}×`);
  const lines = [
    `## Migration: one live migration of a hosted agent between two nodes, \`workflow.start\` → \`result()\`, ms`,
    '',
    ...table(
      ['side', 'completed', 'failed', 'p50', 'p95', 'mean', 'min – max'],
      [
        migrationRow('bare Temporal: 2 signal round trips + 4 trivial activities on node queues', m.bare),
        migrationRow(`runtime \`migration\` saga, \`memo\` agent (${m.preset} nodes)`, m.runtime),
        ['runtime ÷ bare', '', '', ratio(m.ratios?.p50), ratio(m.ratios?.p95), ratio(m.ratios?.mean), ''],
      ],
    ),
    '',
    `${m.agents} agents with ${m.warmKeys} keys cached each, moved back and forth one at a time; ${m.migrations} migrations asked for per side, sides alternating run by run after ${m.warmups} untimed one(s) each.`,
  ];
  const d = (side: MigrationSide) => (side.dispatch === null ? 'not read' : `${fmt(side.dispatch.tasks)} tasks waited ${fmt(side.dispatch.ms)} ms in all to be started`);
  lines.push(
    `Task dispatch, median per migration, in the saga's (bare: the mover's) own history (scheduled → started, server time; the agent's and partner's own tasks not counted): runtime ${d(m.runtime)}, bare ${d(m.bare)}.`,
  );
  const c = m.cacheCheck;
  if (c !== null) lines.push(`Cache moved with the agent: ${c.hits} of ${c.agents} agents found a key computed before their first move as a hit afterwards (${c.onHome} answered by the node they are on now).`);
  const failed = m.runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    lines.push('', 'Failed migrations:', '', ...failed.map((r) => `- ${r.side} ${r.index + 1}, ${r.id} ${r.from} → ${r.to}, after ${fmt(r.ms)} ms: ${r.error ?? 'no reason recorded'}`));
  }
  return lines;
}

/** The whole report as markdown; a group that did not run has no section. */
export function markdownReport(r: BenchResult): string {
  const m = r.machine;
  const lines: string[] = [
    `# agent-cluster benchmark, ${r.startedAt.slice(0, 10)} (${r.mode})`,
    '',
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${m.temporalCli}; server ${m.temporalServer}; SDK ${m.sdk}.`,
    `${r.repeat} repeat(s), the sides of every comparison interleaved; figures are median (min – max). Took ${fmt(r.durationSec)} s.`,
    groupsLine(r),
    '',
    '## Headline',
    '',
    ...table(
      ['figure', 'measured', 'target', 'met'],
      r.targets.map((t) => [t.name, t.unit === undefined ? fmt(t.measured) : `${fmt(t.measured)} ${t.unit}`, t.target, t.met === null ? '—' : t.met ? 'yes' : 'no']),
    ),
  ];
  const sections: Array<string[] | undefined> = [
    r.throughput && throughputSection(r.throughput),
    r.latency && latencySection(r.latency),
    r.micro && microSection(r.micro),
    r.sweep && sweepSection(r.sweep),
    r.state && stateSection(r.state),
    r.membership && membershipSection(r.membership),
    r.migration && migrationSection(r.migration),
  ];
  for (const section of sections) if (section !== undefined) lines.push('', ...section);
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
