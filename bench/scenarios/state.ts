/**
 * Scenario 5, state size: does a signal cost more when the agent's state is large? N `ballast` agents
 * (bench/ballast-agent.ts) × M signals, measured like the throughput scenario — from the first send until
 * every agent's `jido.info` shows M signals applied, with the same calls in flight — once with agents
 * started with a ~1 KB state and once with a ~200 KB one (a table of rows the action never touches:
 * `{ ...state, count: count + 1 }` shares them). Each send is its own RPC (no client coalescing), so each
 * signal is its own workflow task activation.
 *
 * Two figures per size: wall ms per signal (the clock ÷ N × M, queries included as in throughput), and
 * worker CPU ms per signal (the worker process's user + system CPU over the same window ÷ N × M: the
 * workflow threads, Temporal core and the worker's idle polling, without the server's and the harness's
 * share of the machine). Agents are started and confirmed live before the clock starts; the initial
 * state travels once, in the start. {@link stateWarmup} runs both sizes once, untimed, before the first
 * repeat, so the first timed size does not pay for the JIT warming up the worker's code paths.
 *
 * @module
 */
import { BALLAST_ADD, ballastRows } from '../ballast-agent.js';
import { elapsedMs, forEachLimit, pollUntil } from '../pool.js';
import type { BallastSubject } from '../subjects.js';
import { deliveries } from './throughput.js';

export type StateSize = 'small' | 'large';

export interface StateSizes {
  agents: number;
  signalsPerAgent: number;
  /** Client calls in flight at once. */
  concurrency: number;
  /** Target JSON bytes of the initial state, per size. */
  bytes: Record<StateSize, number>;
}

export interface StateSample {
  /** Wall ms from the first send until every count is visible, ÷ signals. */
  perSignalMs: number;
  /** Worker process CPU (user + system) over the same window ÷ signals, ms. */
  workerCpuMsPerSignal: number;
  /** JSON bytes of the state as the agent measured it (`jido.info` budget.state), after the start. */
  stateBytes: number;
  rows: number;
}

/** The rows of each target size, built once (the same rows every repeat). */
const rowsBySize = new Map<number, ReturnType<typeof ballastRows>>();
function rowsOf(bytes: number): ReturnType<typeof ballastRows> {
  let rows = rowsBySize.get(bytes);
  if (rows === undefined) rowsBySize.set(bytes, (rows = ballastRows(bytes)));
  return rows;
}

/** One round of one size: fresh agents, `signalsPerAgent` signals each. */
export async function stateRound(
  size: StateSize,
  subject: BallastSubject,
  sizes: StateSizes,
  workerCpu: () => Promise<NodeJS.CpuUsage>,
  idPrefix: string,
): Promise<StateSample> {
  const rows = rowsOf(sizes.bytes[size]);
  const ids = Array.from({ length: sizes.agents }, (_, i) => `${idPrefix}-${size}-${i}`);
  const { concurrency } = sizes;
  await forEachLimit(ids, concurrency, (id) => subject.start(id, rows));
  await pollUntil(ids, 0, (id) => subject.count(id), { concurrency, timeoutMs: 60_000 });
  const stateBytes = (await subject.info(ids[0] as string)).budget.state;

  const M = sizes.signalsPerAgent;
  const cpuBefore = await workerCpu();
  const started = performance.now();
  await forEachLimit(deliveries(ids, M), concurrency, (id) => subject.send(id));
  await pollUntil(ids, M, (id) => subject.count(id), { concurrency, timeoutMs: 600_000 });
  const ms = elapsedMs(started);
  const cpu = await workerCpu();

  // A wrong state means the measurement is of something else: stop rather than report it.
  const final = await subject.state(ids[0] as string);
  if (final.count !== M || final.rows.length !== rows.length) {
    throw new Error(`${ids[0]}: expected count ${M} and ${rows.length} rows after ${BALLAST_ADD.type}, got ${final.count} and ${final.rows.length}`);
  }
  const signals = sizes.agents * M;
  const cpuMs = (cpu.user - cpuBefore.user + cpu.system - cpuBefore.system) / 1000;
  return { perSignalMs: ms / signals, workerCpuMsPerSignal: cpuMs / signals, stateBytes, rows: rows.length };
}

/**
 * Both sizes once at full size, untimed (results discarded): on a fresh worker the first timed round
 * otherwise ran ~1.5× slower (JIT, the server's first signals), which lands on whichever size goes first.
 */
export async function stateWarmup(subject: BallastSubject, sizes: StateSizes, workerCpu: () => Promise<NodeJS.CpuUsage>, idPrefix: string): Promise<void> {
  for (const size of ['small', 'large'] as const) await stateRound(size, subject, sizes, workerCpu, `${idPrefix}-warmup`);
}
