import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonByteLength } from '../../src/agent/json-size.js';
import { createStateChecker, type StateCheckResult } from '../../src/agent/state-check.js';
import { isJsonValue } from '../../src/signal/json.js';
import { seeded as prng } from '../helpers/prng.js';

// ---- reference: what apply.ts did before, a full parse + isJsonValue + byte length -------------------

type Reference = { ok: true; state: unknown; bytes: number } | { ok: false; reason: 'schema' | 'not-json' | 'too-large' };

function reference(schema: z.ZodType, next: unknown, maxBytes: number): Reference {
  let r;
  try {
    r = schema.safeParse(next);
  } catch {
    return { ok: false, reason: 'schema' };
  }
  if (!r.success) return { ok: false, reason: 'schema' };
  if (!isJsonValue(r.data)) return { ok: false, reason: 'not-json' };
  const bytes = utf8(JSON.stringify(r.data));
  return bytes > maxBytes ? { ok: false, reason: 'too-large' } : { ok: true, state: r.data, bytes };
}

const utf8 = (s: string): number => new TextEncoder().encode(s).length;

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

/** Asserts `got` gives the reference's answer; returns the accepted state, if any. */
function expectSameAnswer(schema: z.ZodType, got: StateCheckResult<unknown>, next: unknown, maxBytes: number, step: string): void {
  const want = reference(schema, next, maxBytes);
  if (got.ok !== want.ok || (!got.ok && !want.ok && got.reason !== want.reason)) {
    throw new Error(`${step}: checker says ${JSON.stringify(got.ok ? 'ok' : got)} but the full parse says ${JSON.stringify(want)}`);
  }
  if (got.ok && want.ok) {
    expect(JSON.stringify(got.state), step).toBe(JSON.stringify(want.state));
    expect(got.state, step).toEqual(want.state);
    expect(got.bytes, step).toBe(want.bytes);
    expect(isDeepFrozen(got.state), step).toBe(true);
  }
}

// ---- a seeded generator of states and mutations ----------------------------------------------------


/** `Array.prototype.toSpliced` (ES2023, beyond this project's lib). */
const spliced = <T>(xs: readonly T[], at: number, remove: number, item: T): T[] => [...xs.slice(0, at), item, ...xs.slice(at + remove)];

class Foo {
  x = 1;
}
const STRINGS = ['', 'a', 'hello', 'ü', '😀', '"q"\\', 'x\ny\u0001', '\ud800', 'up', 'down'];
const NUMBERS = [0, 1, -1, 2.5, 1e21, 3, 7, -0, 0.1, 12];
const KEYS = ['a', 'b', 'k', 'n1', 'k"q', 'é', 'constructor', 'x y'];
const JUNK: Array<() => unknown> = [() => undefined, () => NaN, () => new Date(0), () => new Foo(), () => Infinity, () => 'str', () => 5, () => null, () => ({}), () => [], () => true];

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.core.$ZodType): Def => s._zod.def as unknown as Def;

/** Unwraps optional/nullable/default/readonly/lazy to the schema that describes a present value. */
function core(s: z.core.$ZodType): z.core.$ZodType {
  const d = defOf(s);
  if (d.type === 'lazy') return core((s._zod as unknown as { innerType: z.core.$ZodType }).innerType);
  return ['optional', 'nullable', 'default', 'readonly', 'prefault'].includes(d.type) ? core(d.innerType as z.core.$ZodType) : s;
}

class Gen {
  constructor(readonly rnd: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }

