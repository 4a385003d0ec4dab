/**
 * Jido signals (jido_signal 2.x): the CloudEvents 1.0.2 envelope every message in the cluster travels in.
 *
 * ```ts
 * import { createSignal, parseSignalJson, safeParseSignal, serializeSignal } from './signal/index.js';
 *
 * // Make one (id: UUID v7, time: now, source: "/agent-cluster" unless given).
 * const announced = createSignal('cluster.node.announced', { node: 'node-a' }, { source: '/cluster/node-a' });
 *
 * // Send it as flat JSON, read it back: the same object, extensions kept.
 * const same = parseSignalJson(serializeSignal(announced));
 *
 * // At an edge where input may be bad and throwing is costly:
 * const r = safeParseSignal(input);
 * if (!r.ok) reject(r.error.message); // 'invalid signal: attribute "type" must be ...'
 * ```
 *
 * Inside workflows, pass deterministic `id`/`time` or a `random` source (the sandbox's `Math.random`):
 * `createSignal(type, data, { random: Math.random })`. Every module here is pure and sandbox-safe.
 *
 * @module
 */
export {
  CORE_ATTRIBUTES,
  SIGNAL_ID_PATTERN,
  SIGNAL_TYPE_PATTERN,
  SPAN_ID_PATTERN,
  SPEC_VERSION,
  TRACE_ID_PATTERN,
  correlationSchema,
  jsonValueSchema,
  signalInputSchema,
  signalSchema,
  type Correlation,
  type Signal,
  type SignalInput,
} from './schema.js';
export { isJsonValue, type JsonValue } from './json.js';
export { isSignalId, newSignalId, signalIdTime, type RandomSource } from './id.js';
export { DEFAULT_SOURCE, createSignal, type CreateSignalAttrs } from './create.js';
export {
  invalidSignalError,
  isSignalLike,
  parseSignal,
  parseSignalInput,
  parseSignalJson,
  safeParseSignal,
  type SignalInputOptions,
  type SignalParseResult,
} from './parse.js';
export { serializeSignal } from './serialize.js';
export {
  childCorrelation,
  newSpanId,
  newTraceId,
  parseTraceparent,
  rootCorrelation,
  signalCorrelation,
  traceparent,
} from './correlation.js';
