/** The functional core of agents: definitions, applying a signal, directives, the dedupe window. */
import { CLUSTER_KINDS } from '../../src/cluster/index.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applySignal, checkSignal } from '../../src/agent/apply.js';
import { agentIdOf, agentWorkflowId, assertAgentId, MAX_AGENT_ID_BYTES } from '../../src/agent/agent-id.js';
import { DedupeWindow } from '../../src/agent/dedupe-window.js';
import { defineAction, defineAgent } from '../../src/agent/define-agent.js';
import { emit } from '../../src/agent/directives.js';
import { accumulatorAgent, exampleKinds } from '../../src/examples/index.js';
import { ErrorCode } from '../../src/errors.js';
import { loadNodeConfig } from '../../src/infra/config.js';
import { createSignal } from '../../src/signal/index.js';
import * as workflows from '../../workflows/index.js';

const ctx = { agentId: 'a1', kind: 'accumulator', node: 'node-a', now: 0 };
const counter = z.object({ n: z.number() });
type Counter = z.infer<typeof counter>;
const inc = defineAction({ name: 'inc', params: z.object({ by: z.number().default(1) }), run: (s: Counter, p) => ({ state: { n: s.n + p.by }, result: s.n + p.by }) });

describe('defineAgent', () => {
  const base = { name: 'counter', state: counter, initialState: { n: 0 }, routes: { 'counter.inc': inc } };

  it('compiles routes and keeps the definition', () => {
    const def = defineAgent(base);
    expect(def.name).toBe('counter');
    expect(def.router.match('counter.inc').map((t) => t.action.name)).toEqual(['inc']);
    expect(def.options).toMatchObject({ dedupeWindow: 2048, deadLetterLimit: 100, validateState: true });
  });

  it.each([
    ['a name that is not a workflow type', { ...base, name: 'Counter-1' }, /"name" must start with a lowercase letter/],
    ['a state that is not a schema', { ...base, state: { n: 'number' } }, /"state" must be a zod schema/],
    ['an initial state failing the schema', { ...base, initialState: { n: 'zero' } }, /"initialState" fails the state schema/],
    ['no routes', { ...base, routes: {} }, /"routes" must map at least one/],
    ['an invalid pattern', { ...base, routes: { 'counter..inc': inc } }, /route "counter\.\.inc"/],
    ['a target that is not an action', { ...base, routes: { 'counter.inc': { run: () => 1 } } }, /must map to an action made with defineAction/],
    ['a priority out of range', { ...base, routes: { 'counter.inc': { action: inc, priority: 101 } } }, /priority/],
    ['a bad option', { ...base, options: { dedupeWindow: 0 } }, /options\.dedupeWindow must be an integer from 1 to 8192 \(got 0\)/],
  ])('rejects %s, saying what to fix', (_what, spec, message) => {
    expect(() => defineAgent(spec as never)).toThrow(message);
    try {
      defineAgent(spec as never);
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_DEFINITION });
    }
  });

  it('rejects an action without params schema or run function', () => {
    expect(() => defineAction({ name: 'x', params: {} as never, run: () => ({ state: 1 }) })).toThrow(/"params" must be a zod schema/);
    expect(() => defineAction({ name: 'x', params: z.object({}), run: 'no' as never })).toThrow(/"run" must be a function/);
  });
});