  /** A value for `s`, mostly valid. */
  value(s: z.core.$ZodType, depth = 0): unknown {
    const d = defOf(s);
    switch (d.type) {
      case 'string': return this.pick(STRINGS);
      case 'number': return this.pick(NUMBERS);
      case 'boolean': return this.chance(0.5);
      case 'null': return null;
      case 'literal': return this.pick(d.values as unknown[]);
      case 'enum': return this.pick(Object.values(d.entries as object));
      case 'optional': case 'default': return this.chance(0.25) ? undefined : this.value(d.innerType as z.core.$ZodType, depth);
      case 'nullable': return this.chance(0.25) ? null : this.value(d.innerType as z.core.$ZodType, depth);
      case 'readonly': return this.value(d.innerType as z.core.$ZodType, depth);
      case 'lazy': return this.value(core(s), depth);
      case 'pipe': return this.value(d.in as z.core.$ZodType, depth);
      case 'union': return this.value(this.pick(d.options as z.core.$ZodType[]), depth);
      case 'array': return Array.from({ length: depth > 3 ? 0 : Math.floor(this.rnd() * 4) }, () => this.value(d.element as z.core.$ZodType, depth + 1));
      case 'record': {
        const out: Record<string, unknown> = {};
        for (let i = depth > 3 ? 0 : Math.floor(this.rnd() * 4); i > 0; i--) out[this.pick(KEYS)] = this.value(d.valueType as z.core.$ZodType, depth + 1);
        return out;
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(d.shape as Record<string, z.core.$ZodType>)) {
          const x = this.value(v, depth + 1);
          if (x !== undefined || this.chance(0.05)) out[k] = x;
        }
        return out;
      }
      default: return null;
    }
  }

  /** `state` with one random change somewhere, copying only the path to it (structural sharing). */
  mutate(s: z.core.$ZodType, state: unknown): unknown {
    const c = core(s);
    const d = defOf(c);
    if (this.chance(0.12)) return this.chance(0.6) ? this.value(s, 2) : this.pick(JUNK)(); // replace this whole subtree
    if (d.type === 'union') return this.mutate(this.pick(d.options as z.core.$ZodType[]), state); // edit as one of the options
    const isArr = Array.isArray(state);
    const isObj = typeof state === 'object' && state !== null && !isArr;
    if (isArr && d.type === 'array') {
      const xs = state as unknown[];
      if (xs.length > 0 && this.chance(0.6)) {
        const i = Math.floor(this.rnd() * xs.length);
        return xs.map((x, j) => (j === i ? this.mutate(d.element as z.core.$ZodType, x) : x));
      }
      switch (Math.floor(this.rnd() * 4)) {
        case 0: return [...xs, this.value(d.element as z.core.$ZodType, 2)];
        case 1: return xs.slice(1);
        case 2: return spliced(xs, Math.floor(this.rnd() * (xs.length + 1)), this.chance(0.5) ? 1 : 0, this.value(d.element as z.core.$ZodType, 2));
        default: return [...xs, xs[0]]; // the same object twice
      }
    }
    if (isObj && (d.type === 'object' || d.type === 'record')) {
      const o = state as Record<string, unknown>;
      const keys = Object.keys(o);
      const shape = (d.shape ?? {}) as Record<string, z.core.$ZodType>;
      const schemaOf = (k: string): z.core.$ZodType | undefined => (d.type === 'record' ? (d.valueType as z.core.$ZodType) : shape[k]);
      if (keys.length > 0 && this.chance(0.6)) {
        const k = this.pick(keys);
        const ks = schemaOf(k);
        return { ...o, [k]: ks ? this.mutate(ks, o[k]) : this.pick(JUNK)() };
      }
      if (keys.length > 0 && this.chance(0.3)) {
        const { [this.pick(keys)]: _removed, ...rest } = o;
        return rest;
      }
      if (d.type === 'object' && this.chance(0.5)) {
        const k = this.pick(Object.keys(shape));
        return k === undefined ? o : { ...o, [k]: this.value(shape[k] as z.core.$ZodType, 2) };
      }
      const k = this.pick(KEYS);
      return { ...o, [k]: d.type === 'record' && this.chance(0.8) ? this.value(d.valueType as z.core.$ZodType, 2) : this.pick(JUNK)() }; // unknown key or new entry
    }
    return this.chance(0.75) ? this.value(s, 2) : this.pick(JUNK)();
  }
}

// ---- schemas covering native nodes and fallbacks --------------------------------------------------

