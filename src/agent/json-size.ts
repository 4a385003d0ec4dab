/**
 * Exact UTF-8 byte length of `JSON.stringify(value)`, without building the string, memoised for
 * deep-frozen containers (a frozen object whose children are all primitives or memoised containers
 * cannot change, so its size is computed once). "JSON" means what `isJsonValue` accepts
 * (../signal/json.ts): strings, finite numbers, booleans, null, arrays, and plain objects (prototype
 * `Object.prototype` or `null`), nested at most 256 containers deep. Pure module: safe in the workflow
 * sandbox.
 *
 * @module
 */

/** Containers at this depth or deeper are not JSON (the limit of `isJsonValue`, which also stops cycles). */
export const MAX_JSON_DEPTH = 256;

/**
 * The size of a JSON value: its byte length and its height (0 for a primitive, 1 + the tallest child
 * for a container), packed into one number so the memo stores no extra objects.
 */
export type JsonSize = number;
const HEIGHTS = 512; // > MAX_JSON_DEPTH
export const bytesOf = (size: JsonSize): number => Math.floor(size / HEIGHTS);
export const heightOf = (size: JsonSize): number => size % HEIGHTS;
export const jsonSize = (bytes: number, height: number): JsonSize => bytes * HEIGHTS + height;

/** Sizes of deep-frozen JSON containers. Shared by every checker: a size does not depend on a schema. */
const sizes = new WeakMap<object, JsonSize>();

/** The memoised size of a deep-frozen JSON container, if it was ever measured. */
export function knownJsonSize(value: object): JsonSize | undefined {
  return sizes.get(value);
}

/** Records the size of `value`, which the caller has just frozen and whose children are all deep-frozen. */
export function rememberJsonSize(value: object, size: JsonSize): void {
  sizes.set(value, size);
}

/**
 * Byte length of `JSON.stringify(s)` in UTF-8: the quotes; `"`, `\` and \b \f \n \r \t as 2-byte
 * escapes, other control characters as 6-byte `\u00XX`; a lone surrogate as a 6-byte `\uXXXX` (as
 * `JSON.stringify` writes it since ES2019); otherwise 1, 2 or 3 bytes per UTF-16 unit and 4 per pair.
 */
export function jsonStringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += c >= 0x20 ? (c === 0x22 || c === 0x5c ? 2 : 1) : c >= 8 && c <= 13 && c !== 11 ? 2 : 6;
    else if (c < 0x800) n += 2;
    else if (c < 0xd800 || c > 0xdfff) n += 3;
    else if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 6;
  }
  return n;
}

/** `samples[3].name`; `the state` for the root. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'the state';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return typeof value;
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype';
}

/**
 * Measures `value`, found at `path` (mutated and restored) at nesting `depth`. With `freeze`, freezes
 * every container it measures (in place) and memoises it; without, memoises only containers already
 * deep-frozen. Containers already memoised are not walked. Returns the size, or a message naming the
 * first spot that is not JSON.
 */
export function measureJson(value: unknown, depth: number, path: Array<string | number>, freeze: boolean): JsonSize | string {
  switch (typeof value) {
    case 'string':
      return jsonSize(jsonStringBytes(value), 0);
    case 'number':
      return Number.isFinite(value) ? jsonSize(String(value).length, 0) : notJsonMessage(path, value);
    case 'boolean':
      return jsonSize(value ? 4 : 5, 0);
    case 'object':
      if (value === null) return jsonSize(4, 0);
      break;
    default:
      return notJsonMessage(path, value);
  }
  const known = sizes.get(value);
  if (known !== undefined && depth + heightOf(known) <= MAX_JSON_DEPTH) return known;
  if (depth >= MAX_JSON_DEPTH) return `${formatPath(path)} is nested more than ${MAX_JSON_DEPTH} levels deep (or is cyclic)`;
  let bytes = 2;
  let height = 0;
  let deep = true; // every child is a primitive or a deep-frozen container
  const child = (key: string | number, v: unknown): string | undefined => {
    path.push(key);
    const size = measureJson(v, depth + 1, path, freeze);
    path.pop();
    if (typeof size === 'string') return size;
    bytes += bytesOf(size) + (typeof key === 'string' ? jsonStringBytes(key) + 1 : 0);
    height = Math.max(height, heightOf(size));
    if (typeof v === 'object' && v !== null && !sizes.has(v)) deep = false;
    return undefined;
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const junk = child(i, value[i]);
      if (junk !== undefined) return junk;
    }
    bytes += Math.max(0, value.length - 1); // commas
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return notJsonMessage(path, value);
    let count = 0;
    for (const key in value) {
      const junk = child(key, (value as Record<string, unknown>)[key]);
      if (junk !== undefined) return junk;
      count++;
    }
    bytes += Math.max(0, count - 1);
  }
  const size = jsonSize(bytes, height + 1);
  if (freeze) Object.freeze(value);
  if (deep && Object.isFrozen(value)) sizes.set(value, size);
  return size;
}

/** `<path> is <what the value is>, which is not plain JSON`. */
export function notJsonMessage(path: ReadonlyArray<string | number>, value: unknown): string {
  return `${formatPath(path)} is ${describe(value)}, which is not plain JSON`;
}

/**
 * Exact UTF-8 byte length of `JSON.stringify(value)` (what `new TextEncoder().encode(...)` would
 * count), or `undefined` when `value` is not a JSON value. Never freezes anything; reuses and records
 * sizes of deep-frozen containers, so re-measuring a frozen state costs only its changed parts.
 */
export function jsonByteLength(value: unknown): number | undefined {
  const size = measureJson(value, 0, [], false);
  return typeof size === 'string' ? undefined : bytesOf(size);
}

/**
 * JSON bytes of a value as it will cross Temporal: what `JSON.stringify` writes, so an `undefined` object
 * field (which JSON drops) counts for nothing, and never 0 for a value with content. For what the runtime
 * keeps and carries (timers, effects, call results, dead letters).
 */
export function carriedBytes(value: unknown): number {
  return jsonByteLength(value) ?? jsonByteLength(JSON.parse(JSON.stringify(value) ?? 'null')) ?? 0;
}
