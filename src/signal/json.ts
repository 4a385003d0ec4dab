/**
 * JSON values: what a signal may carry in `data` and in extension attributes.
 *
 * Signals cross Temporal's JSON payload converter and continue-as-new, so anything that is not plain
 * JSON (a `Date`, a `Map`, `undefined`, a class instance, `NaN`) would be silently mangled on the way.
 * The check here rejects those up front instead. Pure module: safe in the workflow sandbox.
 *
 * @module
 */

/** A value that survives `JSON.parse(JSON.stringify(value))` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is treated as not-JSON (it also stops cycles from recursing forever). */
const MAX_DEPTH = 256;

/**
 * True when `value` is a JSON value: a string, a finite number, a boolean, `null`, an array of JSON
 * values, or a plain object (prototype `Object.prototype` or `null`) whose own values are JSON values.
 */
export function isJsonValue(value: unknown): value is JsonValue {
  return check(value, 0);
}

function check(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!check(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!check((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
