/**
 * The `correlation` extension and W3C Trace Context.
 *
 * A signal's `correlation` carries the trace it belongs to; `traceparent` renders it as the W3C header
 * `00-{trace_id}-{span_id}-01` (version 00, sampled), exactly as jido_signal's trace extension does.
 * A signal caused by another gets a {@link childCorrelation}: same trace, a new span, the cause's span as
 * `parent_span_id`. Pure: ids are passed in or drawn from a random source the caller supplies (the
 * sandbox's deterministic `Math.random` inside workflows).
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../errors.js';
import type { RandomSource } from './id.js';
import { correlationSchema, SPAN_ID_PATTERN, TRACE_ID_PATTERN, type Correlation, type Signal } from './schema.js';

/** `version-traceid-spanid-flags`; versions above 00 may append fields after another dash. */
const TRACEPARENT_PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The W3C `traceparent` header for a correlation: `00-{trace_id}-{span_id}-01`. */
export function traceparent(correlation: Pick<Correlation, 'trace_id' | 'span_id'>): string {
  return `00-${correlation.trace_id}-${correlation.span_id}-01`;
}

/**
 * Reads a W3C `traceparent` header into a correlation `{ trace_id, span_id }`. Throws `INVALID_SIGNAL`
 * (attribute `traceparent`) for a malformed header, version `ff`, extra fields on version 00, or an
 * all-zero trace or span id, all of which W3C says to reject.
 */
export function parseTraceparent(header: string): Correlation {
  const m = TRACEPARENT_PATTERN.exec(header.trim());
  const fail = (why: string): never => {
    throw new AgentClusterError(ErrorCode.INVALID_SIGNAL, `invalid traceparent "${header}": ${why}`, {
      details: { attribute: 'traceparent' },
    });
  };
  if (m === null) return fail('expected "00-<32 lowercase hex>-<16 lowercase hex>-<2 hex>"');
  const [, version, traceId, spanId, , rest] = m;
  if (version === 'ff') return fail('version ff is forbidden');
  if (version === '00' && rest !== undefined) return fail('version 00 has exactly four fields');
  if (traceId === undefined || /^0+$/.test(traceId)) return fail('trace id must not be all zeros');
  if (spanId === undefined || /^0+$/.test(spanId)) return fail('span id must not be all zeros');
  return { trace_id: traceId, span_id: spanId };
}

/** A new 32-hex trace id drawn from `random` (never all zeros). */
export function newTraceId(random: RandomSource): string {
  return randomHex(16, random);
}

/** A new 16-hex span id drawn from `random` (never all zeros). */
export function newSpanId(random: RandomSource): string {
  return randomHex(8, random);
}

/** A correlation that starts a new trace (a root span). */
export function rootCorrelation(random: RandomSource): Correlation {
  return { trace_id: newTraceId(random), span_id: newSpanId(random) };
}

/**
 * The correlation for a signal caused by `parent`: same `trace_id` (and `tracestate`), a new span
 * (`span`: the id itself, or a random source to draw one from), `parent_span_id` = the parent's span.
 * `causationId` is the id of the causing signal, when known.
 */
export function childCorrelation(parent: Correlation, span: string | RandomSource, causationId?: string): Correlation {
  const spanId = typeof span === 'string' ? span : newSpanId(span);
  if (!SPAN_ID_PATTERN.test(spanId)) {
    throw new AgentClusterError(
      ErrorCode.INVALID_SIGNAL,
      `invalid signal: attribute "correlation.span_id" must be 16 lowercase hex characters (got "${spanId}")`,
      { details: { attribute: 'correlation', path: 'correlation.span_id' } },
    );
  }
  if (!TRACE_ID_PATTERN.test(parent.trace_id)) {
    throw new AgentClusterError(
      ErrorCode.INVALID_SIGNAL,
      `invalid signal: attribute "correlation.trace_id" must be 32 lowercase hex characters (got "${parent.trace_id}")`,
      { details: { attribute: 'correlation', path: 'correlation.trace_id' } },
    );
  }
  const child: Correlation = { trace_id: parent.trace_id, span_id: spanId, parent_span_id: parent.span_id };
  if (causationId !== undefined) child.causation_id = causationId;
  if (parent.tracestate !== undefined) child.tracestate = parent.tracestate;
  return child;
}

/**
 * The trace context of a signal, wherever it is written: this project's `correlation` object, or the
 * flat attributes jido_signal's trace extension writes (`traceparent`, else `trace_id` + `span_id`,
 * with optional `parent_span_id`, `causation_id`, `tracestate` beside them). `undefined` when there is
 * none or it is malformed; never throws.
 */
export function signalCorrelation(signal: Signal): Correlation | undefined {
  if (signal.correlation !== undefined) return signal.correlation;
  let base: Correlation | undefined;
  if (typeof signal.traceparent === 'string') {
    try {
      base = parseTraceparent(signal.traceparent);
    } catch {
      base = undefined;
    }
  }
  if (base === undefined && typeof signal.trace_id === 'string' && typeof signal.span_id === 'string') {
    base = { trace_id: signal.trace_id, span_id: signal.span_id };
  }
  if (base === undefined) return undefined;
  for (const key of ['parent_span_id', 'causation_id', 'tracestate'] as const) {
    const value = signal[key];
    if (typeof value === 'string') base[key] = value;
  }
  const checked = correlationSchema.safeParse(base);
  return checked.success ? checked.data : undefined;
}

function randomHex(byteCount: number, random: RandomSource): string {
  let out = '';
  let allZero = true;
  for (let i = 0; i < byteCount; i++) {
    const byte = Math.floor(random() * 256) & 0xff;
    if (byte !== 0) allZero = false;
    out += byte.toString(16).padStart(2, '0');
  }
  // W3C forbids all-zero ids; a random source that only yields zeros still gets a valid one.
  return allZero ? `${out.slice(0, -1)}1` : out;
}
