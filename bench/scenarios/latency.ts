/**
 * Scenario 2, latency: client → state visible, one call in flight at a time. The runtime's `jido.call`
 * update returns the agent's new total; the bare `bare.incUpdate` update returns the new count. Calls
 * alternate between the two (and which goes first alternates too), so both see the same machine state.
 * The first `warmup` calls of each are not counted.
 *
 * @module
 */
import { percentiles, type Percentiles } from '../stats.js';
import type { BareSubject, RuntimeSubject } from '../subjects.js';

export interface LatencySizes {
  calls: number;
  warmup: number;
}

async function timed(call: () => Promise<number>, expected: number, what: string): Promise<number> {
  const started = performance.now();
  const result = await call();
  const ms = performance.now() - started;
  // A wrong count means the measurement is of something else: stop rather than report it.
  if (result !== expected) throw new Error(`${what}: expected the new count ${expected}, got ${String(result)}`);
  return ms;
}

/** One repeat: a fresh agent and a fresh bare counter, `warmup + calls` calls each. */
export async function latencyRound(
  subjects: { bare: BareSubject; runtime: RuntimeSubject },
  sizes: LatencySizes,
  idPrefix: string,
): Promise<{ bare: Percentiles; runtime: Percentiles }> {
  const agentId = `${idPrefix}-runtime`;
  const bareId = `${idPrefix}-bare`;
  await subjects.runtime.start(agentId);
  await subjects.bare.start(bareId);
  const samples = { runtime: [] as number[], bare: [] as number[] };
  for (let i = 0; i < sizes.warmup + sizes.calls; i++) {
    const runtime = () => timed(() => subjects.runtime.call(agentId), i + 1, `jido.call #${i + 1}`);
    const bare = () => timed(() => subjects.bare.call(bareId), i + 1, `bare.incUpdate #${i + 1}`);
    let r: number;
    let b: number;
    if (i % 2 === 0) {
      r = await runtime();
      b = await bare();
    } else {
      b = await bare();
      r = await runtime();
    }
    if (i >= sizes.warmup) {
      samples.runtime.push(r);
      samples.bare.push(b);
    }
  }
  return { runtime: percentiles(samples.runtime), bare: percentiles(samples.bare) };
}
