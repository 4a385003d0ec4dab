/**
 * `npm run bench`: measures the agent runtime against bare Temporal, side by side, in one run on one
 * machine, and writes `<out>/<date>.json`, `<date>.md` (also printed) and `<date>.svg` — named
 * `<date>-<groups>.*` when `--only` left some groups out, so a partial run never overwrites a full one.
 *
 * Order: tools → bundle + dev server → worker process → repeats of {throughput (modes in alternating
 * order), state (sizes in alternating order, after one untimed round of each), latency (calls
 * alternating), micro} → main worker stopped → sweep (fresh worker per size) → membership (opt-in: its own
 * dev servers and node processes, see scenarios/membership.ts) → migration (opt-in: a cluster of its own,
 * see scenarios/migration.ts) → result files. Groups not selected
 * (`--only`) are skipped. The server, the workers and the scratch directory are removed on every
 * exit path, including an error and Ctrl-C. Speed never fails anything here: targets are reported, not
 * enforced.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalCli } from '../src/infra/tools/index.js';
import { benchChart } from './chart.js';
import { parseBenchArgs, resultStem, USAGE, type BenchConfig, type BenchGroup } from './config.js';
import { machineFacts } from './machine.js';
import { markdownReport } from './report.js';
import { latencyRound } from './scenarios/latency.js';
import { microRound } from './scenarios/micro.js';
import { runMembership } from './scenarios/membership.js';
import { runMigration } from './scenarios/migration.js';
import { runSweep } from './scenarios/sweep.js';
import { stateRound, stateWarmup, type StateSize } from './scenarios/state.js';
import { THROUGHPUT_MODES, throughputRound } from './scenarios/throughput.js';
import { killTracked, track } from './processes.js';
import { bundleWorkflowsToFile, WORKFLOW_PRELOAD_MODULES } from '../src/infra/bundle.js';
import { startDevServer } from '../src/infra/dev-server.js';
import { BallastSubject, BareSubject, RuntimeSubject } from './subjects.js';
import { emptyRuns, summarise } from './summarise.js';
import { startWorker } from './worker-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NODE_ID = 'bench';

const started = performance.now();
function log(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
}

/** Undo steps, run last-in first-out exactly once, whatever ends the run. */
const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const undo of cleanups.reverse()) {
      try {
        await undo();
      } catch (err) {
        log(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function measure(config: BenchConfig): Promise<void> {
  const startedAt = new Date();
  const ran = (g: BenchGroup) => config.groups.includes(g);
  // The main worker serves throughput, latency and state; the sweep starts a worker per step; micro needs
  // none (the server is still started: the machine facts ask it for its version).
  const mainWorker = ran('throughput') || ran('latency') || ran('state');
  log(`groups: ${config.groups.join(', ')}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'agent-cluster-bench-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  cleanups.push(() => killTracked());
  const cli = await ensureTemporalCli({ log });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  const bareBundlePath = path.join(scratch, 'bare-bundle.js');
  const clusterBundlePath = path.join(scratch, 'cluster-bundle.js');
  // Headless, SQLite in memory (no fsync in the measurement), on a free port, search attributes registered.
  const serverStarting = startDevServer({ port: 0, uiPort: false, logLevel: 'error' }).then((s) => {
    track(s.process);
    cleanups.push(() => s.stop());
    log(`dev server ready on ${s.address}`);
    return s;
  });
  // One after the other: two webpack builds at once only fight over the two cores. The bench bundle
  // preloads what every agent-cluster bundle does, plus the ballast kind, shared by every workflow of the
  // worker like the example kinds; it comes first, so that workflows/preload.ts finds it loaded and keeps
  // its zod schemas out of the SDK's deep freeze. The bare counter's own bundle preloads nothing.
  if (mainWorker || ran('sweep')) {
    await bundleWorkflowsToFile(path.join(HERE, 'workflows.ts'), bundlePath, { preloadModules: [path.join(HERE, 'ballast-agent.ts'), ...WORKFLOW_PRELOAD_MODULES] });
  }
  if (ran('sweep') || ran('membership') || ran('migration')) await bundleWorkflowsToFile(path.join(HERE, 'bare-workflows.ts'), bareBundlePath, { preloadModules: [] });
  // The node processes of the membership and migration groups run what a deployment runs: workflows/index.ts, the usual preloads.
  if (ran('membership') || ran('migration')) await bundleWorkflowsToFile(path.join(HERE, '..', 'workflows', 'index.ts'), clusterBundlePath);
  const server = await serverStarting;
  const connection = await Connection.connect({ address: server.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection });
  const machine = await machineFacts(cli, connection);
  const runId = Date.now().toString(36);
  const maxCachedWorkflows = Math.max(...config.sweep.sizes) + 1_000;
  const notes: string[] = [];

  const raw = emptyRuns();
  const taskQueue = `bench-${runId}`;
  const worker = mainWorker ? await startWorker({ address: server.address, taskQueue, nodeId: NODE_ID, bundlePath, maxCachedWorkflows: 2_000 }) : undefined;
  if (worker !== undefined) {
    log(`worker on ${taskQueue}`);
    cleanups.push(() => worker.stop());
  }
  const target = { client, taskQueue, nodeId: NODE_ID };
  const subjects = {
    bare: new BareSubject(target),
    runtime: new RuntimeSubject(target, { coalesce: false }),
    coalesced: new RuntimeSubject(target, { coalesce: true }),
    ballast: new BallastSubject(target),
  };
  const tpSizes = { ...config.throughput, concurrency: config.concurrency };
  const stateSizes = {
    agents: config.state.agents,
    signalsPerAgent: config.state.signalsPerAgent,
    concurrency: config.concurrency,
    bytes: { small: config.state.smallBytes, large: config.state.largeBytes },
  };
  if (ran('state') && worker !== undefined) {
    await stateWarmup(subjects.ballast, stateSizes, () => worker.cpu(), `st-${runId}`);
    log('state warm-up done');
  }
  for (let r = 0; r < config.repeat; r++) {
    const repeat = `repeat ${r + 1}/${config.repeat}`;
    if (ran('throughput')) {
      const order = r % 2 === 0 ? THROUGHPUT_MODES : [...THROUGHPUT_MODES].reverse();
      for (const mode of order) {
        const perSec = await throughputRound(mode, subjects, tpSizes, `tp-${runId}-${r}`);
        raw.throughput[mode].push(perSec);
        log(`${repeat} throughput ${mode}: ${perSec.toFixed(0)} signals/s`);
      }
    }
    if (ran('state') && worker !== undefined) {
      const order: StateSize[] = r % 2 === 0 ? ['small', 'large'] : ['large', 'small'];
      for (const size of order) {
        const sample = await stateRound(size, subjects.ballast, stateSizes, () => worker.cpu(), `st-${runId}-${r}`);
        raw.state[size].push(sample);
        log(`${repeat} state ${size} (${sample.stateBytes} bytes): ${sample.perSignalMs.toFixed(3)} ms/signal wall, ${sample.workerCpuMsPerSignal.toFixed(3)} ms/signal worker CPU`);
      }
    }
    if (ran('latency')) {
      const lat = await latencyRound(subjects, config.latency, `lat-${runId}-${r}`);
      raw.latency.push(lat);
      log(`${repeat} latency p50/p95: runtime ${lat.runtime.p50.toFixed(1)}/${lat.runtime.p95.toFixed(1)} ms, bare ${lat.bare.p50.toFixed(1)}/${lat.bare.p95.toFixed(1)} ms`);
    }
    if (ran('micro')) {
      raw.micro.push(microRound(config.micro.routes, config.micro.durationMs));
      log(`${repeat} micro`);
    }
  }
  await worker?.stop();

  if (ran('sweep')) {
    const sweepEnv = { client, address: server.address, bundlePath, bareBundlePath, nodeId: NODE_ID, maxCachedWorkflows, concurrency: config.concurrency, log };
    const sweep = await runSweep(sweepEnv, { ...config.sweep, repeat: config.repeat, idPrefix: `sw-${runId}` });
    raw.sweep = sweep.runs;
    raw.baselines = sweep.baselines;
    notes.push(...sweep.notes);
  }

  if (ran('membership')) {
    const membership = await runMembership({ bundlePath: clusterBundlePath, bareBundlePath, scratch, runId, log }, config.membership);
    raw.membership = membership;
    notes.push(...membership.notes);
  }

  if (ran('migration')) {
    const migration = await runMigration({ bundlePath: clusterBundlePath, bareBundlePath, scratch, runId, log }, config.migration);
    raw.migration = migration;
    notes.push(...migration.notes);
  }

  if (ran('throughput') || ran('sweep') || ran('state')) {
    notes.push('Throughput, state-size and sweep clocks stop when a query shows the final count on every workflow: the queries are part of the measured time, one per workflow at least, on both sides.');
  }
  if (ran('throughput')) {
    notes.push(
      'Throughput "send" uses an AgentClient with `coalesce: false`: one Temporal signal per send, like the bare side, and comparable with results from before coalescing became the default. "Coalesced send" is the default client: sends to one agent made while one is in flight go together in the next `jido.signals` RPC.',
    );
  }
  if (ran('state')) {
    notes.push(
      'State size: worker CPU is `process.cpuUsage()` of the worker process (every thread: workflow threads, Temporal core, idle polling) over the clock\'s window; wall time also holds the server\'s and the harness\'s share of the cores.',
    );
  }
  if (ran('sweep')) {
    notes.push(
      'The SDK gives every workflow its own module cache: a bundle\'s modules are evaluated per cached workflow, except preloaded ones, evaluated once per worker and shared (workflows/preload.ts: zod and the pure modules of src/; in the bench bundle also bench/ballast-agent.ts). A bare counter in the bench bundle pays for the rest of the bundle (workflows/) too; the "own bundle" baseline is bare Temporal alone, nothing preloaded.',
      'Memory per agent is the growth of the worker process after a full GC of its main isolate; workflow code runs in a worker thread whose heap is not collected first, so RSS is the figure to read and it includes Temporal core (Rust) state.',
      'Projected memory for 10,000 agents: the median RSS per agent at the largest sweep size measured × 10,000 (what one node\'s worker would hold with every agent in its sticky cache); the worker\'s fixed cost is not in it.',
    );
  }
  notes.push(`Dev server: one history shard, SQLite in memory; the worker and the harness share the ${machine.cores} cores with it.`);
  const result = summarise(config, raw, machine, { startedAt, finishedAt: new Date(), maxCachedWorkflows, notes });
  const stem = path.join(config.out, resultStem(startedAt.toISOString().slice(0, 10), config.groups, config.mode));
  mkdirSync(config.out, { recursive: true });
  const markdown = markdownReport(result);
  writeFileSync(`${stem}.json`, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(`${stem}.md`, markdown);
  writeFileSync(`${stem}.svg`, benchChart(result));
  process.stdout.write(markdown);
  log(`wrote ${stem}.json, .md, .svg`);
}

let config: ReturnType<typeof parseBenchArgs> | undefined;
try {
  config = parseBenchArgs(process.argv.slice(2), path.join(HERE, 'results'));
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
if (config?.help) {
  process.stdout.write(`${USAGE}\n`);
} else if (config !== undefined) {
  try {
    await measure(config);
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
