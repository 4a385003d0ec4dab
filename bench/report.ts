/**
 * The markdown report of a result: the headline ratios against their targets first, then one table per
 * scenario with min / median / max over the repeats. Pure module.
 *
 * @module
 */
import type { BenchResult, SweepPoint } from './result.js';
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

function vsBareLine(r: BenchResult): string[] {
  const v = r.sweep.vsBare;
  if (v === null) return [];
  return [
    '',
    `Runtime ÷ bare at K = ${fmt(v.agents)}: per-signal cost ${fmtSpread(v.perSignal.ownBundle, '×')} (bare in its own bundle), ` +
      `${fmtSpread(v.perSignal.benchBundle, '×')} (bare in the bench bundle); RSS per cached workflow ${fmtSpread(v.rssPerAgent.ownBundle, '×')} (own bundle), ` +
      `${fmtSpread(v.rssPerAgent.benchBundle, '×')} (bench bundle).`,
  ];
}

/** The whole report as markdown. */
export function markdownReport(r: BenchResult): string {
  const m = r.machine;
  const tp = r.throughput;
  const lat = r.latency;
  const lines: string[] = [
    `# agent-cluster benchmark, ${r.startedAt.slice(0, 10)} (${r.mode})`,
    '',
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${m.temporalCli}; server ${m.temporalServer}; SDK ${m.sdk}.`,
    `${r.repeat} repeat(s), runtime and bare interleaved; figures are median (min – max). Took ${fmt(r.durationSec)} s.`,
    '',
    '## Headline',
    '',
    ...table(
      ['figure', 'measured', 'target', 'met'],
      r.targets.map((t) => [t.name, fmt(t.measured), t.target, t.met === null ? '—' : t.met ? 'yes' : 'no']),
    ),
    '',
    `## Throughput: ${tp.agents} workflows × ${tp.signalsPerAgent} signals, until the final count is visible`,
    '',
    ...table(
      ['path', 'signals/s', '÷ bare'],
      [
        ['bare Temporal signal (`bare.inc`)', fmtSpread(tp.bare), '1'],
        ['runtime `send` → `jido.signal`', fmtSpread(tp.runtime), fmtSpread(tp.ratios.runtimeOverBare, '×')],
        [`runtime \`sendBatch\` of ${tp.batchSize} → \`jido.signals\``, fmtSpread(tp.batched), fmtSpread(tp.ratios.batchedOverBare, '×')],
      ],
    ),
    '',
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
    '',
    '## Micro (in process)',
    '',
    ...table(
      ['operation', 'per second'],
      [
        [`router match, ${r.micro.routes} routes, type cache on`, fmtSpread(r.micro.routerMatchesPerSec)],
        [`router match, ${r.micro.routes} routes, cache off (trie walk)`, fmtSpread(r.micro.routerUncachedMatchesPerSec)],
        ['`safeParseSignal` (parse + validate)', fmtSpread(r.micro.parsePerSec)],
      ],
    ),
    '',
    `## Scale sweep: one signal to each of K live workflows (sticky cache ${fmt(r.sweep.maxCachedWorkflows)})`,
    '',
    ...table(
      ['K', 'workflow', 'runs', 'ms per signal', 'starts/s (to live)', 'worker RSS KiB/workflow', 'main heap KiB/workflow'],
      [
        ...r.sweep.points.map((p) => sweepRow(p, 'runtime agent')),
        ...r.sweep.baselines.map((b) => sweepRow(b, b.subject === 'bare-own-bundle' ? 'bare counter, own bundle' : 'bare counter, bench bundle')),
      ],
    ),
    '',
    `Growth from ${fmt(r.sweep.points[0]?.agents ?? 0)} to ${fmt(r.sweep.points.at(-1)?.agents ?? 0)} agents: per-signal cost ×${fmt(r.sweep.growth.perSignal)} ` +
      `(×${fmt(r.sweep.growth.perSignalSaturated)} from the first size with at least ${fmt(r.throughput.concurrency)} agents, i.e. as many as calls in flight), ` +
      `RSS per agent ${r.sweep.growth.rssPerAgent === null ? 'n/a (no growth at the smallest size)' : `×${fmt(r.sweep.growth.rssPerAgent)}`}.`,
    ...vsBareLine(r),
  ];
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