describe('applySignal', () => {
  const audit = defineAction({ name: 'audit', params: z.object({}).loose(), run: (s: Counter) => ({ state: { n: s.n * 10 }, result: 'audited' }) });
  const def = defineAgent({
    name: 'counter',
    state: counter,
    initialState: { n: 0 },
    routes: { 'counter.inc': inc, 'counter.**': { action: audit, priority: -10 } },
  });

  it('runs every matching action in router order, threading state; the reply is the first action’s', () => {
    const r = applySignal(def, { n: 1 }, createSignal('counter.inc', { by: 2 }), ctx);
    expect(r).toMatchObject({ ok: true, state: { n: 30 }, result: 3, actions: ['inc', 'audit'] });
  });

  it('treats absent data as empty params (schema defaults apply)', () => {
    const r = applySignal(def, { n: 1 }, createSignal('counter.inc'), ctx);
    expect(r).toMatchObject({ ok: true, state: { n: 20 } });
  });

  it('reports no route, bad params, a throwing action and an invalid outcome without changing state', () => {
    const state = { n: 1 };
    expect(applySignal(def, state, createSignal('other.thing'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.NO_ROUTE } });
    expect(applySignal(def, state, createSignal('counter.inc', { by: 'x' }), ctx)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PARAMS, message: expect.stringMatching(/action "inc"/) },
    });
    const boom = defineAgent({
      name: 'boom',
      state: counter,
      initialState: { n: 0 },
      routes: {
        'b.throw': defineAction({ name: 'thrower', params: z.object({}), run: (_s: Counter): { state: Counter } => { throw new Error('nope'); } }),
        'b.badstate': defineAction({ name: 'corrupt', params: z.object({}), run: (_s: Counter) => ({ state: { n: 'NaN' } as unknown as Counter }) }),
        'b.baddirective': defineAction({ name: 'misdirect', params: z.object({}), run: (s: Counter) => ({ state: s, directives: [{ kind: 'teleport' } as never] }) }),
        'b.noreturn': defineAction({ name: 'silent', params: z.object({}), run: (_s: Counter) => undefined as unknown as { state: Counter } }),
      },
    });
    expect(applySignal(boom, state, createSignal('b.throw'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.ACTION_FAILED, message: 'action "thrower" failed: nope' } });
    expect(applySignal(boom, state, createSignal('b.badstate'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    expect(applySignal(boom, state, createSignal('b.baddirective'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/invalid directives/) } });
    expect(applySignal(boom, state, createSignal('b.noreturn'), ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/must return \{ state/) } });
    expect(state).toEqual({ n: 1 });
  });

  it('turns a throwing schema callback, a non-JSON state and a bad directive payload into rejections', () => {
    const fragile = defineAgent({
      name: 'fragile',
      state: z.object({ n: z.number() }).loose(),
      initialState: { n: 0 },
      routes: {
        'f.refine': defineAction({
          name: 'refiner',
          params: z.object({ x: z.number() }).refine(() => { throw new Error('refine blew up'); }),
          run: (s: Counter) => ({ state: s }),
        }),
        'f.date': defineAction({ name: 'dater', params: z.object({}), run: (s: Counter) => ({ state: { ...s, at: new Date(0) } as unknown as Counter }) }),
        'f.badtype': defineAction({ name: 'shouter', params: z.object({}), run: (s: Counter) => ({ state: { n: s.n + 1 }, directives: [emit.toAgent('b', { type: 'Not.A.Type' })] }) }),
        'f.undef': defineAction({ name: 'undef', params: z.object({}), run: (s: Counter) => ({ state: { n: s.n + 1 }, directives: [emit.toAgent('b', { type: 'a.b', data: [undefined] as never })] }) }),
      },
    });
    const s = { n: 1 };
    expect(applySignal(fragile, s, createSignal('f.refine', { x: 1 }), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PARAMS, message: expect.stringMatching(/refine blew up/) } });
    expect(applySignal(fragile, s, createSignal('f.date'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE, message: expect.stringMatching(/not plain JSON/) } });
    expect(applySignal(fragile, s, createSignal('f.badtype'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/invalid directives/) } });
    expect(applySignal(fragile, s, createSignal('f.undef'), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.ACTION_FAILED } });
    expect(s).toEqual({ n: 1 });
  });

  it('refuses a state over maxStateBytes, but lets a state already over it (an older runtime, a lowered limit) shrink or stay', () => {
    const notes = defineAgent({
      name: 'notes',
      state: z.object({ text: z.string() }),
      initialState: { text: '' },
      options: { maxStateBytes: 100 },
      routes: {
        'notes.set': defineAction({ name: 'set', params: z.object({ text: z.string() }), run: (_s: { text: string }, p) => ({ state: { text: p.text } }) }),
      },
    });
    const at = (n: number) => createSignal('notes.set', { text: 'x'.repeat(n) });
    expect(applySignal(notes, { text: '' }, at(80), ctx)).toMatchObject({ ok: true, bytes: 91 });
    expect(applySignal(notes, { text: '' }, at(90), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.STATE_TOO_LARGE } });
    const big = { text: 'x'.repeat(200) }; // 211 bytes, carried over the limit
    expect(applySignal(notes, big, at(150), ctx, { maxStateBytes: 211 })).toMatchObject({ ok: true, bytes: 161 });
    expect(applySignal(notes, big, at(200), ctx, { maxStateBytes: 211 })).toMatchObject({ ok: true, bytes: 211 });
    expect(applySignal(notes, big, at(201), ctx, { maxStateBytes: 211 })).toMatchObject({ ok: false, error: { code: ErrorCode.STATE_TOO_LARGE } });
  });

  it('checkSignal validates route and params without running anything', () => {
    expect(checkSignal(def, createSignal('counter.inc', { by: 1 }))).toMatchObject({ ok: true });
    expect(checkSignal(def, createSignal('nothing.here'))).toMatchObject({ ok: false, error: { code: ErrorCode.NO_ROUTE } });
  });
});

