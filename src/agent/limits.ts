/**
 * The limits an agent lives inside, and the one decision they drive: when a run must continue-as-new.
 *
 * Temporal fails a workflow task on every retry when a run goes over a per-run limit (2,000 pending
 * activities, outgoing signals or child workflows), refuses messages past others (10,000 signals, 2,000
 * updates), and terminates a run at 51,200 events or 50 MiB of history. The runtime stays inside all of
 * them by construction:
 *
 * - **Effects in flight** are capped per kind ({@link EFFECTS_IN_FLIGHT}) so that their completions can
 *   never overflow the server's buffer of 100 events per workflow task; the rest wait in order.
 * - **Continue-as-new, soft**: at the server's suggestion, at `maxHistoryEvents`, or at the soft signal /
 *   update counts, the run stops starting effects, waits for the ones in flight, and continues-as-new.
 * - **Continue-as-new, hard** (the ceiling): at `historyCeiling` events, 20 MiB of history, 9,000 signals
 *   or 1,800 updates, the run continues-as-new even with activities in flight; they are dispatched again
 *   in the next run (at-least-once, as Temporal activities are anyway).
 * - **The carried input** (state, timers, queued effects, call results, dedupe window, dead letters) is
 *   bounded by {@link CARRY_BUDGET_BYTES}, 1.5 MiB, well under the 2 MiB payload limit: a signal whose
 *   outcome would not fit is rejected before anything changes.
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Temporal's own per-run limits (server defaults, v1.29) that the numbers below keep clear of. */
export const TEMPORAL_LIMITS = {
  pendingActivities: 2_000,
  pendingSignals: 2_000,
  pendingChildren: 2_000,
  historyEvents: 51_200,
  historyBytes: 50 * MiB,
  signalsPerRun: 10_000,
  updatesPerRun: 2_000,
  updatesInFlight: 10,
  payloadBytes: 2 * MiB,
  /** Events arriving while a workflow task runs; past this the server force-fails the task. */
  bufferedEvents: 100,
} as const;

/**
 * Effects one run has in flight at most, per kind: outgoing signals (emits; a coalesced batch is one),
 * activities (runs and the node host's own), and child workflows being started (spawns).
 *
 * The binding limit is not Temporal's 2,000 pending per kind but its buffer of events that arrive while a
 * workflow task runs: past 100 (`history.maximumBufferedEventsBatch`) the server force-fails the task
 * (`FORCE_CLOSE_COMMAND`) and the worker replays the whole run. Every effect in flight can complete during
 * one task: a signal or a child start adds one event, an activity two (started and completed). These caps
 * keep that at 32 + 2×16 + 16 = 80, leaving room for signals arriving from outside.
 */
export const EFFECTS_IN_FLIGHT = { signals: 32, activities: 16, children: 16 } as const;

/**
 * Children one run may start (Temporal keeps an abandoned child pending until it closes, and allows 2,000
 * pending per run): a run that has spawned this many continues-as-new to spawn more.
 */
export const CHILDREN_PER_RUN = 1_000;

/** Everything a run hands to the next stays under this (the JSON of the continue-as-new input). */
export const CARRY_BUDGET_BYTES = 1.5 * MiB;
/** Kept for call results (the idempotent-reply window), oldest evicted first. */
export const CALL_RESULTS_BUDGET = { count: 1_000, bytes: 128 * KiB } as const;
/** A dead letter's message and type are cut to these lengths, so the list has a known size. */
export const DEAD_LETTER_TEXT = { message: 400, type: 160, signalId: 64 } as const;

/** The per-kind maximum state size when the kind does not set one. */
export const DEFAULT_MAX_STATE_BYTES = 256 * KiB;
/** The largest `maxStateBytes` a kind may set. */
export const MAX_STATE_BYTES_LIMIT = 768 * KiB;

/** Soft and hard continue-as-new thresholds of a run. */
export interface RunLimits {
  /** Soft: continue-as-new at this history length (when effects in flight have finished). */
  maxHistoryEvents: number;
  /** Hard ceiling: continue-as-new at this history length, activities in flight or not. */
  historyCeiling: number;
  /** Soft / hard thresholds of history bytes. */
  softHistoryBytes: number;
  hardHistoryBytes: number;
  /** Soft / hard thresholds of Temporal signals received in one run (limit 10,000). */
  softSignals: number;
  hardSignals: number;
  /** Soft / hard thresholds of updates (`jido.call`) accepted in one run (limit 2,000). */
  softUpdates: number;
  hardUpdates: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  maxHistoryEvents: 10_000,
  historyCeiling: 20_000,
  softHistoryBytes: 8 * MiB,
  hardHistoryBytes: 20 * MiB,
  softSignals: 5_000,
  hardSignals: 9_000,
  softUpdates: 1_000,
  hardUpdates: 1_800,
};

/** The smallest gap between the soft `maxHistoryEvents` and the hard `historyCeiling`. */
export const MIN_CEILING_GAP = 500;
/**
 * The largest `historyCeiling` allowed: 21,200 events of room below Temporal's 51,200 for what can still
 * happen after the ceiling is reached (a stopping agent's unmount under a stream of refused signals, the
 * workflow tasks of the continue-as-new itself).
 */
export const MAX_HISTORY_CEILING = 30_000;

/** The hard ceiling when none is given: the default, or far enough above the soft threshold. */
function defaultCeiling(soft: number): number {
  return Math.min(MAX_HISTORY_CEILING, Math.max(DEFAULT_RUN_LIMITS.historyCeiling, soft + MIN_CEILING_GAP));
}

