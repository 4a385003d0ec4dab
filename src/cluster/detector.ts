/**
 * The failure detector of one node incarnation: a lease held by the node, confirmed by a probe.
 *
 * How it works (DESIGN.md, "Liveness without history growth"):
 * 1. **Probe.** A quick activity on the node's own queue (`node.<id>`) with a short schedule-to-start and
 *    start-to-close timeout (`confirmTimeoutMs`) and no retry. Picked up and answered by the node's current
 *    incarnation → the lease is granted (`joining → up`). Not picked up, not answered (a frozen process
 *    holds its poll but never replies), or answered by another incarnation → the node is **down**.
 * 2. **Lease.** A long-running activity on the node's queue that heartbeats every `heartbeatEveryMs`, with
 *    heartbeat timeout `heartbeatTimeoutMs` and no retry. Heartbeats write no history events, so the cost
 *    does not depend on the heartbeat rate; the lease returns after `leaseTermMs` and is taken again (a few
 *    events per term). When the node stops heartbeating, the server fails the lease with a `HEARTBEAT`
 *    timeout and the detector hears it at once: the node is **suspect**, and a probe confirms.
 * A lease that returns `released` (the node is leaving) ends the detector, which tells the membership
 * (`cluster.lease.released` → `left`, whether or not the node's own leave call arrived).
 * 3. **Confirm.** Probe answered → the suspicion is refuted (`suspect → up`) and a new lease starts; probe
 *    failed → **down**, and the detector ends. A node that comes back after that must rejoin under a new
 *    incarnation.
 *
 * Detection time after a crash ≈ `heartbeatTimeoutMs` + `confirmTimeoutMs` + two workflow tasks (plus the
 * worker's sticky schedule-to-start timeout if this detector was cached on the dead node).
 *
 * This module is the pure state machine: `(state, event) → (state, commands)`; the `failureDetector`
 * agent (./agents/failure-detector.ts) turns commands into directives. Pure: safe in the workflow sandbox.
 *
 * @module
 */
import { z } from 'zod';
import { incarnationSchema, nodeIdSchema } from './signals.js';

/** The detector's timing. Durations in ms. */
export const detectorConfigSchema = z
  .strictObject({
    /** The lease fails when the server has no heartbeat for this long. */
    heartbeatTimeoutMs: z.number().int().min(200).max(600_000),
    /** How often the node heartbeats its lease (well under the timeout). */
    heartbeatEveryMs: z.number().int().min(50).max(120_000),
    /** How long a probe may wait to be picked up, and to be answered. */
    confirmTimeoutMs: z.number().int().min(200).max(600_000),
    /** A lease returns after this long and is taken again. */
    leaseTermMs: z.number().int().min(1_000).max(86_400_000),
  })
  .refine((c) => c.heartbeatEveryMs * 2 <= c.heartbeatTimeoutMs, 'heartbeatEveryMs must be at most half of heartbeatTimeoutMs')
  .refine((c) => c.leaseTermMs > c.heartbeatTimeoutMs, 'leaseTermMs must be longer than heartbeatTimeoutMs');
export type DetectorConfig = z.infer<typeof detectorConfigSchema>;

/**
 * Presets. `development`: fast detection on one machine (tests, `npm start`). `production`: more slack
 * for GC pauses and busy machines, still under 5 s. Chosen by `CLUSTER_PRESET`; see the README for the
 * measured detection times.
 */
export const DETECTOR_PRESETS = {
  development: { heartbeatTimeoutMs: 1_500, heartbeatEveryMs: 250, confirmTimeoutMs: 1_000, leaseTermMs: 300_000 },
  production: { heartbeatTimeoutMs: 2_500, heartbeatEveryMs: 400, confirmTimeoutMs: 1_500, leaseTermMs: 600_000 },
} as const satisfies Record<string, DetectorConfig>;
export type PresetName = keyof typeof DETECTOR_PRESETS;

export const DETECTOR_PHASES = ['starting', 'probing', 'leasing', 'confirming', 'ended'] as const;

