/**
 * The SVG chart of a result, written by hand: stacked panels of horizontal bars (median) with min–max
 * whiskers, one panel per figure of the scenarios that ran, each on its own linear scale. Pure module.
 *
 * @module
 */
import { fmt } from './report.js';
import type { BenchResult, MembershipResult, MigrationBenchResult, SweepResult } from './result.js';
import type { Spread } from './stats.js';

export interface Bar {
  label: string;
  value: Spread;
  /** Colour group: the baseline, the runtime, its coalesced or batched sends, or other. */
  tone: 'bare' | 'runtime' | 'coalesced' | 'batched' | 'neutral';
}

export interface Panel {
  title: string;
  bars: Bar[];
  /** A dashed reference line at this value (e.g. 1 for ratios against the baseline). */
  ref?: number;
}

const WIDTH = 820;
const LABEL_W = 260;
const PLOT_W = 420;
const BAR_H = 18;
const GAP = 6;
const TITLE_H = 26;
const PANEL_GAP = 16;
const COLOURS: Record<Bar['tone'], string> = { bare: '#8c8c8c', runtime: '#2f6fb0', coalesced: '#7a52a8', batched: '#3f9b5a', neutral: '#b0702f' };

/** Escapes text for XML content and attributes. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panelSvg(panel: Panel, top: number): { svg: string[]; height: number } {
  const scaleMax = Math.max(panel.ref ?? 0, ...panel.bars.map((b) => Math.max(b.value.max, b.value.median, 0))) * 1.05 || 1;
  const x = (v: number) => LABEL_W + (Math.max(0, v) / scaleMax) * PLOT_W;
  const height = TITLE_H + panel.bars.length * (BAR_H + GAP);
  const out = [`<text x="8" y="${top + 17}" font-weight="bold">${xmlEscape(panel.title)}</text>`];
  panel.bars.forEach((bar, i) => {
    const y = top + TITLE_H + i * (BAR_H + GAP);
    const mid = y + BAR_H / 2;
    const { min, median, max } = bar.value;
    out.push(
      `<text x="${LABEL_W - 8}" y="${mid + 4}" text-anchor="end">${xmlEscape(bar.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${(x(median) - LABEL_W).toFixed(1)}" height="${BAR_H}" fill="${COLOURS[bar.tone]}"/>`,
    );
    if (max > min) {
      out.push(
        `<line x1="${x(min).toFixed(1)}" y1="${mid}" x2="${x(max).toFixed(1)}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`,
        `<line x1="${x(min).toFixed(1)}" y1="${y + 4}" x2="${x(min).toFixed(1)}" y2="${y + BAR_H - 4}" stroke="#222"/>`,
        `<line x1="${x(max).toFixed(1)}" y1="${y + 4}" x2="${x(max).toFixed(1)}" y2="${y + BAR_H - 4}" stroke="#222"/>`,
      );
    }
    out.push(`<text x="${(Math.max(x(max), x(median)) + 6).toFixed(1)}" y="${mid + 4}">${xmlEscape(fmt(median))}</text>`);
  });
  if (panel.ref !== undefined) {
    const rx = x(panel.ref).toFixed(1);
    out.push(`<line x1="${rx}" y1="${top + TITLE_H - 4}" x2="${rx}" y2="${top + height - GAP + 4}" stroke="#c0392b" stroke-dasharray="4 3"/>`);
  }
  return { svg: out, height };
}

/** Renders panels one under the other as a standalone SVG document. */
export function barChart(title: string, panels: readonly Panel[]): string {
  const body: string[] = [`<text x="8" y="22" font-size="16" font-weight="bold">${xmlEscape(title)}</text>`];
  let top = 34;
  for (const panel of panels) {
    const { svg, height } = panelSvg(panel, top);
    body.push(...svg);
    top += height + PANEL_GAP;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function baselineBars(sweep: SweepResult, key: 'perSignalMs' | 'rssPerAgentKiB'): Bar[] {
  return sweep.baselines.map((b) => ({
    label: `${fmt(b.agents)} bare (${b.subject === 'bare-own-bundle' ? 'own' : 'bench'} bundle)`,
    value: b[key],
    tone: 'bare',
  }));
}

const kb = (bytes: number): string => `${fmt(bytes / 1024)} KB`;
const one = (v: number): Spread => ({ min: v, median: v, max: v, runs: [v] });
const toSeconds = (s: Spread): Spread => ({ min: s.min / 1000, median: s.median / 1000, max: s.max / 1000, runs: s.runs.map((v) => v / 1000) });

/** The membership group's panels: detection, the stall after a kill, history events per node per hour. */
export function membershipPanels(m: MembershipResult): Panel[] {
  const panels: Panel[] = [];
  if (m.detection.length > 0) {
    panels.push({
      title: 'Membership: seconds from kill -9 to suspect and to down (goal: down ≤ 5 s in production)',
      ref: 5,
      bars: m.detection.flatMap((d) => [
        ...(d.suspectSec === null ? [] : [{ label: `${d.preset}: suspect`, value: d.suspectSec, tone: 'neutral' as const }]),
        { label: `${d.preset}: down`, value: d.downSec, tone: 'runtime' as const },
      ]),
    });
  }
  if (m.stall !== null) {
    const st = m.stall;
    const later = `${fmt(st.delayMs / 1000)} s after`;
    panels.push({
      title: 'Cached workflow, call → answer after kill -9 of its worker, s (lower is better)',
      bars: [
        { label: 'runtime, call right after', value: toSeconds(st.runtime.immediate), tone: 'runtime' },
        { label: 'bare Temporal, right after', value: toSeconds(st.bare.immediate), tone: 'bare' },
        { label: `runtime, call ${later}`, value: toSeconds(st.runtime.delayed), tone: 'runtime' },
        { label: `bare Temporal, ${later}`, value: toSeconds(st.bare.delayed), tone: 'bare' },
      ],
    });
  }
  if (m.cost !== null) {
    panels.push({
      title: 'History events per node per hour, by lease heartbeat interval (flat is the goal)',
      bars: m.cost.windows.flatMap((w) => [
        { label: `membership, heartbeat ${w.heartbeatEveryMs} ms`, value: one(w.membership.perNodePerHour), tone: 'runtime' as const },
        { label: `detectors, heartbeat ${w.heartbeatEveryMs} ms`, value: one(w.detectors.perNodePerHour), tone: 'neutral' as const },
      ]),
    });
  }
  return panels;
}

/** The migration group's panel: p50 and p95 of one migration per side (none when a side has no completed one). */
export function migrationPanels(m: MigrationBenchResult): Panel[] {
  const rt = m.runtime.ms;
  const bare = m.bare.ms;
  if (rt === null || bare === null) return [];
  return [
    {
      title: `One live migration of a hosted agent, ms (lower is better; runtime ÷ bare p50 ${fmt(m.ratios?.p50 ?? 0)}×)`,
      bars: [
        { label: 'bare Temporal, p50', value: one(bare.p50), tone: 'bare' },
        { label: 'runtime migration saga, p50', value: one(rt.p50), tone: 'runtime' },
        { label: 'bare Temporal, p95', value: one(bare.p95), tone: 'bare' },
        { label: 'runtime migration saga, p95', value: one(rt.p95), tone: 'runtime' },
      ],
    },
  ];
}

/** The benchmark's chart: one panel per figure of the groups that ran. */
export function benchChart(r: BenchResult): string {
  const { throughput: tp, latency: lat, micro, sweep, state, membership, migration } = r;
  const millions = (s: Spread): Spread => ({ min: s.min / 1e6, median: s.median / 1e6, max: s.max / 1e6, runs: s.runs.map((v) => v / 1e6) });
  const ratioBars: Bar[] = [
    ...(tp === undefined
      ? []
      : [
          { label: 'throughput, send', value: tp.ratios.runtimeOverBare, tone: 'runtime' as const },
          { label: 'throughput, coalesced send', value: tp.ratios.coalescedOverBare, tone: 'coalesced' as const },
          { label: 'throughput, sendBatch', value: tp.ratios.batchedOverBare, tone: 'batched' as const },
        ]),
    ...(lat === undefined
      ? []
      : (['p50', 'p95', 'p99'] as const).map((p) => ({ label: `latency ${p}`, value: lat.ratios[p], tone: 'runtime' as const }))),
  ];
  const panels: Panel[] = [];
  if (ratioBars.length > 0) {
    panels.push({ title: 'Runtime ÷ bare Temporal (throughput: higher is better; latency: lower is better)', ref: 1, bars: ratioBars });
  }
  if (tp !== undefined) {
    panels.push({
      title: `Throughput, signals/s (${tp.agents} × ${tp.signalsPerAgent}; higher is better)`,
      bars: [
        { label: 'bare Temporal signal', value: tp.bare, tone: 'bare' },
        { label: 'runtime send (jido.signal)', value: tp.runtime, tone: 'runtime' },
        { label: 'runtime send, coalesced', value: tp.coalesced, tone: 'coalesced' },
        { label: `runtime sendBatch of ${tp.batchSize}`, value: tp.batched, tone: 'batched' },
      ],
    });
  }
  if (lat !== undefined) {
    panels.push({
      title: 'Latency, client → state visible, ms (lower is better)',
      bars: (['p50', 'p95', 'p99'] as const).flatMap((p) => [
        { label: `bare update ${p}`, value: lat.bare[p], tone: 'bare' as const },
        { label: `runtime jido.call ${p}`, value: lat.runtime[p], tone: 'runtime' as const },
      ]),
    });
  }
  if (micro !== undefined) {
    panels.push({
      title: `Micro, million operations/s (${micro.routes} routes)`,
      bars: [
        { label: 'router match (cached)', value: millions(micro.routerMatchesPerSec), tone: 'neutral' },
        { label: 'router match (no cache)', value: millions(micro.routerUncachedMatchesPerSec), tone: 'neutral' },
        { label: 'safeParseSignal', value: millions(micro.parsePerSec), tone: 'neutral' },
      ],
    });
  }
  if (sweep !== undefined) {
    panels.push(
      {
        title: 'Sweep: wall ms per signal with K live agents (flat is the goal)',
        bars: [
          ...sweep.points.map((p) => ({ label: `${fmt(p.agents)} agents`, value: p.perSignalMs, tone: 'runtime' as const })),
          ...baselineBars(sweep, 'perSignalMs'),
        ],
      },
      {
        title: 'Sweep: worker RSS KiB per cached workflow (lower is better)',
        bars: [
          ...sweep.points.map((p) => ({ label: `${fmt(p.agents)} agents`, value: p.rssPerAgentKiB, tone: 'runtime' as const })),
          ...baselineBars(sweep, 'rssPerAgentKiB'),
        ],
      },
    );
  }
  if (state !== undefined) {
    panels.push({
      title: `State size: ms per signal, ${state.agents} × ${state.signalsPerAgent} (lower is better; the goal: about equal)`,
      bars: [state.small, state.large].flatMap((s) => [
        { label: `${kb(s.targetBytes)} state, wall`, value: s.perSignalMs, tone: 'runtime' as const },
        { label: `${kb(s.targetBytes)} state, worker CPU`, value: s.workerCpuMsPerSignal, tone: 'neutral' as const },
      ]),
    });
  }
  if (membership !== undefined) panels.push(...membershipPanels(membership));
  if (migration !== undefined) panels.push(...migrationPanels(migration));
  return barChart(`agent-cluster benchmark ${r.startedAt.slice(0, 10)} (${r.mode}, ${r.repeat} repeat(s); ${r.groups.join(', ')})`, panels);
}
