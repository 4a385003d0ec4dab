/**
 * The markdown report of a result: which groups ran, the headline ratios against their targets, then one
 * table per scenario that ran, with min / median / max over the repeats. Pure module.
 *
 * @module
 */
import { BENCH_GROUPS } from './config.js';
import type { BenchResult, LatencyResult, MicroResult, StateResult, StateSizeSide, SweepPoint, SweepResult, ThroughputResult } from './result.js';
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
  const all = BENCH_GROUPS.every((g) => r.groups.includes(g));
  if (all) return `Groups: all (${BENCH_GROUPS.join(', ')}).`;
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
  ];
  for (const section of sections) if (section !== undefined) lines.push('', ...section);
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
