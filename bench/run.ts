/**
 * `npm run bench`: measures the agent runtime against bare Temporal, side by side, in one run on one
 * machine, and writes `<out>/<date>.json`, `<date>.md` (also printed) and `<date>.svg`.
 *
 * Order: tools → bundle + dev server → worker process → repeats of {throughput (modes in alternating
 * order), latency (calls alternating), micro} → main worker stopped → sweep (fresh worker per size) →
 * result files. The server, the workers and the scratch directory are removed on every exit path,
 * including an error and Ctrl-C. Speed never fails anything here: targets are reported, not enforced.
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
import { parseBenchArgs, USAGE, type BenchConfig } from './config.js';
import { machineFacts } from './machine.js';
import { markdownReport } from './report.js';
import { latencyRound } from './scenarios/latency.js';
import { microRound } from './scenarios/micro.js';
import { runSweep } from './scenarios/sweep.js';
import { throughputRound, type ThroughputMode } from './scenarios/throughput.js';
import { killTracked, track } from './processes.js';
import { bundleWorkflowsToFile } from '../src/infra/bundle.js';
import { startDevServer } from '../src/infra/dev-server.js';
import { BareSubject, RuntimeSubject } from './subjects.js';
import { summarise, type RawRuns } from './summarise.js';
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
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'agent-cluster-bench-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  cleanups.push(() => killTracked());
  const cli = await ensureTemporalCli({ log });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  const bareBundlePath = path.join(scratch, 'bare-bundle.js');
  // Headless, SQLite in memory (no fsync in the measurement), on a free port, search attributes registered.
  const serverStarting = startDevServer({ port: 0, uiPort: false, logLevel: 'error' }).then((s) => {
    track(s.process);
    cleanups.push(() => s.stop());
    log(`dev server ready on ${s.address}`);
    return s;
  });
  // One after the other: two webpack builds at once only fight over the two cores.
  await bundleWorkflowsToFile(path.join(HERE, 'workflows.ts'), bundlePath);
  await bundleWorkflowsToFile(path.join(HERE, 'bare-workflows.ts'), bareBundlePath);
  const server = await serverStarting;
  const connection = await Connection.connect({ address: server.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection });
  const machine = await machineFacts(cli, connection);
  const runId = Date.now().toString(36);
  const maxCachedWorkflows = Math.max(...config.sweep.sizes) + 1_000;
  const notes: string[] = [];

  const raw: RawRuns = { throughput: { bare: [], runtime: [], batched: [] }, latency: [], micro: [], sweep: [], baselines: [] };
  const taskQueue = `bench-${runId}`;
  log(`worker on ${taskQueue}`);
  const worker = await startWorker({ address: server.address, taskQueue, nodeId: NODE_ID, bundlePath, maxCachedWorkflows: 2_000 });
  cleanups.push(() => worker.stop());
  const target = { client, taskQueue, nodeId: NODE_ID };
  const subjects = { bare: new BareSubject(target), runtime: new RuntimeSubject(target) };
  const tpSizes = { ...config.throughput, concurrency: config.concurrency };
  for (let r = 0; r < config.repeat; r++) {
    const order: ThroughputMode[] = r % 2 === 0 ? ['bare', 'runtime', 'batched'] : ['batched', 'runtime', 'bare'];
    for (const mode of order) {
      const perSec = await throughputRound(mode, subjects, tpSizes, `tp-${runId}-${r}`);
      raw.throughput[mode].push(perSec);
      log(`repeat ${r + 1}/${config.repeat} throughput ${mode}: ${perSec.toFixed(0)} signals/s`);
    }
    const lat = await latencyRound(subjects, config.latency, `lat-${runId}-${r}`);
    raw.latency.push(lat);
    log(`repeat ${r + 1}/${config.repeat} latency p50/p95: runtime ${lat.runtime.p50.toFixed(1)}/${lat.runtime.p95.toFixed(1)} ms, bare ${lat.bare.p50.toFixed(1)}/${lat.bare.p95.toFixed(1)} ms`);
    raw.micro.push(microRound(config.micro.routes, config.micro.durationMs));
  }
  await worker.stop();

  const sweepEnv = { client, address: server.address, bundlePath, bareBundlePath, nodeId: NODE_ID, maxCachedWorkflows, concurrency: config.concurrency, log };
  const sweep = await runSweep(sweepEnv, { ...config.sweep, repeat: config.repeat, idPrefix: `sw-${runId}` });
  raw.sweep = sweep.runs;
  raw.baselines = sweep.baselines;
  notes.push(...sweep.notes);

  notes.push(
    'Throughput and sweep clocks stop when a query shows the final count on every workflow: the queries are part of the measured time, one per workflow at least, on both sides.',
    'Every workflow evaluates its bundle\'s modules for itself (the SDK keeps module state per workflow), so a bare counter in the bench bundle pays for the runtime\'s modules (zod, agent definitions) too; the "own bundle" baseline is bare Temporal without them.',
    'Memory per agent is the growth of the worker process after a full GC of its main isolate; workflow code runs in a worker thread whose heap is not collected first, so RSS is the figure to read and it includes Temporal core (Rust) state.',
    `Dev server: one history shard, SQLite in memory; the worker and the harness share the ${machine.cores} cores with it.`,
  );
  const result = summarise(config, raw, machine, { startedAt, finishedAt: new Date(), maxCachedWorkflows, notes });
  const stem = path.join(config.out, `${startedAt.toISOString().slice(0, 10)}${config.mode === 'quick' ? '-quick' : ''}`);
  mkdirSync(config.out, { recursive: true });
  const markdown = markdownReport(result);
  writeFileSync(`${stem}.json`, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(`${stem}.md`, markdown);
  writeFileSync(`${stem}.svg`, benchChart(result));
  process.stdout.write(markdown);
  log(`wrote ${stem}.json, .md, .svg`);
}

const config = parseBenchArgs(process.argv.slice(2), path.join(HERE, 'results'));
if (config.help) {
  process.stdout.write(`${USAGE}\n`);
} else {
  try {
    await measure(config);
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
