/**
 * Scenario 4, scale sweep: K live agents (10 … 10,000), each sent one signal. Per size, a fresh worker
 * process on its own task queue, its sticky cache big enough to hold every agent:
 * 0. warm up: a few agents started and signalled, so one-time costs (the bundle loaded in the workflow
 *    thread, first connections) do not count as per-agent memory;
 * 1. baseline memory (after a full GC);
 * 2. start K agents and confirm each live (its first task done, one query answered);
 * 3. clock: one `send` to every agent, until every agent's state shows it (one query each, more if late);
 * 4. memory again; RSS (and heap) growth ÷ K is the memory one cached agent costs.
 * The per-signal cost is (3) ÷ K: flat means a signal costs the same however many agents are alive.
 * Sizes above `onceAbove` run in the first repeat only, shrunk to what fits `budgetSec` (see sweep-plan).
 *
 * Baselines, each repeat, at `baselineSize`: the same steps with `bareCounter`, once bundled with the
 * runtime's modules (the bench bundle) and once bundled alone. Every workflow in a bundle evaluates that
 * bundle's modules for itself (the SDK isolates module state per workflow), so the second is what one
 * cached workflow costs Temporal without the runtime.
 *
 * @module
 */
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { elapsedMs, forEachLimit, pollUntil, throttledProgress } from '../pool.js';
import { median, perSecond } from '../stats.js';
import { BareSubject, RuntimeSubject } from '../subjects.js';
import { planStep } from '../sweep-plan.js';
import { startWorker } from '../worker-process.js';

export interface SweepEnv {
  client: Client;
  address: string;
  /** The bench bundle: agent workflows + `bareCounter`. */
  bundlePath: string;
  /** `bareCounter` bundled alone. */
  bareBundlePath: string;
  nodeId: string;
  /** Sticky cache size of each sweep worker (≥ the largest size). */
  maxCachedWorkflows: number;
  /** Client calls in flight at once. */
  concurrency: number;
  log: (line: string) => void;
}

export interface SweepSample {
  perSignalMs: number;
  startsPerSec: number;
  rssPerAgentKiB: number;
  heapPerAgentKiB: number;
}

/** One size's runs; `requested` differs from `agents` when the machine could not afford the size. */
export interface SweepRuns {
  requested: number;
  agents: number;
  samples: SweepSample[];
}

/** What runs in a sweep step: runtime agents, or bare counters from one of the two bundles. */
export type SweepSubject = 'runtime' | 'bare-bench-bundle' | 'bare-own-bundle';

/** The sweep and its baselines, run by run. */
export interface SweepRaw {
  runs: SweepRuns[];
  baselines: Array<SweepRuns & { subject: Exclude<SweepSubject, 'runtime'> }>;
  notes: string[];
}

interface Subject {
  start(id: string): Promise<void>;
  count(id: string): Promise<number>;
  send(id: string): Promise<void>;
}

const KiB = 1024;
const WARMUP_AGENTS = 10;
const PHASE_TIMEOUT_MS = 30 * 60_000;

async function startAndSignal(subject: Subject, ids: readonly string[], concurrency: number): Promise<void> {
  await forEachLimit(ids, concurrency, (id) => subject.start(id));
  await forEachLimit(ids, concurrency, (id) => subject.send(id));
  await pollUntil(ids, 1, (id) => subject.count(id), { concurrency, timeoutMs: 120_000 });
}

