/**
 * The schema side of the incremental state check (./state-check.ts): a zod 4 schema compiled into the
 * nodes the walk follows natively (objects, arrays, records, optional, nullable, default, readonly, lazy)
 * or checks with one full parse (everything else), and the analysis of which nodes may reuse an output
 * they produced before ({@link fixpoints}: re-parsing the output gives it back unchanged). Reads zod's
 * internal `_zod.def` (zod 4.6). Pure module.
 *
 * @module
 */
import { z } from 'zod';
import { jsonStringBytes, type JsonSize } from './json-size.js';

export type Schema = z.core.$ZodType;
/** The parts of `schema._zod.def` read here (zod 4 internals, see node_modules/zod/v4/core/schemas.js). */
export interface Def {
  type: string;
  checks?: Array<{ _zod: { def: { check: string } } }>;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  innerType?: Schema;
  options?: Schema[];
  left?: Schema;
  right?: Schema;
  items?: Schema[];
  rest?: Schema | null;
  /** Unions: `discriminator` for z.discriminatedUnion, `inclusive: false` for it and z.xor. */
  discriminator?: string;
  unionFallback?: boolean;
  inclusive?: boolean;
  /** Leaves: `coerce`, `format`; records: `mode: 'loose'`; default: a getter returning a fresh (shallow) copy. */
  coerce?: boolean;
  format?: string;
  mode?: string;
  defaultValue?: unknown;
}
export const defOf = (s: Schema): Def => s._zod.def as unknown as Def;
export const lazyInner = (s: Schema): Schema => (s._zod as unknown as { innerType: Schema }).innerType;

/** A schema node as the walk sees it: natively walked, or a `leaf` checked by one `safeParse`. */
export interface Node {
  kind: 'leaf' | 'object' | 'array' | 'record' | 'optional' | 'nullable' | 'default' | 'wrap';
  schema: Schema;
  /** Frozen outputs of this node and their sizes, reused without a look; only for fixpoints ({@link fixpoints}). */
  valid: WeakMap<object, JsonSize> | undefined;
  /** Array element, record value, or the wrapped type. */
  inner?: Node;
  fields?: Array<{ key: string; keyBytes: number; node: Node; optin?: string; optout?: string }>;
  known?: Set<string>;
  rest?: Node | 'strip' | 'strict';
}


function nativeKind(s: Schema, d: Def): Node['kind'] {
  if (d.checks?.length) return 'leaf';
  const key = d.keyType && defOf(d.keyType); // a plain z.string() key accepts every string key
  if (d.type === 'object') return Object.getOwnPropertySymbols(d.shape).length || Object.hasOwn(d.shape ?? {}, '__proto__') ? 'leaf' : 'object';
  if (d.type === 'record') return key?.type === 'string' && !key.format && !key.checks?.length && d.mode !== 'loose' ? 'record' : 'leaf';
  if (d.type === 'optional') return s._zod.traits.has('$ZodExactOptional') ? 'leaf' : 'optional';
  if (d.type === 'readonly' || d.type === 'lazy') return 'wrap';
  return d.type === 'array' || d.type === 'nullable' || d.type === 'default' ? d.type : 'leaf';
}

export function compile(s: Schema, nodes: Map<Schema, Node>, fixed: Map<Schema, boolean>): Node {
  const seen = nodes.get(s);
  if (seen) return seen;
  const d = defOf(s);
  const node: Node = { kind: nativeKind(s, d), schema: s, valid: fixed.get(s) ? new WeakMap() : undefined };
  nodes.set(s, node); // before the children: recursive schemas
  const sub = (c: Schema): Node => compile(c, nodes, fixed);
  if (node.kind === 'object') {
    const shape = d.shape ?? {};
    node.fields = Object.entries(shape).map(([key, c]) => ({ key, keyBytes: jsonStringBytes(key) + 1, node: sub(c), optin: c._zod.optin, optout: c._zod.optout }));
    node.known = new Set(Object.keys(shape));
    node.rest = d.catchall === undefined ? 'strip' : defOf(d.catchall).type === 'never' ? 'strict' : sub(d.catchall);
  } else if (node.kind !== 'leaf') {
    const inner = node.kind === 'array' ? d.element : node.kind === 'record' ? d.valueType : d.type === 'lazy' ? lazyInner(s) : d.innerType;
    node.inner = sub(inner as Schema);
  }
  return node;
}