const Sample = z.object({ at: z.number(), value: z.number(), tag: z.string().optional(), note: z.string().nullable() });
const Event = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('up'), id: z.string() }),
  z.object({ kind: z.literal('down'), id: z.string(), why: z.string().default('?') }),
]);
const Cluster = z.object({
  name: z.string(),
  count: z.number().int().default(0),
  samples: z.array(Sample),
  nodes: z.record(z.string(), z.object({ up: z.boolean(), load: z.number().nullable(), labels: z.array(z.string()) })),
  mode: z.union([z.literal('a'), z.literal('b'), z.number()]),
  strict: z.object({ x: z.number(), y: z.string().optional() }).strict(),
  loose: z.looseObject({ k: z.string() }),
  extra: z.object({ a: z.number() }).catchall(z.string()),
  recent: z.array(z.number()).max(3),
  cfg: z.object({ depth: z.number().default(3), on: z.boolean().optional(), tags: z.array(z.string()).default(() => ['t']) }).optional(),
  events: z.array(Event),
  blob: z.unknown(),
});

interface Tree {
  v: number;
  kids: Tree[];
}
const TreeSchema: z.ZodType<Tree> = z.object({
  v: z.number(),
  get kids() {
    return z.array(TreeSchema);
  },
});

const SCHEMAS: Array<[string, z.ZodType]> = [
  ['a cluster state (objects, arrays, records, optional/nullable/default, strict, loose, unions, a refined array)', Cluster],
  ['a union at the root', z.union([z.object({ type: z.literal('list'), items: z.array(z.string()) }), z.array(z.number())])],
  ['a refined object at the root', z.object({ xs: z.array(z.number()), cap: z.number() }).refine((s) => s.xs.length <= 3)],
  ['a transform inside', z.object({ n: z.string().transform((s) => s.length), keep: z.array(z.string()) })],
  ['a recursive schema', TreeSchema],
  ['a union of strip objects', z.object({ u: z.array(z.union([z.object({ a: z.string(), k: z.number().optional() }), z.object({ a: z.string(), c: z.string() })])) })],
];

