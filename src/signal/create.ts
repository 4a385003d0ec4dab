/**
 * Creating signals, the TypeScript face of Jido's `Signal.new(type, data, attrs)`.
 *
 * Workflow code must be replay-safe: pass `id` and `time` explicitly, or a deterministic `random`
 * (the sandbox's `Math.random`); `Date` and `Date.now()` are deterministic inside the sandbox too.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../errors.js';
import { newSignalId, type RandomSource } from './id.js';
import type { JsonValue } from './json.js';
import { invalidSignalError } from './parse.js';
import { CORE_ATTRIBUTES, signalSchema, SPEC_VERSION, type Correlation, type Signal } from './schema.js';

/** The source used when `attrs.source` is not given. */
export const DEFAULT_SOURCE = '/agent-cluster';

/** Optional attributes for {@link createSignal}. */
export interface CreateSignalAttrs {
  /** The emitter, e.g. `/cluster/load-balancer`. Default {@link DEFAULT_SOURCE}. */
  source?: string;
  /** A UUID v7; generated when absent. */
  id?: string;
  /** ISO-8601 timestamp; `new Date().toISOString()` when absent. */
  time?: string;
  /** What the event is about, within the source. */
  subject?: string;
  /** Media type of `data`; `"application/json"` when data is given and this is absent. */
  datacontenttype?: string;
  /** URI of the schema `data` adheres to. */
  dataschema?: string;
  /** The `dispatch` extension: where to deliver the signal. */
  dispatch?: JsonValue;
  /** The `correlation` extension: trace context (see `childCorrelation`). */
  correlation?: Correlation;
  /** Further extensions, flattened to top-level attributes (their names must not be core attributes). */
  extensions?: Record<string, JsonValue>;
  /** Random source for the generated id (deterministic ids inside workflows). */
  random?: RandomSource;
}

/**
 * A new, validated signal of `type` carrying `data`: `specversion` `"1.0.2"`, a fresh UUID v7 `id`,
 * `time` now, `source` {@link DEFAULT_SOURCE}, `datacontenttype` `"application/json"` when there is data
 * (each overridable through `attrs`), extensions flattened to the top level.
 *
 * `data` is typed `unknown` so values from other schemas pass straight in; it is checked here to be a
 * JSON value. Throws `INVALID_SIGNAL` naming the offending attribute (e.g. an upper-case `type`, `data`
 * of `""` or a `Date`, an extension that shadows a core attribute).
 */
export function createSignal(type: string, data?: unknown, attrs: CreateSignalAttrs = {}): Signal {
  const draft: Record<string, unknown> = {
    specversion: SPEC_VERSION,
    id: attrs.id ?? newSignalId(attrs.random),
    source: attrs.source ?? DEFAULT_SOURCE,
    type,
  };
  if (attrs.subject !== undefined) draft.subject = attrs.subject;
  draft.time = attrs.time ?? new Date().toISOString();
  if (attrs.datacontenttype !== undefined) draft.datacontenttype = attrs.datacontenttype;
  else if (data !== undefined) draft.datacontenttype = 'application/json';
  if (attrs.dataschema !== undefined) draft.dataschema = attrs.dataschema;
  if (data !== undefined) draft.data = data;
  if (attrs.dispatch !== undefined) draft.dispatch = attrs.dispatch;
  if (attrs.correlation !== undefined) draft.correlation = attrs.correlation;
  if (attrs.extensions !== undefined) {
    for (const [name, value] of Object.entries(attrs.extensions)) {
      if (CORE_ATTRIBUTES.includes(name) || Object.hasOwn(draft, name)) {
        throw new AgentClusterError(
          ErrorCode.INVALID_SIGNAL,
          `invalid signal: extension "${name}" would overwrite the "${name}" attribute; pick another name`,
          { details: { attribute: name, path: name, issues: [] } },
        );
      }
      // defineProperty, not assignment: an extension named `__proto__` must stay a plain key.
      Object.defineProperty(draft, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  const result = signalSchema.safeParse(draft);
  if (!result.success) throw invalidSignalError(draft, result.error.issues);
  return result.data;
}
