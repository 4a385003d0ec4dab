/**
 * Incremental state validation: the answer of a full `schema.safeParse` + `isJsonValue` + byte-size
 * check, at a cost proportional to what changed since the last check rather than to the state's size.
 *
 * Actions return new states with structural sharing (`{ ...s, samples: [...s.samples, x] }`), so an
 * unchanged subtree is the very object an earlier check returned. Every object and array a check returns
 * is deep-frozen, its JSON size memoised (./json-size.ts), and remembered per schema node as a valid
 * output of that node; when the same object shows up again at a position with that schema (anywhere:
 * pushed, shifted, sliced, moved), it is taken as is. Only new or changed subtrees are validated. A new
 * plain object or array whose entries all come out unchanged (nothing stripped, defaulted or reordered)
 * is itself frozen and returned rather than copied: the JSON is the same as zod's copy. Freezing also
 * makes an action that mutates the previous state in place throw instead of corrupting it.
 *
 * The walk follows the schema natively for `object` (strip, strict, loose, catchall), `array`,
 * `record` with plain string keys, `optional`, `nullable`, `default`, `readonly` and `lazy`, replicating
 * zod's own rules (key presence, optionality, unknown keys). Any other node is checked by one full
 * `safeParse` of its subtree: leaves, unions, intersections, tuples, pipes and transforms, and any
 * container whose def carries `checks` (`.refine`, `.min`, …), because those look at the whole container.
 * A root with checks (`z.object(...).refine(...)`) therefore costs a full parse on every check.
 *
 * Reuse is sound only where re-parsing a node's output yields that output unchanged; see
 * {@link fixpoints}. Transforms, pipes and `catch` break that (and do not belong in state that crosses
 * Temporal as JSON anyway): the checker still answers like `safeParse`, but re-parses their subtrees.
 *
 * Freezing happens in place: the action's new containers that are reused as above, and values zod passes
 * through uncopied (`z.unknown()`, `z.any()`, a default's nested objects), even when the check then fails
 * for another reason. Accessor properties are read, like zod reads them, and assumed to be stable.
 *
 * Pure module: safe in the workflow sandbox. Deterministic: memo hits change the cost and the identity of
 * output objects, never the answer nor the output's JSON text (key order included).
 *
 * @module
 */
import { z } from 'zod';
import { compile, defOf, fixpoints, parse, type Node } from './state-schema.js';
import { bytesOf, formatPath, heightOf, jsonSize, jsonStringBytes, MAX_JSON_DEPTH, measureJson, notJsonMessage, rememberJsonSize, type JsonSize } from './json-size.js';

export type StateCheckResult<S> =
  /** `state` deep-equals `schema.parse(next)` and is deep-frozen; `bytes` is its JSON UTF-8 length; `visited` counts schema nodes walked (the cost). */
  | { ok: true; state: S; bytes: number; visited: number }
  | { ok: false; reason: 'schema' | 'not-json' | 'too-large'; message: string; bytes?: number };

export interface StateChecker<S> {
  /**
   * Succeeds iff `schema.safeParse(next)` succeeds, its output is plain JSON, and that output's JSON is
   * at most `maxBytes` UTF-8 bytes; then returns that output, deep-frozen. Never throws. The previous
   * state need not be passed: subtrees returned by earlier checks of this checker are recognised by identity.
   */
  check(next: unknown, maxBytes: number): StateCheckResult<S>;
}

/**
 * A checker for one state schema; create it once per agent kind, not per signal (it holds the memo).
 *
 * @example
 * ```ts
 * const checker = createStateChecker(def.state);
 * const r = checker.check(next, 256 * 1024);
 * if (!r.ok) return reject(`${r.reason}: ${r.message}`); // keep the previous state
 * state = r.state; // deep-frozen; the next action's `{ ...state, x }` reuses every untouched subtree
 * ```
 */
