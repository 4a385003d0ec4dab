/**
 * How large a sweep step this machine can afford. 10,000 live agents need minutes to start on a
 * single-shard dev server with 2 cores, and memory for every cached workflow; rather than run for an
 * hour or run the worker out of memory, a step is shrunk to what fits its time budget and the free
 * memory, projected from the step before it — and the result says so. Pure module.
 *
 * @module
 */

/** The share of free memory a sweep worker may grow into (others use the machine too). */
export const MEMORY_SHARE = 0.6;

/**
 * A safety margin on projections from the previous step. Rates can fall as the worker's cache grows (its
 * workflow thread's heap grows ~1.7 MB per agent, and garbage collection with it): on the shared 2-core
 * reference box one run saw 7,000 agents go live at half the rate of 1,000, the next saw 6,000 at the
 * same rate. Better a smaller step than a run that overshoots its time by minutes.
 */
export const SLOWDOWN = 2;

/** What the previous step measured (medians). */
export interface StepRates {
  /** Agents started to live per second. */
  startsPerSec: number;
  /** Wall ms per delivered-and-seen signal. */
  perSignalMs: number;
  /** Worker RSS growth per agent, KiB. */
  rssPerAgentKiB: number;
}

export interface StepPlan {
  agents: number;
  /** Why the step is smaller than asked, when it is. */
  reason?: string;
}

/** Projected wall seconds of a step of `agents` agents (with the {@link SLOWDOWN} of a bigger cache). */
export function projectedSeconds(agents: number, rates: StepRates): number {
  return SLOWDOWN * (agents / rates.startsPerSec + (agents * rates.perSignalMs) / 1000);
}

/** `n` rounded down to one significant digit (7,431 → 7,000), so shrunk sizes read as chosen ones. */
export function roundDown(n: number): number {
  if (n < 1) return 0;
  const unit = 10 ** Math.floor(Math.log10(n));
  return Math.floor(n / unit) * unit;
}

/**
 * The step to run for `wanted` agents: as asked when it fits both the time budget and
 * {@link MEMORY_SHARE} of the free memory, else the largest one-digit size that does — never at or
 * below `floor` (the previous step): then the step is skipped (`agents` 0).
 */
export function planStep(wanted: number, rates: StepRates, limits: { budgetSec: number; freeMemKiB: number; floor: number }): StepPlan {
  const byTime = limits.budgetSec / projectedSeconds(1, rates);
  const byMemory = rates.rssPerAgentKiB > 0 ? (limits.freeMemKiB * MEMORY_SHARE) / rates.rssPerAgentKiB : Number.POSITIVE_INFINITY;
  if (wanted <= byTime && wanted <= byMemory) return { agents: wanted };
  const agents = roundDown(Math.min(byTime, byMemory));
  const why =
    byTime < byMemory
      ? `${wanted.toLocaleString('en-US')} agents would take about ${Math.round(projectedSeconds(wanted, rates))} s here (${rates.startsPerSec.toFixed(0)} starts/s to live), over the ${limits.budgetSec} s budget of a step`
      : `${wanted.toLocaleString('en-US')} agents would need about ${Math.round((wanted * rates.rssPerAgentKiB) / 1024 ** 2)} GiB of worker memory (${rates.rssPerAgentKiB.toFixed(0)} KiB each), over ${MEMORY_SHARE * 100} % of the ${Math.round(limits.freeMemKiB / 1024 ** 2)} GiB free`;
  if (agents <= limits.floor) return { agents: 0, reason: `skipped: ${why}` };
  return { agents, reason: `measured ${agents.toLocaleString('en-US')} instead: ${why}` };
}
