/**
 * Directives: the outbound effects an action asks for. Actions change state themselves and return
 * directives; the entity workflow carries them out after the action returns (Jido's `cmd/2` split).
 *
 * Directives are plain JSON so they can be logged, carried across continue-as-new and asserted on in
 * unit tests without Temporal. Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import { z } from 'zod';
import { jsonValueSchema, SIGNAL_TYPE_PATTERN } from '../signal/index.js';

/** A Jido signal type (`cluster.node.announced`), checked when the action returns, before anything commits. */
const signalType = z.string().regex(SIGNAL_TYPE_PATTERN, 'must be a dot-separated lowercase signal type');
/** Longest duration a directive may ask for: ten years (Temporal rejects durations past protobuf's range). */
const MAX_DURATION_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** What a directive may carry as a signal: a type and data; the runtime fills id, source and time. */
export const outboundSignalSchema = z.strictObject({
  type: signalType,
  data: jsonValueSchema.optional(),
  subject: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
});
export type OutboundSignal = z.infer<typeof outboundSignalSchema>;

const durationMs = z.number().int().positive().max(MAX_DURATION_MS);

/** Retry policy of a `run` directive's activity (Temporal's retry policy, durations in ms). */
export const retrySchema = z.strictObject({
  maximumAttempts: z.number().int().positive().optional(),
  initialIntervalMs: durationMs.optional(),
  backoffCoefficient: z.number().min(1).optional(),
  maximumIntervalMs: durationMs.optional(),
  nonRetryableErrorTypes: z.array(z.string()).optional(),
});

/** Signal another agent, or every agent subscribed to a topic. */
export const emitDirectiveSchema = z.strictObject({
  kind: z.literal('emit'),
  to: z.union([z.strictObject({ agent: z.string().min(1) }), z.strictObject({ topic: z.string().min(1) })]),
  signal: outboundSignalSchema,
});

/**
 * Activities of the node's own agent host (mount, checkpoint, restore, unmount, list). Only the runtime
 * and the cluster's sagas call them; an action's `run` directive naming one is refused before anything
 * is applied (./admission.ts), so no agent can unmount or overwrite another agent on its node.
 */
export const NODE_INTERNAL_ACTIVITIES: readonly string[] = ['hostMount', 'hostCheckpoint', 'hostRestore', 'hostUnmount', 'hostStatus', 'hostList'];

/**
 * Run an activity on the agent's home node queue (`node.<nodeId>`). Its result comes back to the agent as
 * a signal of type `onResult` with data `{ result, input }`; a failure as `onError` (default
 * `<onResult>.failed`) with data `{ error, input }`. `scheduleToStartMs` bounds how long the task may wait
 * for its node: a dead node's queue never drains, so this is how the agent learns its node is gone.
 */
export const runDirectiveSchema = z.strictObject({
  kind: z.literal('run'),
  activity: z.string().min(1),
  input: jsonValueSchema.optional(),
  onResult: signalType,
  onError: signalType.optional(),
  startToCloseMs: durationMs.optional(),
  scheduleToStartMs: durationMs.optional(),
  /**
   * The activity must heartbeat at least this often, or the server fails it with a `HEARTBEAT` timeout
   * (heartbeats write no history events: the cluster's node leases are built on this).
   */
  heartbeatTimeoutMs: durationMs.optional(),
  retry: retrySchema.optional(),
});

/** A durable timer: after `delayMs`, the signal is delivered to the agent itself. */
export const scheduleDirectiveSchema = z.strictObject({
  kind: z.literal('schedule'),
  delayMs: z.number().int().nonnegative().max(MAX_DURATION_MS),
  signal: outboundSignalSchema,
});

/** Most signals a spawn may hand its new agent to apply first. */
export const MAX_SPAWN_SIGNALS = 16;

/**
 * Start another agent (idempotent: an agent already running under that id is left as it is). `signals`
 * are applied by the new agent first, before anything sent to it (signal-with-start); an agent already
 * running does not receive them.
 */
export const spawnDirectiveSchema = z.strictObject({
  kind: z.literal('spawn'),
  agentKind: z.string().min(1),
  agentId: z.string().min(1),
  node: z.string().min(1).optional(),
  state: jsonValueSchema.optional(),
  signals: z.array(outboundSignalSchema).min(1).max(MAX_SPAWN_SIGNALS).optional(),
});

/**
 * Start a saga: a cluster workflow of a registered type ({@link SAGA_TYPES}) under a fixed workflow id, as
 * an abandoned child (it outlives the agent). The id makes it exclusive: while one runs under it, the start
 * fails, and the agent hears so as `onError` with data `{ workflowId, error }` (when asked).
 */
export const sagaDirectiveSchema = z.strictObject({
  kind: z.literal('saga'),
  sagaType: z.string().min(1),
  workflowId: z.string().min(1),
  input: jsonValueSchema,
  onError: signalType.optional(),
  /** One line for the Web UI. */
  summary: z.string().max(200).optional(),
});

/** The saga workflow types a `saga` directive may start (workflows/sagas/). */
export const SAGA_TYPES: readonly string[] = ['migration', 'rebalance'];

/** Stop this agent once the signals already accepted have been applied. */
export const stopDirectiveSchema = z.strictObject({
  kind: z.literal('stop'),
  reason: z.string().optional(),
});

export const directiveSchema = z.discriminatedUnion('kind', [
  emitDirectiveSchema,
  runDirectiveSchema,
  scheduleDirectiveSchema,
  spawnDirectiveSchema,
  sagaDirectiveSchema,
  stopDirectiveSchema,
]);

export type EmitDirective = z.infer<typeof emitDirectiveSchema>;
export type RunDirective = z.infer<typeof runDirectiveSchema>;
export type ScheduleDirective = z.infer<typeof scheduleDirectiveSchema>;
export type SpawnDirective = z.infer<typeof spawnDirectiveSchema>;
export type SagaDirective = z.infer<typeof sagaDirectiveSchema>;
export type StopDirective = z.infer<typeof stopDirectiveSchema>;
export type Directive = z.infer<typeof directiveSchema>;

/** Directive constructors, so actions read as `emit.toAgent('b', { type: 'x.y', data })`. */
export const emit = {
  toAgent: (agent: string, signal: OutboundSignal): EmitDirective => ({ kind: 'emit', to: { agent }, signal }),
  toTopic: (topic: string, signal: OutboundSignal): EmitDirective => ({ kind: 'emit', to: { topic }, signal }),
};

export function run(spec: Omit<RunDirective, 'kind'>): RunDirective {
  return { kind: 'run', ...spec };
}

export function schedule(delayMs: number, signal: OutboundSignal): ScheduleDirective {
  return { kind: 'schedule', delayMs, signal };
}

export function spawn(spec: Omit<SpawnDirective, 'kind'>): SpawnDirective {
  return { kind: 'spawn', ...spec };
}

export function saga(spec: Omit<SagaDirective, 'kind'>): SagaDirective {
  return { kind: 'saga', ...spec };
}

export function stop(reason?: string): StopDirective {
  return reason === undefined ? { kind: 'stop' } : { kind: 'stop', reason };
}