export const detectorStateSchema = z.strictObject({
  nodeId: nodeIdSchema,
  incarnation: incarnationSchema,
  config: detectorConfigSchema,
  phase: z.enum(DETECTOR_PHASES),
  /** Leases taken so far (one per term). */
  leases: z.number().int().nonnegative(),
  /** Suspicions raised (lease expiries), refuted or not. */
  suspicions: z.number().int().nonnegative(),
  /** Why the detector ended. */
  ended: z.string().optional(),
});
export type DetectorState = z.infer<typeof detectorStateSchema>;

/** What the detector asks its agent to do. */
export type DetectorCommand =
  | { do: 'probe' }
  | { do: 'lease' }
  | { do: 'granted'; refuted: boolean }
  | { do: 'expired'; reason: string }
  | { do: 'failed'; cause: 'probe-failed' | 'fenced'; reason: string }
  | { do: 'released' }
  | { do: 'stop'; reason: string };

export type DetectorEvent =
  | { on: 'start' }
  | { on: 'probe-ok' }
  | { on: 'probe-failed'; error: { message: string; type: string | null } }
  | { on: 'lease-ended'; released: boolean }
  | { on: 'lease-failed'; error: { message: string; type: string | null } };

/** The failure type a node's activity throws when asked to act for an incarnation that is not its own. */
export const FENCED_ERROR_TYPE = 'NodeFenced';

export function initialDetector(nodeId: string, incarnation: number, config: DetectorConfig): DetectorState {
  return { nodeId, incarnation, config, phase: 'starting', leases: 0, suspicions: 0 };
}

function end(s: DetectorState, why: string, commands: DetectorCommand[]): { state: DetectorState; commands: DetectorCommand[] } {
  return { state: { ...s, phase: 'ended', ended: why }, commands: [...commands, { do: 'stop', reason: why }] };
}

/**
 * One step. Events that do not fit the phase (a late result after the detector ended, a second start)
 * change nothing and ask for nothing.
 */
export function stepDetector(s: DetectorState, e: DetectorEvent): { state: DetectorState; commands: DetectorCommand[] } {
  const none = { state: s, commands: [] as DetectorCommand[] };
  switch (e.on) {
    case 'start':
      return s.phase === 'starting' ? { state: { ...s, phase: 'probing' }, commands: [{ do: 'probe' }] } : none;
    case 'probe-ok':
      if (s.phase !== 'probing' && s.phase !== 'confirming') return none;
      return {
        state: { ...s, phase: 'leasing', leases: s.leases + 1 },
        commands: [{ do: 'granted', refuted: s.phase === 'confirming' }, { do: 'lease' }],
      };
    case 'probe-failed': {
      if (s.phase !== 'probing' && s.phase !== 'confirming') return none;
      const fenced = e.error.type === FENCED_ERROR_TYPE;
      const reason = fenced ? `fenced: ${e.error.message}` : `probe failed: ${e.error.message}`;
      return end(s, reason, [{ do: 'failed', cause: fenced ? 'fenced' : 'probe-failed', reason }]);
    }
    case 'lease-ended':
      if (s.phase !== 'leasing') return none;
      // Told to the membership too: a node whose own leave call was lost must not stay up forever.
      if (e.released) return end(s, 'lease released: the node left', [{ do: 'released' }]);
      return { state: { ...s, leases: s.leases + 1 }, commands: [{ do: 'lease' }] };
    case 'lease-failed': {
      if (s.phase !== 'leasing') return none;
      if (e.error.type === FENCED_ERROR_TYPE) {
        const reason = `fenced: ${e.error.message}`;
        return end(s, reason, [{ do: 'failed', cause: 'fenced', reason }]);
      }
      return {
        state: { ...s, phase: 'confirming', suspicions: s.suspicions + 1 },
        commands: [{ do: 'expired', reason: `lease lost: ${e.error.message}` }, { do: 'probe' }],
      };
    }
  }
}