describe('incremental state check', () => {
  describe.each(SCHEMAS)('gives the answer of safeParse + isJsonValue + byte length for %s', (_name, schema) => {
    it('over 3000 seeded random mutations', () => {
      const gen = new Gen(prng(0x5eed + _name.length));
      const checker = createStateChecker(schema);
      let prev: unknown;
      for (let tries = 0; prev === undefined; tries++) {
        const candidate = gen.value(schema);
        const r = checker.check(candidate, 1e9);
        expectSameAnswer(schema, r, candidate, 1e9, `initial ${tries}`);
        if (r.ok) prev = r.state;
      }
      let accepted = 0;
      for (let step = 0; step < 3000; step++) {
        const roll = gen.rnd();
        const next = roll < 0.03 ? prev : roll < 0.06 ? JSON.parse(JSON.stringify(prev)) : gen.mutate(schema, prev);
        const maxBytes = gen.chance(0.05) ? 40 : 1e9;
        const r = checker.check(next, maxBytes);
        expectSameAnswer(schema, r, next, maxBytes, `step ${step}`);
        if (r.ok) {
          prev = r.state;
          accepted++;
        }
      }
      expect(accepted).toBeGreaterThan(300); // the walk really explored valid states, not just rejections
    });
  });

  describe('cost is independent of the state size', () => {
    let leafChecks = 0;
    const counted = z.number().refine(() => ++leafChecks > 0);
    const Big = z.object({
      name: z.string(),
      samples: z.array(z.object({ at: counted, value: z.number(), note: z.string() })),
      nodes: z.record(z.string(), z.object({ load: counted, up: z.boolean() })),
    });
    const big = (n: number) => ({
      name: 'cluster',
      samples: Array.from({ length: n }, (_, i) => ({ at: i, value: i / 7, note: `sample number ${i}` })),
      nodes: Object.fromEntries(Array.from({ length: n }, (_, i) => [`node-${i}`, { load: i / 3, up: i % 2 === 0 }])),
    });

    function accepted<S>(r: StateCheckResult<S>): { state: S; bytes: number; visited: number } {
      if (!r.ok) throw new Error(r.message);
      return r;
    }

    it('skips an unchanged 200 KB subtree: changing one small field visits O(1) nodes', () => {
      const visits: number[] = [];
      for (const n of [50, 2500]) {
        const checker = createStateChecker(Big);
        const first = accepted(checker.check(big(n), 1e9));
        if (n === 2500) expect(first.bytes).toBeGreaterThan(200_000);
        leafChecks = 0;
        const r = accepted(checker.check({ ...first.state, name: 'renamed' }, 1e9));
        expect(leafChecks).toBe(0);
        expect(r.bytes).toBe(utf8(JSON.stringify(r.state)));
        visits.push(r.visited);
      }
      expect(visits[0]).toBe(visits[1]);
      expect(visits[1]).toBeLessThan(10);
    });

    it('validates only the new element when an array grows, shrinks or is spliced', () => {
      const checker = createStateChecker(Big);
      let s = accepted(checker.check(big(2500), 1e9)).state;
      leafChecks = 0;
      s = accepted(checker.check({ ...s, samples: [...s.samples, { at: 1, value: 2, note: 'new' }] }, 1e9)).state;
      expect(leafChecks).toBe(1);
      leafChecks = 0;
      s = accepted(checker.check({ ...s, samples: s.samples.slice(1) }, 1e9)).state;
      s = accepted(checker.check({ ...s, samples: spliced(s.samples, 100, 1, { at: 5, value: 5, note: 'mid' }) }, 1e9)).state;
      expect(leafChecks).toBe(1);
      expect(s.samples).toHaveLength(2500);
    });

    it('validates only the changed entry of a 200 KB record', () => {
      const checker = createStateChecker(Big);
      const s = accepted(checker.check(big(2500), 1e9)).state;
      leafChecks = 0;
      const r = accepted(checker.check({ ...s, nodes: { ...s.nodes, 'node-7': { load: 99, up: false }, 'node-new': { load: 1, up: true } } }, 1e9));
      expect(leafChecks).toBe(2);
      expect(r.bytes).toBe(utf8(JSON.stringify(r.state)));
      const { 'node-3': _gone, ...rest } = r.state.nodes;
      leafChecks = 0;
      const r2 = accepted(checker.check({ ...r.state, nodes: rest }, 1e9));
      expect(leafChecks).toBe(0);
      expect(r2.bytes).toBe(utf8(JSON.stringify(r2.state)));
    });

    it('re-checking the very same state visits one node', () => {
      const checker = createStateChecker(Big);
      const s = accepted(checker.check(big(2500), 1e9));
      expect(checker.check(s.state, 1e9)).toEqual({ ok: true, state: s.state, bytes: s.bytes, visited: 1 });
    });
  });

  describe('freezing', () => {
    const schema = z.object({ xs: z.array(z.object({ a: z.number() })), r: z.record(z.string(), z.array(z.string())), any: z.unknown() });

    it('returns a deeply frozen state, including values zod passes through (z.unknown)', () => {
      const r = createStateChecker(schema).check({ xs: [{ a: 1 }], r: { k: ['v'] }, any: { deep: [{ x: 1 }] } }, 1e6);
      expect(r.ok && isDeepFrozen(r.state)).toBe(true);
    });

    it('freezes an action\'s new objects and arrays in place, without copying, when zod would not change them', () => {
      const checker = createStateChecker(schema);
      const r = checker.check({ xs: [{ a: 1 }], r: {}, any: null }, 1e6);
      if (!r.ok) throw new Error(r.message);
      const pushed = [...r.state.xs, { a: 2 }];
      const r2 = checker.check({ ...r.state, xs: pushed }, 1e6);
      expect(r2.ok && r2.state.xs).toBe(pushed);
      expect(Object.isFrozen(pushed) && Object.isFrozen(pushed[1])).toBe(true);
      const stripped = [...r.state.xs, { a: 2, unknown: 1 }];
      const r3 = checker.check({ ...r.state, xs: stripped }, 1e6);
      expect(r3.ok && r3.state.xs).not.toBe(stripped); // zod strips the unknown key: the element is copied, so is the array
      expect(r3.ok && r3.state.xs).toEqual([{ a: 1 }, { a: 2 }]);
      expect(Object.isFrozen(stripped)).toBe(false);
    });

    it('makes an action that mutates the previous state in place throw a TypeError', () => {
      const r = createStateChecker(schema).check({ xs: [{ a: 1 }], r: { k: ['v'] }, any: null }, 1e6);
      if (!r.ok) throw new Error(r.message);
      const s = r.state;
      expect(() => s.xs.push({ a: 2 })).toThrow(TypeError);
      expect(() => {
        (s.xs[0] as { a: number }).a = 5;
      }).toThrow(TypeError);
      expect(() => {
        (s.r as Record<string, string[]>).k2 = [];
      }).toThrow(TypeError);
    });
  });

  describe('failures', () => {
    const schema = z.object({ xs: z.array(z.object({ a: z.number() })), s: z.object({ b: z.string() }).strict(), any: z.unknown().optional() });
    const checker = createStateChecker(schema);
    const ok = { xs: [{ a: 1 }], s: { b: 'x' } };

    it('names the path and zod problem of a schema failure', () => {
      const r = checker.check({ ...ok, xs: [{ a: 1 }, { a: 'no' }] }, 1e6);
      expect(r).toMatchObject({ ok: false, reason: 'schema' });
      expect(!r.ok && r.message).toMatch(/^xs\[1\]\.a fails the schema: ✖ Invalid input: expected number, received string/);
      const strict = checker.check({ ...ok, s: { b: 'x', c: 1 } }, 1e6);
      expect(!strict.ok && strict.message).toMatch(/^s fails the schema: ✖ Unrecognized key: "c"/);
    });

    it('names where a state stops being plain JSON', () => {
      const r = checker.check({ ...ok, any: { when: [new Date(0)] } }, 1e6);
      expect(r).toEqual({ ok: false, reason: 'not-json', message: 'any.when[0] is a Date, which is not plain JSON' });
      expect(checker.check({ ...ok, any: { n: NaN } }, 1e6)).toMatchObject({ reason: 'not-json', message: 'any.n is NaN, which is not plain JSON' });
      expect(checker.check(undefined, 1e6)).toMatchObject({ reason: 'schema' });
    });

    it('prefers a schema failure to a not-JSON value elsewhere, like the full parse', () => {
      expect(checker.check({ ...ok, any: new Foo(), xs: [{ a: 'no' }] }, 1e6)).toMatchObject({ reason: 'schema' });
    });

    it('reports the size of a state over the limit', () => {
      const r = checker.check(ok, 10);
      expect(r).toEqual({ ok: false, reason: 'too-large', bytes: utf8(JSON.stringify(ok)), message: `the state is ${utf8(JSON.stringify(ok))} bytes of JSON, over the limit of 10` });
    });

    it('never throws: a refinement that throws becomes a failed check', () => {
      const throwing = createStateChecker(z.object({ a: z.number().refine(() => { throw new Error('boom'); }) }));
      expect(throwing.check({ a: 1 }, 1e6)).toMatchObject({ ok: false, reason: 'schema', message: expect.stringContaining('boom') as string });
      const getter = { get xs(): never { throw new Error('getter'); }, s: { b: 'x' } };
      expect(checker.check(getter, 1e6)).toMatchObject({ ok: false, reason: 'schema', message: expect.stringContaining('getter') as string });
    });
  });

  describe('nesting', () => {
    const chain = (levels: number, leaf: Tree = { v: 0, kids: [] }): Tree => {
      let t = leaf;
      for (let i = 0; i < levels; i++) t = { v: i, kids: [t] };
      return t;
    };

    it('applies the depth limit of isJsonValue, also to reused subtrees moved deeper', () => {
      const checker = createStateChecker(TreeSchema);
      for (const levels of [120, 126, 127, 128, 140]) {
        const t = chain(levels);
        const r = checker.check(t, 1e9);
        expectSameAnswer(TreeSchema, r, t, 1e9, `chain of ${levels}`);
        if (!r.ok) continue;
        for (const more of [1, 2, 3, 8]) {
          const deeper = chain(more, r.state);
          expectSameAnswer(TreeSchema, checker.check(deeper, 1e9), deeper, 1e9, `chain of ${levels} moved ${more} deeper`);
        }
      }
    });

    it('rejects a cyclic state as not JSON, like the full parse', () => {
      const t: Tree = { v: 1, kids: [] };
      t.kids.push(t);
      expect(createStateChecker(TreeSchema).check(t, 1e9)).toMatchObject({ ok: false, reason: 'not-json' });
      expect(reference(TreeSchema, t, 1e9)).toEqual({ ok: false, reason: 'not-json' });
    });
  });

  it('answers like the full parse for exotic inputs: __proto__ keys, null prototypes, class instances, symbols', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    class List extends Array<number> {}
    const schema = z.object({
      strip: z.object({ x: z.number() }).optional(),
      strict: z.strictObject({ x: z.number() }).optional(),
      loose: z.looseObject({ x: z.number() }).optional(),
      rec: z.record(z.string(), z.number()).optional(),
      list: z.array(z.number()).optional(),
    });
    const checker = createStateChecker(schema);
    const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
    const inputs: Array<Record<string, unknown>> = [
      { strip: JSON.parse('{"x":1,"__proto__":{"y":2}}') },
      { strict: JSON.parse('{"x":1,"__proto__":{"y":2}}') },
      { loose: JSON.parse('{"x":1,"__proto__":{"y":2}}') },
      { rec: JSON.parse('{"a":1,"__proto__":2}') },
      { rec: nullProto },
      { strip: nullProto, loose: Object.assign(Object.create(null) as object, { x: 1, y: 'z' }) },
      { strip: new Point(3), strict: new Point(4) },
      { rec: new Point(3) },
      { rec: { a: 1, [Symbol('s')]: 2 } },
      { list: List.from([1, 2]) },
      { strip: Object.create({ x: 5 }) as object },
    ];
    for (const v of inputs) {
      const r = checker.check(v, 1e6);
      expectSameAnswer(schema, r, v, 1e6, String(Object.keys(v)));
      if (r.ok) {
        for (const c of Object.values(r.state)) {
          if (c !== undefined) expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(c));
        }
      }
    }
  });

  it('treats an optional whose substitute fails as absent, like zod', () => {
    const schema = z.object({ a: z.string().min(3).prefault('x').optional(), b: z.number() });
    const checker = createStateChecker(schema);
    for (const v of [{ b: 1 }, { a: undefined, b: 1 }, { a: 'long', b: 1 }, { a: 'x', b: 1 }]) expectSameAnswer(schema, checker.check(v, 1e6), v, 1e6, JSON.stringify(v));
  });

  describe('fallback to a full parse of the subtree', () => {
    it('answers like safeParse for a union at the root', () => {
      const schema = z.union([z.object({ kind: z.literal('a'), n: z.number() }), z.array(z.string())]);
      const checker = createStateChecker(schema);
      for (const v of [{ kind: 'a', n: 1, x: 2 }, ['x'], { kind: 'b' }, [1], 'nope']) expectSameAnswer(schema, checker.check(v, 1e6), v, 1e6, JSON.stringify(v));
    });

    it('re-runs the refinement of a refined object on every check, as it looks at the whole object', () => {
      const schema = z.object({ xs: z.array(z.number()), cap: z.number() }).refine((s) => s.xs.length <= s.cap, 'too many');
      const checker = createStateChecker(schema);
      const r = checker.check({ xs: [1, 2], cap: 2 }, 1e6);
      if (!r.ok) throw new Error(r.message);
      expect(checker.check({ ...r.state, cap: 1 }, 1e6)).toMatchObject({ ok: false, reason: 'schema', message: expect.stringContaining('too many') as string });
    });

    it('answers like safeParse for a transform, even when its own output comes back (transforms do not belong in state that crosses Temporal)', () => {
      const schema = z.object({ n: z.string().transform((s) => s.length) });
      const checker = createStateChecker(schema);
      const r = checker.check({ n: 'abc' }, 1e6);
      expect(r).toMatchObject({ ok: true, state: { n: 3 } });
      // The output is not a valid input: reusing it unvalidated would accept what a full parse rejects.
      if (r.ok) expect(checker.check(r.state, 1e6)).toMatchObject({ ok: false, reason: 'schema' });
    });

    it('does not reuse a default that its own schema rejects', () => {
      const schema = z.object({ tags: z.array(z.string().min(2)).default(['x']) });
      const checker = createStateChecker(schema);
      const r = checker.check({}, 1e6);
      expect(r).toMatchObject({ ok: true, state: { tags: ['x'] } });
      if (r.ok) expectSameAnswer(schema, checker.check(r.state, 1e6), r.state, 1e6, 're-check');
    });

    it('does not reuse the output of a union whose earlier option takes it differently', () => {
      const schema = z.union([z.object({ a: z.string(), k: z.number().optional() }), z.object({ a: z.string(), c: z.string() })]);
      const checker = createStateChecker(z.object({ u: schema }));
      const r = checker.check({ u: { a: 's', k: 'not a number', c: 'c' } }, 1e6);
      expect(r).toMatchObject({ ok: true, state: { u: { a: 's', c: 'c' } } });
      if (r.ok) expect(checker.check({ ...r.state }, 1e6)).toMatchObject({ ok: true, state: { u: { a: 's' } } });
      if (r.ok) expectSameAnswer(z.object({ u: schema }), checker.check({ ...r.state }, 1e6), { ...r.state }, 1e6, 're-check');
    });
  });
});