export function createStateChecker<S>(schema: z.ZodType<S>): StateChecker<S> {
  const root = compile(schema, new Map(), fixpoints(schema));
  return {
    check(next, maxBytes) {
      const w = new Walk();
      let state: unknown;
      try {
        state = w.walk(root, next, 0);
      } catch (err) {
        return { ok: false, reason: 'schema', message: `the schema threw: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (state === FAIL) return { ok: false, reason: 'schema', message: w.error };
      const size = state === undefined ? notJsonMessage([], undefined) : w.size;
      if (typeof size === 'string') return { ok: false, reason: 'not-json', message: size };
      const bytes = bytesOf(size);
      if (bytes > maxBytes) return { ok: false, reason: 'too-large', message: `the state is ${bytes} bytes of JSON, over the limit of ${maxBytes}`, bytes };
      return { ok: true, state: state as S, bytes, visited: w.visited };
    },
  };
}

const FAIL = Symbol('fail');
/**
 * A container being built: its output (undefined while the input itself can still be the output) and
 * running JSON size, or the first reason it is not JSON.
 */
interface Acc { out: Record<string | number, unknown> | unknown[] | undefined; bytes: number; height: number; count: number; junk?: string }
const acc = (out: Acc['out']): Acc => ({ out, bytes: 2, height: 0, count: 0 });

/** A copy of the first `i` entries of an array (`keys` a count) or record. */
function prefix(input: Record<string | number, unknown>, keys: readonly string[] | number, i: number): Acc['out'] {
  if (typeof keys === 'number') return (input as unknown as unknown[]).slice(0, i);
  const out: Record<string, unknown> = {};
  for (const key of keys.slice(0, i)) out[key] = input[key];
  return out;
}

/** Whether `built` has exactly the own keys of `input`, a plain object, in the same order and with the same values. */
function sameEntries(input: object, built: object): boolean {
  if (Object.getPrototypeOf(input) !== Object.prototype) return false;
  const keys = Object.keys(input);
  const out = Object.keys(built);
  return keys.length === out.length && keys.every((k, i) => k === out[i] && (input as Record<string, unknown>)[k] === (built as Record<string, unknown>)[k]);
}

/** One check: walks the input along the schema, building the output. */
class Walk {
  readonly path: Array<string | number> = [];
  /** Size of the value the last `walk` returned, or why it is not JSON. */
  size: JsonSize | string = 0;
  error = '';
  visited = 0;

  /** Returns `n`'s output for `v` (and sets `size`), or FAIL (and sets `error`). */
  walk(n: Node, v: unknown, depth: number): unknown {
    this.visited++;
    const known = n.valid !== undefined && typeof v === 'object' && v !== null ? n.valid.get(v) : undefined;
    if (known !== undefined && depth + heightOf(known) <= MAX_JSON_DEPTH) return this.done(v, known);
    if (depth >= MAX_JSON_DEPTH) return this.leaf(n, v, depth); // zod copes with cycles; measureJson reports the depth
    const inner = n.inner as Node;
    switch (n.kind) {
      case 'optional': {
        if (v !== undefined) return this.walk(inner, v, depth);
        if (inner.schema._zod.optin !== 'defaulted') return v;
        const out = this.walk(inner, v, depth);
        return out === FAIL ? undefined : out; // a failing substitute yields undefined (handleOptionalResult)
      }
      case 'nullable': return v === null ? this.done(v, jsonSize(4, 0)) : this.walk(inner, v, depth);
      case 'wrap': return this.walk(inner, v, depth);
      case 'default': {
        const out = v === undefined ? undefined : this.walk(inner, v, depth);
        return out === undefined ? this.seal(defOf(n.schema).defaultValue, depth, undefined) : out;
      }
      case 'object': return this.object(n, v, depth);
      case 'array': return Array.isArray(v) ? this.entries(n, v, v.length, acc(Object.getPrototypeOf(v) === Array.prototype ? undefined : []), depth) : this.reject(n, v);
      case 'record': return this.record(n, v, depth);
      default: return this.leaf(n, v, depth);
    }
  }

  private done(v: unknown, size: JsonSize | string): unknown {
    this.size = size;
    return v;
  }

  private leaf(n: Node, v: unknown, depth: number): unknown {
    const r = parse(n.schema, v);
    return r.success ? this.seal(r.data, depth, n.valid) : this.fail(r.message);
  }

  /** Measures and deep-freezes (in place) a value zod produced. */
  private seal(v: unknown, depth: number, valid: WeakMap<object, JsonSize> | undefined): unknown {
    this.size = measureJson(v, depth, this.path, true);
    if (valid && typeof this.size === 'number' && typeof v === 'object' && v !== null) valid.set(v, this.size);
    return v;
  }

  private fail(message: string): typeof FAIL {
    this.error = `${formatPath(this.path)} fails the schema: ${message}`;
    return FAIL;
  }

  /** A failure of the container itself (wrong type, missing or unknown key): zod words it. */
  private reject(n: Node, v: unknown): typeof FAIL {
    const r = parse(n.schema, v);
    return this.fail(r.success ? 'rejected' : r.message);
  }

  private child(n: Node, key: string | number, v: unknown, depth: number): unknown {
    this.path.push(key);
    const out = this.walk(n, v, depth + 1);
    this.path.pop();
    return out;
  }

  /** Adds a child's output and size (`this.size`) to its container. */
  private put(a: Acc, key: string | number, value: unknown, keyBytes: number): void {
    if (a.out) (a.out as Record<string | number, unknown>)[key] = value;
    const size = value === undefined ? notJsonMessage([...this.path, key], undefined) : this.size;
    if (typeof size === 'string') a.junk ??= size;
    else {
      a.bytes += keyBytes + bytesOf(size) + (a.count++ > 0 ? 1 : 0);
      a.height = Math.max(a.height, heightOf(size));
    }
  }

  /**
   * Walks the `keys` of `input` (a count: array indices) with `n.inner` (array elements, record values) or
   * `n.rest` (catchall keys), then seals the container. When every output is the input's own value, and
   * (objects) in the same key order, `input` itself becomes the output, frozen in place: same JSON, no copy.
   */
  private entries(n: Node, input: object, keys: readonly string[] | number, a: Acc, depth: number): unknown {
    const node = (n.kind === 'object' ? n.rest : n.inner) as Node;
    const values = input as Record<string | number, unknown>;
    const length = typeof keys === 'number' ? keys : keys.length;
    for (let i = 0; i < length; i++) {
      const key = typeof keys === 'number' ? i : (keys[i] as string);
      const value = this.child(node, key, values[key], depth);
      if (value === FAIL) return FAIL;
      if (a.out === undefined && value !== values[key]) a.out = prefix(values, keys, i);
      this.put(a, key, value, typeof key === 'string' ? jsonStringBytes(key) + 1 : 0);
    }
    const out = a.out === undefined || (n.kind === 'object' && sameEntries(input, a.out)) ? input : a.out;
    if (a.junk !== undefined) return this.done(out, a.junk);
    const size = jsonSize(a.bytes, a.height + 1);
    rememberJsonSize(Object.freeze(out), size);
    n.valid?.set(out, size);
    return this.done(out, size);
  }

  /** Replicates zod's object parse (`handlePropertyResult`, `handleCatchall`). */
  private object(n: Node, v: unknown, depth: number): unknown {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.reject(n, v);
    const input = v as Record<string, unknown>;
    const a = acc({});
    for (const f of n.fields ?? []) {
      const present = f.key in input;
      const value = this.child(f.node, f.key, input[f.key], depth);
      if (!present && f.optout === 'optional' && f.optin === 'optional') continue; // absence contributes nothing
      if (value === FAIL) {
        if (!present && f.optout === 'optional' && f.optin !== undefined) continue;
        return FAIL;
      }
      if (!present && f.optin === undefined) return this.reject(n, v); // a required key is missing
      if (value === undefined && !present && !(f.optin === 'defaulted' && f.optout !== 'optional')) continue;
      this.put(a, f.key, value, f.keyBytes);
    }
    const extra: string[] = [];
    if (n.rest !== 'strip') {
      for (const key in input) {
        if (n.known?.has(key)) continue;
        if (n.rest === 'strict') return this.reject(n, v);
        if (key !== '__proto__') extra.push(key);
      }
    }
    return this.entries(n, input, extra, a, depth);
  }

  /** Replicates zod's record parse for a plain `z.string()` key. */
  private record(n: Node, v: unknown, depth: number): unknown {
    if (!z.core.util.isPlainObject(v)) return this.reject(n, v);
    if (Object.getOwnPropertySymbols(v).some((k) => Object.prototype.propertyIsEnumerable.call(v, k))) return this.reject(n, v); // z.string() rejects a symbol key
    const all = Object.keys(v); // own enumerable string keys, in Reflect.ownKeys order
    const keys = all.includes('__proto__') ? all.filter((k) => k !== '__proto__') : all;
    const reuse = keys === all && Object.getPrototypeOf(v) === Object.prototype;
    return this.entries(n, v, keys, acc(reuse ? undefined : {}), depth);
  }
}
