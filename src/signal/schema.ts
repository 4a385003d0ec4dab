/**
 * The Jido signal envelope (jido_signal 2.x) as a zod schema: a CloudEvents 1.0.2 event in its flat
 * JSON form, with extensions as top-level attributes.
 *
 * The schemas only check; they never transform or default, so a parsed signal is exactly the object
 * that was sent and stays JSON-round-trippable across Temporal payloads and continue-as-new.
 * Each rule carries the sentence used in error messages (`attribute "x" <rule>`).
 *
 * @module
 */
import { z } from 'zod';
import { isJsonValue, type JsonValue } from './json.js';

/** The only CloudEvents spec version Jido accepts. */
export const SPEC_VERSION = '1.0.2';

/** A UUID v7 in canonical lowercase form (the id of every Jido signal). */
export const SIGNAL_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A signal type: dot-separated lowercase segments, general to specific (`cluster.node.announced`). */
export const SIGNAL_TYPE_PATTERN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/** A W3C trace id: 32 lowercase hex characters. */
export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** A W3C span id: 16 lowercase hex characters. */
export const SPAN_ID_PATTERN = /^[0-9a-f]{16}$/;

/** An absolute URI: a scheme, a colon, then no whitespace (RFC 3986, loosely). */
const URI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/;

/** Any JSON value (see {@link isJsonValue}). */
export const jsonValueSchema = z.custom<JsonValue>(isJsonValue, { error: 'must be a JSON value' });

const nonEmptyString = (rule: string) => z.string({ error: rule }).min(1, { error: rule });

/**
 * The `correlation` extension: distributed tracing that maps onto W3C `traceparent`
 * (`00-{trace_id}-{span_id}-01`). Unknown keys inside it are kept, like unknown signal attributes.
 */
export const correlationSchema = z
  .object(
    {
      trace_id: z.string({ error: 'must be 32 lowercase hex characters' }).regex(TRACE_ID_PATTERN, {
        error: 'must be 32 lowercase hex characters',
      }),
      span_id: z.string({ error: 'must be 16 lowercase hex characters' }).regex(SPAN_ID_PATTERN, {
        error: 'must be 16 lowercase hex characters',
      }),
      parent_span_id: z
        .string({ error: 'must be 16 lowercase hex characters' })
        .regex(SPAN_ID_PATTERN, { error: 'must be 16 lowercase hex characters' })
        .optional(),
      causation_id: nonEmptyString('must be a non-empty string').optional(),
      tracestate: z.string({ error: 'must be a string' }).optional(),
    },
    { error: 'must be an object { trace_id, span_id, parent_span_id?, causation_id?, tracestate? }' },
  )
  .catchall(jsonValueSchema);

/** Tracing data carried by the `correlation` extension. */
export type Correlation = z.infer<typeof correlationSchema>;

/** The attributes every envelope has, apart from `specversion` and `id` (see {@link signalInputSchema}). */
const envelopeShape = {
  source: nonEmptyString('must be a non-empty string'),
  type: z
    .string({ error: 'must be a non-empty string' })
    .regex(SIGNAL_TYPE_PATTERN, {
      error: 'must be dot-separated lowercase segments of [a-z0-9_-] (e.g. "cluster.node.announced")',
    }),
  subject: nonEmptyString('must be a non-empty string when present').optional(),
  time: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 timestamp (e.g. "2025-01-01T12:00:00.000Z")' })
    .optional(),
  datacontenttype: nonEmptyString('must be a non-empty media type (e.g. "application/json")').optional(),
  dataschema: z
    .string({ error: 'must be a URI' })
    .regex(URI_PATTERN, { error: 'must be a URI' })
    .optional(),
  data: z
    .custom<JsonValue>((v) => v !== '' && isJsonValue(v), {
      error: (issue) => (issue.input === '' ? 'must not be the empty string' : 'must be a JSON value'),
    })
    .optional(),
  /** Where to deliver the signal (replaces the deprecated `jido_dispatch`). */
  dispatch: jsonValueSchema.optional(),
  correlation: correlationSchema.optional(),
};

/**
 * A complete Jido signal as it travels on the wire. Unknown top-level keys are extension attributes:
 * they are kept (and must be JSON values), never stripped.
 */
export const signalSchema = z
  .object(
    {
      specversion: z.literal(SPEC_VERSION, { error: `must be "${SPEC_VERSION}"` }),
      id: z.string({ error: 'must be a UUID v7' }).regex(SIGNAL_ID_PATTERN, { error: 'must be a UUID v7' }),
      ...envelopeShape,
    },
    { error: 'must be an object' },
  )
  .catchall(jsonValueSchema);

/** A Jido signal (CloudEvents 1.0.2, flat JSON form, extensions top-level). */
export type Signal = z.infer<typeof signalSchema>;

/**
 * What a caller may hand in: a signal that may still lack `specversion` and `id`
 * (`parseSignalInput` fills them in). Every attribute that is present obeys the same rules.
 */
export const signalInputSchema = z
  .object(
    {
      specversion: z.literal(SPEC_VERSION, { error: `must be "${SPEC_VERSION}"` }).optional(),
      id: z
        .string({ error: 'must be a UUID v7' })
        .regex(SIGNAL_ID_PATTERN, { error: 'must be a UUID v7' })
        .optional(),
      ...envelopeShape,
    },
    { error: 'must be an object' },
  )
  .catchall(jsonValueSchema);

/** A signal before `specversion` and `id` are filled in. */
export type SignalInput = z.infer<typeof signalInputSchema>;

/** The attribute names CloudEvents and Jido define; every other top-level key is an extension. */
export const CORE_ATTRIBUTES: readonly string[] = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
];
