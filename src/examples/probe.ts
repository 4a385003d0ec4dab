/**
 * Example agent: a node probe. `probe.measure` runs the `measureNode` activity on the probe's home node
 * (task queue `node.<nodeId>`); the result comes back as `probe.measured` and the last samples are kept in
 * state. Hosted: it is mounted in its node's in-memory agent host while it runs.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../agent/define-agent.js';
import { run } from '../agent/directives.js';

/** What `measureNode` reports: one load sample of a node. */
export const nodeSampleSchema = z.object({
  nodeId: z.string(),
  /** 1-minute load average divided by cores, in [0, ∞). */
  cpu: z.number(),
  /** Used system memory fraction in [0, 1]. */
  memory: z.number(),
  /** Resident set size of the worker process, bytes. */
  rss: z.number(),
  /** Agents mounted in the node's host. */
  hostedAgents: z.number().int(),
  /** Epoch ms on the node's clock. */
  at: z.number(),
});
export type NodeSample = z.infer<typeof nodeSampleSchema>;

export const probeState = z.strictObject({
  samples: z.array(nodeSampleSchema),
  failures: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type ProbeState = z.infer<typeof probeState>;

/** How many samples a probe keeps. */
export const PROBE_SAMPLES_KEPT = 10;

export const measure = defineAction({
  name: 'measure',
  params: z.object({}),
  run: (s: ProbeState) => ({
    state: s,
    directives: [run({ activity: 'measureNode', input: {}, onResult: 'probe.measured', scheduleToStartMs: 30_000, startToCloseMs: 10_000 })],
  }),
});

export const measured = defineAction({
  name: 'measured',
  params: z.object({ result: nodeSampleSchema }),
  run: (s: ProbeState, p) => ({ state: { ...s, samples: [...s.samples, p.result].slice(-PROBE_SAMPLES_KEPT) }, result: p.result }),
});

export const measureFailed = defineAction({
  name: 'measureFailed',
  params: z.object({ error: z.object({ message: z.string() }) }),
  run: (s: ProbeState, p) => ({ state: { ...s, failures: s.failures + 1, lastError: p.error.message } }),
});

export const probeAgent = defineAgent({
  name: 'probe',
  description: 'Samples the load of its home node through an activity on the node queue.',
  state: probeState,
  initialState: { samples: [], failures: 0 },
  routes: {
    'probe.measure': measure,
    'probe.measured': measured,
    'probe.measured.failed': measureFailed,
  },
  options: { hosted: true },
});
