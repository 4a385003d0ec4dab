/**
 * Scenario 1, throughput: N workflows × M signals, from the first send until every workflow's count is
 * visible through a query. Four ways, measured on the same server and worker:
 * - `bare`: one Temporal signal `bare.inc` per message to a counter workflow;
 * - `runtime`: one `AgentClient.send` per message, each its own RPC (`jido.signal`; a client with
 *   `coalesce: false`, comparable with the bare side and with results from before coalescing);
 * - `coalesced`: the same sends through a default `AgentClient`, which puts the sends to one agent made
 *   while another is in flight into one `jido.signals` RPC (src/client/outbox.ts);
 * - `batched`: `AgentClient.sendBatch` of `batchSize` messages (`jido.signals`; no coalescing).
 * Workflows are started and confirmed live (first task done, one query answered) before the clock starts.
 *
 * @module
 */
import { elapsedMs, forEachLimit, pollUntil } from '../pool.js';
import { perSecond } from '../stats.js';
import type { BareSubject, RuntimeSubject } from '../subjects.js';

export type ThroughputMode = 'bare' | 'runtime' | 'coalesced' | 'batched';

/** The modes in the order of even repeats (odd repeats run them reversed). */
export const THROUGHPUT_MODES: readonly ThroughputMode[] = ['bare', 'runtime', 'coalesced', 'batched'];

/** What a round needs: the bare counters, the runtime without and with send coalescing. */
export interface ThroughputSubjects {
  bare: BareSubject;
  runtime: RuntimeSubject;
  coalesced: RuntimeSubject;
}

export interface ThroughputSizes {
  agents: number;
  signalsPerAgent: number;
  batchSize: number;
  concurrency: number;
}

/** Sends, in rounds over all workflows, so every workflow has work all the time (no one-at-a-time tail). */
export function deliveries(ids: readonly string[], perWorkflow: number): string[] {
  const jobs: string[] = [];
  for (let j = 0; j < perWorkflow; j++) jobs.push(...ids);
  return jobs;
}

/** One round of one mode; returns messages per second (a batch of B counts as B messages). */
export async function throughputRound(
  mode: ThroughputMode,
  subjects: ThroughputSubjects,
  sizes: ThroughputSizes,
  idPrefix: string,
): Promise<number> {
  const subject = mode === 'bare' ? subjects.bare : mode === 'coalesced' ? subjects.coalesced : subjects.runtime;
  const ids = Array.from({ length: sizes.agents }, (_, i) => `${idPrefix}-${mode}-${i}`);
  await forEachLimit(ids, sizes.concurrency, (id) => subject.start(id));
  await pollUntil(ids, 0, (id) => subject.count(id), { concurrency: sizes.concurrency, timeoutMs: 60_000 });

  const M = sizes.signalsPerAgent;
  const started = performance.now();
  if (mode === 'batched') {
    const fullBatches = Math.floor(M / sizes.batchSize);
    const jobs = deliveries(ids, fullBatches);
    const rest = M - fullBatches * sizes.batchSize;
    await forEachLimit(jobs, sizes.concurrency, (id) => subjects.runtime.sendBatch(id, sizes.batchSize));
    if (rest > 0) await forEachLimit(ids, sizes.concurrency, (id) => subjects.runtime.sendBatch(id, rest));
  } else {
    await forEachLimit(deliveries(ids, M), sizes.concurrency, (id) => subject.send(id));
  }
  await pollUntil(ids, M, (id) => subject.count(id), { concurrency: sizes.concurrency, timeoutMs: 600_000 });
  const ms = elapsedMs(started);
  return perSecond(sizes.agents * M, ms);
}