/** Child schemas, for {@link fixpoints}. */
function kids(s: Schema): Schema[] {
  const d = defOf(s);
  const all = (xs: Array<Schema | null | undefined>): Schema[] => xs.filter((x): x is Schema => x != null);
  switch (d.type) {
    case 'object': return all([...Object.values(d.shape ?? {}), d.catchall]);
    case 'array': return all([d.element]);
    case 'record': return all([d.keyType, d.valueType]);
    case 'tuple': return all([...(d.items ?? []), d.rest]);
    case 'union': return d.options ?? [];
    case 'intersection': return all([d.left, d.right]);
    case 'lazy': return [lazyInner(s)];
    default: return all([d.innerType]);
  }
}

const LEAVES = new Set(['string', 'number', 'boolean', 'bigint', 'symbol', 'null', 'undefined', 'void', 'never', 'any', 'unknown', 'date', 'nan', 'enum', 'literal', 'template_literal', 'file', 'custom']);

/**
 * Which schemas may skip an output of an earlier check: those whose parse maps each of its JSON outputs
 * to itself (P(P(x)) = P(x)). Leaves, objects, arrays, records, tuples, optional, nullable and lazy are,
 * when their children are; a default is when its default value parses to itself; a union only when
 * every option also returns its input unchanged ("keeps"), as otherwise an earlier option could take
 * the output of a later one; a discriminated union dispatches on a kept tag, so it needs only fixpoint
 * options. Overwrites (`.trim()`, `.overwrite`), pipes, transforms and catch are never fixpoints.
 * A greatest fixpoint over the schema graph, so recursive schemas work.
 */
export function fixpoints(root: Schema): Map<Schema, boolean> {
  const all = new Set<Schema>();
  const visit = (s: Schema): void => {
    if (all.has(s)) return;
    all.add(s);
    kids(s).forEach(visit);
  };
  visit(root);
  const fix = new Map([...all].map((s) => [s, true]));
  const keep = new Map(fix);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of all) {
      const d = defOf(s);
      const ks = kids(s);
      const f = ks.every((k) => fix.get(k));
      const k = ks.every((k) => keep.get(k));
      let r: [boolean, boolean];
      if (d.checks?.some((c) => c._zod.def.check === 'overwrite')) r = [false, false];
      else if (LEAVES.has(d.type)) r = [true, !d.coerce];
      else if (['optional', 'nullable', 'readonly', 'nonoptional', 'lazy', 'array', 'tuple', 'record'].includes(d.type)) r = [f, k];
      else if (d.type === 'object') r = Object.getOwnPropertySymbols(d.shape).length ? [false, false] : [f, k && d.catchall !== undefined];
      else if (d.type === 'union') r = d.discriminator !== undefined && !d.unionFallback ? [f, k] : [f && k && d.inclusive !== false, k];
      else if (d.type === 'intersection') r = [f && k, k];
      else if (d.type === 'default') r = [f && defaultIsFixed(d), false];
      else if (d.type === 'prefault') r = [f, false];
      else r = [false, false];
      if (r[0] !== fix.get(s) || r[1] !== keep.get(s)) {
        fix.set(s, r[0]);
        keep.set(s, r[1]);
        changed = true;
      }
    }
  }
  return fix;
}

function defaultIsFixed(d: Def): boolean {
  try {
    const value = d.defaultValue;
    const r = z.safeParse(d.innerType as Schema, value);
    return r.success && JSON.stringify(r.data) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** `z.safeParse` that never throws (zod 4 lets a throwing refinement escape; see safeParse in ./apply.ts). */
export function parse(s: Schema, value: unknown): { success: true; data: unknown } | { success: false; message: string } {
  try {
    const r = z.safeParse(s, value);
    return r.success ? r : { success: false, message: z.prettifyError(r.error) };
  } catch (err) {
    return { success: false, message: `the schema threw: ${err instanceof Error ? err.message : String(err)}` };
  }
}
