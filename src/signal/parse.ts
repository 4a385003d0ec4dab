/**
 * Parsing signals at the edge: from JSON text or from an already-decoded object.
 *
 * Every failure is an `AgentClusterError` with code `INVALID_SIGNAL` whose message names the offending
 * attribute and says what it must be, e.g.
 * `invalid signal: attribute "specversion" must be "1.0.2" (got "1.0")`;
 * `details` carries `{ attribute, path, issues }` for programs.
 *
 * @module
 */
import type { core } from 'zod';
import { AgentClusterError, ErrorCode } from '../errors.js';
import { newSignalId, type RandomSource } from './id.js';
import { signalInputSchema, signalSchema, SPEC_VERSION, type Signal } from './schema.js';

/** Outcome of {@link safeParseSignal}: never throws, for hot paths that branch on validity. */
export type SignalParseResult = { ok: true; signal: Signal } | { ok: false; error: AgentClusterError };

/**
 * Validates a decoded object as a complete signal (`specversion` and `id` required) and returns it
 * unchanged: unknown top-level keys (extensions) are kept. Throws `INVALID_SIGNAL` naming the attribute.
 */
export function parseSignal(input: unknown): Signal {
  const result = safeParseSignal(input);
  if (!result.ok) throw result.error;
  return result.signal;
}

/**
 * Like {@link parseSignal} but returns `{ ok, signal | error }` instead of throwing. One zod pass; the
 * error message is only built when the input is invalid.
 */
export function safeParseSignal(input: unknown): SignalParseResult {
  const result = signalSchema.safeParse(input);
  if (result.success) return { ok: true, signal: result.data };
  return { ok: false, error: invalidSignalError(input, result.error.issues) };
}

/** Parses JSON text (the wire form) into a signal; malformed JSON is `INVALID_SIGNAL` too. */
export function parseSignalJson(text: string): Signal {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AgentClusterError(ErrorCode.INVALID_SIGNAL, `invalid signal: malformed JSON (${reason})`, {
      cause: err,
      details: { attribute: null, issues: [] },
    });
  }
  return parseSignal(decoded);
}

/** Options for {@link parseSignalInput}. */
export interface SignalInputOptions {
  /** Random source for a generated id; pass the workflow's deterministic `Math.random` in the sandbox. */
  random?: RandomSource;
}

/**
 * Accepts a signal that may lack `specversion` and/or `id`, as Jido's `Signal.new` does: a missing `id`
 * is generated (UUID v7), a missing `specversion` becomes `"1.0.2"`. Everything present is validated
 * with the same rules as {@link parseSignal}; the input object is not modified.
 */
export function parseSignalInput(input: unknown, options: SignalInputOptions = {}): Signal {
  const checked = signalInputSchema.safeParse(input);
  if (!checked.success) throw invalidSignalError(input, checked.error.issues);
  const { specversion, id, ...rest } = checked.data;
  // Valid by construction: every attribute present passed the input schema, and the fills are valid.
  return { specversion: specversion ?? SPEC_VERSION, id: id ?? newSignalId(options.random), ...rest } as Signal;
}

/**
 * True when `value` is recognised as a signal in Jido's sense: an object with string `type` and
 * `source`, plus `specversion` or `id`. Recognition only; {@link parseSignal} decides validity.
 */
export function isSignalLike(value: unknown): value is { type: string; source: string } & Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.type === 'string' &&
    typeof v.source === 'string' &&
    (v.specversion !== undefined || v.id !== undefined)
  );
}

/**
 * Builds the `INVALID_SIGNAL` error for a failed validation: the first issue names the attribute in the
 * message; all issues are listed in `details.issues`.
 */
export function invalidSignalError(input: unknown, issues: readonly core.$ZodIssue[]): AgentClusterError {
  const summary = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = issues[0];
  if (first === undefined || first.path.length === 0) {
    const got = Array.isArray(input) ? 'array' : input === null ? 'null' : typeof input;
    return new AgentClusterError(ErrorCode.INVALID_SIGNAL, `invalid signal: expected an object (got ${got})`, {
      details: { attribute: null, path: '', issues: summary },
    });
  }
  const attribute = String(first.path[0]);
  const path = first.path.map(String).join('.');
  const value = valueAt(input, first.path);
  const message = value.present
    ? `invalid signal: attribute "${path}" ${first.message} (got ${preview(value.value)})`
    : `invalid signal: missing required attribute "${path}"`;
  return new AgentClusterError(ErrorCode.INVALID_SIGNAL, message, {
    details: { attribute, path, issues: summary },
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return { present: false, value: undefined };
    const record = current as Record<PropertyKey, unknown>;
    if (!(key in record) || record[key] === undefined) return { present: false, value: undefined };
    current = record[key];
  }
  return { present: true, value: current };
}

/** A short rendering of the offending value (only that value, never the whole signal). */
function preview(value: unknown): string {
  let text: string;
  if (typeof value === 'function') text = 'a function';
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (value instanceof Date) text = 'a Date';
  else if (value instanceof Map) text = 'a Map';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = 'an unserialisable value';
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