describe('jsonByteLength', () => {
  it.each([
    ['quotes and backslashes', 'say "hi" \\ there'],
    ['short escapes', '\b\f\n\r\t'],
    ['other control characters', '\u0000\u0001\u001f\u000b'],
    ['DEL and Latin-1', '\u007f\u0080ÿ'],
    ['BMP characters', '€ह中\uffff'],
    ['non-BMP (surrogate pairs)', '😀𝄞a😀'],
    ['lone surrogates', '\ud800 \udc00 a\ud83d'],
    ['a high surrogate at the end', 'x\udbff'],
    ['a reversed pair', '\ude00\ud83d'],
    ['empty', ''],
  ])('is exact for strings: %s', (_name, s) => {
    expect(jsonByteLength(s)).toBe(utf8(JSON.stringify(s)));
    expect(jsonByteLength({ [s]: s })).toBe(utf8(JSON.stringify({ [s]: s })));
  });

  it('is exact for numbers as JSON prints them', () => {
    for (const n of [0, -0, 1e21, 1e-7, 0.1, -1.5e300, 2 ** 53, 123456789.125, Number.MIN_VALUE, -Number.MAX_VALUE]) {
      expect(jsonByteLength(n)).toBe(utf8(JSON.stringify(n)));
    }
  });

  it('is exact for nested and empty containers and literals', () => {
    for (const v of [[], {}, [[], {}, [{}]], { a: [], b: {}, c: [null, true, false] }, null, true, false, Object.create(null) as object, JSON.parse('{"__proto__":{"a":1},"b":2}') as object]) {
      expect(jsonByteLength(v)).toBe(utf8(JSON.stringify(v)));
    }
  });

  it('is undefined for values that are not JSON, like isJsonValue', () => {
    for (const v of [undefined, NaN, Infinity, new Date(0), new Foo(), { a: undefined }, [undefined], [1, , 2], () => 1, 1n, new Map()]) {
      expect(jsonByteLength(v)).toBeUndefined();
      expect(isJsonValue(v)).toBe(false);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 257; i++) deep = [deep];
    expect(jsonByteLength(deep)).toBeUndefined();
    expect(jsonByteLength((deep as unknown[])[0])).toBe(utf8(JSON.stringify((deep as unknown[])[0])));
  });

  it('memoises frozen objects without freezing anything itself', () => {
    const inner = Object.freeze({ a: 'x' });
    const outer = Object.freeze({ inner, n: 1 });
    expect(jsonByteLength(outer)).toBe(utf8(JSON.stringify(outer)));
    const loose = { inner };
    expect(jsonByteLength(loose)).toBe(utf8(JSON.stringify(loose)));
    expect(Object.isFrozen(loose)).toBe(false);
  });
});