describe('example agents (pure)', () => {
  it('the accumulator emits, schedules, spawns and stops through directives only', () => {
    const s = { total: 1, count: 1 };
    expect(applySignal(accumulatorAgent, s, createSignal('accumulator.forward', { to: 'b', amount: 2 }), ctx)).toMatchObject({
      state: s,
      directives: [emit.toAgent('b', { type: 'accumulator.add', data: { amount: 2 } })],
    });
    expect(applySignal(accumulatorAgent, s, createSignal('accumulator.add.later', { amount: 2, delayMs: 5 }), ctx)).toMatchObject({
      directives: [{ kind: 'schedule', delayMs: 5, signal: { type: 'accumulator.add', data: { amount: 2 } } }],
    });
    expect(applySignal(accumulatorAgent, s, createSignal('accumulator.spawn', { agentId: 'c' }), ctx)).toMatchObject({
      directives: [{ kind: 'spawn', agentKind: 'accumulator', agentId: 'c', state: { total: 0, count: 0 } }],
    });
    expect(applySignal(accumulatorAgent, s, createSignal('accumulator.stop', {}), ctx)).toMatchObject({ directives: [{ kind: 'stop' }] });
  });

  it('every example and cluster kind is exported from workflows/ under its own name (besides the topic and the sagas)', () => {
    const all = [...exampleKinds, ...CLUSTER_KINDS];
    for (const kind of all) expect(typeof (workflows as Record<string, unknown>)[kind.name]).toBe('function');
    expect(Object.keys(workflows).sort()).toEqual([...all.map((k) => k.name), 'topic', 'migration', 'rebalance'].sort());
  });
});

describe('DedupeWindow', () => {
  it('remembers the last `capacity` ids and forgets the oldest first', () => {
    const w = new DedupeWindow(3);
    expect(['a', 'b', 'c'].map((id) => w.add(id))).toEqual([true, true, true]);
    expect(w.add('b')).toBe(false);
    expect(w.add('d')).toBe(true);
    expect(w.has('a')).toBe(false);
    expect(w.toJSON()).toEqual(['b', 'c', 'd']);
  });

  it('round-trips through JSON (continue-as-new), keeping the newest when the capacity shrank', () => {
    const w = new DedupeWindow(2, ['a', 'b', 'c']);
    expect(w.toJSON()).toEqual(['b', 'c']);
    const again = new DedupeWindow(5, JSON.parse(JSON.stringify(w.toJSON())) as string[]);
    expect(again.has('c') && !again.has('a')).toBe(true);
  });
});

describe('agent ids', () => {
  it('maps agent ids to workflow ids and back', () => {
    expect(agentWorkflowId('acc-1')).toBe('agent/acc-1');
    expect(agentIdOf('agent/acc-1')).toBe('acc-1');
    expect(agentIdOf('topic/x')).toBeUndefined();
  });

  it.each([
    ['', /non-empty/],
    ['has space', /whitespace/],
    ['é'.repeat(MAX_AGENT_ID_BYTES / 2 + 1), /bytes is over the limit/],
  ])('rejects %j', (id, message) => {
    expect(() => assertAgentId(id)).toThrow(message);
  });
});

describe('node configuration', () => {
  it('fills defaults', () => {
    expect(loadNodeConfig({ NODE_ID: 'node-a' })).toMatchObject({ TEMPORAL_ADDRESS: 'localhost:7233', AGENT_TASK_QUEUE: 'agents', METRICS_PORT: 0 });
  });

  it('names every bad variable', () => {
    expect(() => loadNodeConfig({ METRICS_PORT: '99999' })).toThrow(/NODE_ID is required.*METRICS_PORT/);
    expect(() => loadNodeConfig({ NODE_ID: 'Node A' })).toThrow(/NODE_ID must be/);
  });
});
