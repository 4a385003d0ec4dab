/**
 * The wire form of a signal: CloudEvents 1.0.2 structured JSON, flat, extensions as top-level
 * attributes, the same shape jido_signal's JSON serializer writes.
 *
 * `parseSignalJson(serializeSignal(s))` deep-equals `s` for every valid signal `s`.
 *
 * @module
 */
import type { Signal } from './schema.js';

/**
 * Renders a signal as JSON text. The signal is already flat, so this is plain `JSON.stringify`
 * (attributes whose value is `undefined` are omitted, as absent).
 */
export function serializeSignal(signal: Signal): string {
  return JSON.stringify(signal);
}