/**
 * Checks per-agent overrides of the history thresholds; returns a message naming the problem, or
 * undefined when they are fine. `maxHistoryEvents` ≥ 100; `historyCeiling` ≥ `maxHistoryEvents` + 500
 * and ≤ 30,000.
 */
export function checkHistoryLimits(limits: { maxHistoryEvents?: number; historyCeiling?: number }, kindMax: number): string | undefined {
  const soft = limits.maxHistoryEvents ?? kindMax;
  if (!Number.isInteger(soft) || soft < 100 || soft > MAX_HISTORY_CEILING - MIN_CEILING_GAP) {
    return `limits.maxHistoryEvents must be an integer from 100 to ${MAX_HISTORY_CEILING - MIN_CEILING_GAP} (got ${soft})`;
  }
  const hard = limits.historyCeiling ?? defaultCeiling(soft);
  if (!Number.isInteger(hard) || hard > MAX_HISTORY_CEILING) return `limits.historyCeiling must be an integer <= ${MAX_HISTORY_CEILING} (got ${hard})`;
  if (hard < soft + MIN_CEILING_GAP) {
    return `limits.historyCeiling (${hard}) must be at least limits.maxHistoryEvents (${soft}) + ${MIN_CEILING_GAP}`;
  }
  return undefined;
}

/** The run limits of an agent: its kind's `maxHistoryEvents`, overridden per agent. Assumes checked input. */
export function runLimits(kindMaxHistoryEvents: number, overrides: { maxHistoryEvents?: number; historyCeiling?: number } = {}): RunLimits {
  // Clamped as well as checked at the client: a raw-SDK caller's input must not lift the ceiling past Temporal's.
  const clamp = (n: number, lo: number, hi: number): number => (Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.floor(n))) : hi);
  const maxHistoryEvents = clamp(overrides.maxHistoryEvents ?? kindMaxHistoryEvents, 100, MAX_HISTORY_CEILING - MIN_CEILING_GAP);
  const historyCeiling = clamp(
    overrides.historyCeiling ?? defaultCeiling(maxHistoryEvents),
    maxHistoryEvents + MIN_CEILING_GAP,
    MAX_HISTORY_CEILING,
  );
  return { ...DEFAULT_RUN_LIMITS, maxHistoryEvents, historyCeiling };
}

/** What a run has used so far: workflow info plus the runtime's own counts. */
export interface RunUsage {
  historyLength: number;
  historySize: number;
  continueAsNewSuggested: boolean;
  /** Temporal signals received by this run (each `jido.signal`, `jido.signals`, `jido.stop`). */
  signals: number;
  /** Updates (`jido.call`) accepted by this run. */
  updates: number;
  /** The next queued effect is a spawn and the run's child budget is used up. */
  childBudgetSpent: boolean;
}

/** Whether a run should continue-as-new: `soft` waits for effects in flight, `hard` does not wait for activities. */
export type ContinueDecision = { mode: 'soft' | 'hard'; reason: string } | undefined;

/**
 * The decision of a run recorded before `runtime-v2`: the old rule exactly (the server's suggestion or
 * `maxHistoryEvents`), so that its history replays. Such a run takes today's rule from its next run on.
 */
export function legacyContinueDecision(u: RunUsage, l: RunLimits): ContinueDecision {
  if (u.continueAsNewSuggested) return { mode: 'soft', reason: 'the server suggested continue-as-new' };
  if (u.historyLength >= l.maxHistoryEvents) return { mode: 'soft', reason: `history reached ${u.historyLength} events (maxHistoryEvents ${l.maxHistoryEvents})` };
  return undefined;
}

/** The continue-as-new decision for a run (undefined: carry on). */
export function continueDecision(u: RunUsage, l: RunLimits): ContinueDecision {
  if (u.historyLength >= l.historyCeiling) return { mode: 'hard', reason: `history reached ${u.historyLength} events (ceiling ${l.historyCeiling})` };
  if (u.historySize >= l.hardHistoryBytes) return { mode: 'hard', reason: `history reached ${u.historySize} bytes (ceiling ${l.hardHistoryBytes})` };
  if (u.signals >= l.hardSignals) return { mode: 'hard', reason: `${u.signals} signals received this run (ceiling ${l.hardSignals})` };
  if (u.updates >= l.hardUpdates) return { mode: 'hard', reason: `${u.updates} calls accepted this run (ceiling ${l.hardUpdates})` };
  if (u.continueAsNewSuggested) return { mode: 'soft', reason: 'the server suggested continue-as-new' };
  if (u.historyLength >= l.maxHistoryEvents) return { mode: 'soft', reason: `history reached ${u.historyLength} events (maxHistoryEvents ${l.maxHistoryEvents})` };
  if (u.historySize >= l.softHistoryBytes) return { mode: 'soft', reason: `history reached ${u.historySize} bytes` };
  if (u.signals >= l.softSignals) return { mode: 'soft', reason: `${u.signals} signals received this run` };
  if (u.updates >= l.softUpdates) return { mode: 'soft', reason: `${u.updates} calls accepted this run` };
  if (u.childBudgetSpent) return { mode: 'soft', reason: `spawned ${CHILDREN_PER_RUN} agents this run; more are waiting` };
  return undefined;
}

/**
 * Workflow task timeout of agent workflows (Temporal's default is 10 s). It bounds how long an agent
 * stalls when its task was handed to a worker that then died (a `kill -9` right after the dispatch): the
 * task times out and any other worker takes it. An agent's workflow task replays at most one run's
 * history (continue-as-new keeps it near 10,000 events), which takes well under a second here. (Not lower: a replay on a saturated machine must still fit.)
 */
export const AGENT_WORKFLOW_TASK_TIMEOUT_MS = 4_000;