/** One size, once: a fresh worker, K agents (or bare counters), one signal each. */
export async function sweepRound(env: SweepEnv, what: SweepSubject, agents: number, idPrefix: string): Promise<SweepSample> {
  const taskQueue = `${idPrefix}-q`;
  const bundlePath = what === 'bare-own-bundle' ? env.bareBundlePath : env.bundlePath;
  const worker = await startWorker({ address: env.address, taskQueue, nodeId: env.nodeId, bundlePath, maxCachedWorkflows: env.maxCachedWorkflows, maxOldSpaceMb: 16_384 });
  try {
    const target = { client: env.client, taskQueue, nodeId: env.nodeId };
    const subject: Subject = what === 'runtime' ? new RuntimeSubject(target) : new BareSubject(target);
    const ids = Array.from({ length: agents }, (_, i) => `${idPrefix}-${i}`);
    await startAndSignal(subject, Array.from({ length: WARMUP_AGENTS }, (_, i) => `${idPrefix}-warmup-${i}`), env.concurrency);
    const before = await worker.memory();

    const startClock = performance.now();
    const started = throttledProgress('started', env.log);
    let n = 0;
    await forEachLimit(ids, env.concurrency, async (id) => {
      await subject.start(id);
      started(++n, agents);
    });
    const live = { concurrency: env.concurrency, timeoutMs: PHASE_TIMEOUT_MS, onRound: throttledProgress('live', env.log) };
    // First tasks run roughly in start order: wait for the last one with a single query lane, so that
    // 64 queries do not sit on a worker still working through its backlog, then confirm every agent.
    const last = { ...live, concurrency: 1, intervalMs: 250, onRound: throttledProgress('last agent started live', env.log) };
    await pollUntil(ids.slice(-1), 0, (id) => subject.count(id), last);
    await pollUntil(ids, 0, (id) => subject.count(id), live);
    const startsPerSec = perSecond(agents, elapsedMs(startClock));

    const clock = performance.now();
    await forEachLimit(ids, env.concurrency, (id) => subject.send(id));
    await pollUntil(ids, 1, (id) => subject.count(id), { ...live, onRound: throttledProgress('applied', env.log) });
    const perSignalMs = elapsedMs(clock) / agents;

    const after = await worker.memory();
    const sample = {
      perSignalMs,
      startsPerSec,
      rssPerAgentKiB: (after.rss - before.rss) / KiB / agents,
      heapPerAgentKiB: (after.heapUsed - before.heapUsed) / KiB / agents,
    };
    env.log(`  ${agents} ${what}: ${perSignalMs.toFixed(3)} ms/signal, ${sample.rssPerAgentKiB.toFixed(0)} KiB RSS/agent, ${startsPerSec.toFixed(0)} starts/s`);
    return sample;
  } finally {
    await worker.stop();
  }
}

/** The whole sweep, repeats interleaved (all sizes, then all sizes again); notes say what was shrunk. */
export async function runSweep(
  env: SweepEnv,
  plan: { sizes: number[]; repeat: number; onceAbove: number; budgetSec: number; baselineSize: number; idPrefix: string },
): Promise<SweepRaw> {
  const runs: SweepRuns[] = plan.sizes.map((n) => ({ requested: n, agents: n, samples: [] }));
  const n = plan.baselineSize;
  const baselines: SweepRaw['baselines'] = (['bare-bench-bundle', 'bare-own-bundle'] as const).map((subject) => ({ subject, requested: n, agents: n, samples: [] }));
  const notes: string[] = [];
  for (let r = 0; r < plan.repeat; r++) {
    for (const b of baselines) {
      env.log(`repeat ${r + 1}/${plan.repeat} sweep baseline: ${n} ${b.subject}`);
      b.samples.push(await sweepRound(env, b.subject, n, `${plan.idPrefix}-${r}-${b.subject}`));
    }
    for (const [i, point] of runs.entries()) {
      const big = point.requested > plan.onceAbove;
      if (r > 0 && big) continue;
      const prev = runs[i - 1];
      if (big && prev !== undefined && prev.samples.length > 0) {
        const rates = {
          startsPerSec: median(prev.samples.map((s) => s.startsPerSec)),
          perSignalMs: median(prev.samples.map((s) => s.perSignalMs)),
          rssPerAgentKiB: median(prev.samples.map((s) => s.rssPerAgentKiB)),
        };
        const step = planStep(point.requested, rates, { budgetSec: plan.budgetSec, freeMemKiB: os.freemem() / KiB, floor: prev.agents });
        point.agents = step.agents;
        if (step.reason !== undefined) {
          notes.push(`Sweep ${point.requested.toLocaleString('en-US')}: ${step.reason}.`);
          env.log(`sweep ${point.requested}: ${step.reason}`);
        }
        if (step.agents === 0) continue;
      }
      env.log(`repeat ${r + 1}/${plan.repeat} sweep: ${point.agents} agents`);
      point.samples.push(await sweepRound(env, 'runtime', point.agents, `${plan.idPrefix}-${r}-${point.agents}`));
    }
  }
  if (plan.repeat > 1 && runs.some((p) => p.requested > plan.onceAbove)) {
    notes.push(`Sweep sizes above ${plan.onceAbove.toLocaleString('en-US')} were measured in the first repeat only, to keep the run near 10–15 minutes (--sweep-once-above raises the cap).`);
  }
  return { runs: runs.filter((p) => p.samples.length > 0), baselines, notes };
}
