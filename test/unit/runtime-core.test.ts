/**
 * The pure parts of the entity runtime (src/agent/, src/topic/): run limits and the continue-as-new
 * decision, the effect queue, the timer table, the call-result window, the carry budget, carried-input
 * upgrades and the topic fan-out. No server.
 */
import { describe, expect, it } from 'vitest';
import { checkPool, poolBytes } from '../../src/agent/budget.js';
import { CallResults } from '../../src/agent/call-results.js';
import { normaliseCarried } from '../../src/agent/carry.js';
import { checkDirectives } from '../../src/agent/admission.js';
import { NODE_INTERNAL_ACTIVITIES, emit, run, spawn, type OutboundSignal } from '../../src/agent/directives.js';
import { accumulatorAgent } from '../../src/examples/index.js';
import { EffectQueue, type QueuedEffect } from '../../src/agent/effect-queue.js';
import { carriedBytes, jsonByteLength } from '../../src/agent/json-size.js';
import {
  CARRY_BUDGET_BYTES,
  CHILDREN_PER_RUN,
  DEFAULT_RUN_LIMITS,
  EFFECTS_IN_FLIGHT,
  TEMPORAL_LIMITS,
  checkHistoryLimits,
  continueDecision,
  runLimits,
  type RunUsage,
} from '../../src/agent/limits.js';
import { TimerTable } from '../../src/agent/timer-table.js';
import { DEFAULT_AGENT_OPTIONS } from '../../src/agent/define-agent.js';
import { ErrorCode } from '../../src/errors.js';
import { createHostActivities } from '../../activities/host/index.js';
import { AgentHost } from '../../activities/index.js';
import { Fanout, TOPIC_BUDGET } from '../../src/topic/index.js';
import { createSignal } from '../../src/signal/index.js';

const size = (v: unknown): number => jsonByteLength(v) ?? 0;
const idle: RunUsage = { historyLength: 10, historySize: 1_000, continueAsNewSuggested: false, signals: 0, updates: 0, childBudgetSpent: false };

describe('run limits and the continue-as-new decision', () => {
  it('stays clear of every Temporal per-run limit by construction', () => {
    const l = DEFAULT_RUN_LIMITS;
    expect(l.historyCeiling).toBeLessThan(TEMPORAL_LIMITS.historyEvents / 2);
    expect(l.hardHistoryBytes).toBeLessThan(TEMPORAL_LIMITS.historyBytes / 2);
    expect(l.hardSignals).toBeLessThan(TEMPORAL_LIMITS.signalsPerRun);
    expect(l.hardUpdates).toBeLessThan(TEMPORAL_LIMITS.updatesPerRun);
    // Completions of everything in flight (an activity writes two events) fit the 100-event task buffer.
    expect(EFFECTS_IN_FLIGHT.signals + 2 * EFFECTS_IN_FLIGHT.activities + EFFECTS_IN_FLIGHT.children).toBeLessThanOrEqual(TEMPORAL_LIMITS.bufferedEvents - 20);
    expect(CHILDREN_PER_RUN).toBeLessThanOrEqual(TEMPORAL_LIMITS.pendingChildren / 2);
    expect(CARRY_BUDGET_BYTES).toBeLessThanOrEqual(0.75 * TEMPORAL_LIMITS.payloadBytes);
  });

  it('carries on while every count is under its soft threshold', () => {
    expect(continueDecision(idle, DEFAULT_RUN_LIMITS)).toBeUndefined();
  });

  it('decides softly at the server suggestion, maxHistoryEvents, the soft counts and a spent child budget', () => {
    const l = DEFAULT_RUN_LIMITS;
    for (const u of [
      { continueAsNewSuggested: true },
      { historyLength: l.maxHistoryEvents },
      { historySize: l.softHistoryBytes },
      { signals: l.softSignals },
      { updates: l.softUpdates },
      { childBudgetSpent: true },
    ]) {
      expect(continueDecision({ ...idle, ...u }, l)?.mode).toBe('soft');
    }
  });

  it('decides hard at the ceiling, whatever else holds, and says why', () => {
    const l = DEFAULT_RUN_LIMITS;
    for (const u of [{ historyLength: l.historyCeiling }, { historySize: l.hardHistoryBytes }, { signals: l.hardSignals }, { updates: l.hardUpdates }]) {
      const d = continueDecision({ ...idle, ...u, continueAsNewSuggested: true }, l);
      expect(d?.mode).toBe('hard');
      expect(d?.reason).toMatch(/ceiling/);
    }
  });

  it('checks per-agent history limits and names the problem', () => {
    expect(checkHistoryLimits({ maxHistoryEvents: 1_000, historyCeiling: 2_000 }, 10_000)).toBeUndefined();
    expect(checkHistoryLimits({ maxHistoryEvents: 50 }, 10_000)).toMatch(/maxHistoryEvents must be an integer from 100 to 29500 \(got 50\)/);
    // A soft threshold too high for any ceiling is named as such, not as a ceiling nobody passed.
    expect(checkHistoryLimits({ maxHistoryEvents: 35_000 }, 10_000)).toMatch(/maxHistoryEvents must be an integer from 100 to 29500 \(got 35000\)/);
    expect(checkHistoryLimits({ maxHistoryEvents: 29_500 }, 10_000)).toBeUndefined();
    expect(checkHistoryLimits({ maxHistoryEvents: 1_000, historyCeiling: 1_200 }, 10_000)).toMatch(/at least limits.maxHistoryEvents \(1000\) \+ 500/);
    expect(checkHistoryLimits({ historyCeiling: 60_000 }, 10_000)).toMatch(/<= 30000/);
  });

  it('clamps limits from a raw caller so the ceiling can never pass Temporal’s', () => {
    expect(runLimits(10_000, { historyCeiling: 1e9 }).historyCeiling).toBe(30_000);
    expect(runLimits(10_000, { maxHistoryEvents: 5 }).maxHistoryEvents).toBe(100);
    const l = runLimits(10_000, { maxHistoryEvents: 30_000 });
    expect(l.historyCeiling).toBeGreaterThanOrEqual(l.maxHistoryEvents + 500);
  });
});

describe('effect queue', () => {
  const emitTo = (i: number): QueuedEffect => emit.toAgent(`a-${i}`, { type: 'x.y', data: { i } });
  const free = { draining: false as const, mountPending: false, legacy: false };

  it('starts effects in order and never more than the cap of a kind in flight', () => {
    const q = new EffectQueue(size);
    for (let i = 0; i < EFFECTS_IN_FLIGHT.signals + 5; i++) q.enqueue(emitTo(i));
    const started: number[] = [];
    for (let step = q.next(free); step.step === 'start'; step = q.next(free)) {
      q.started(step.entries);
      started.push((step.entries[0]?.effect as unknown as { signal: { data: { i: number } } }).signal.data.i);
    }
    expect(started).toEqual(Array.from({ length: EFFECTS_IN_FLIGHT.signals }, (_, i) => i));
    expect(q.next(free)).toEqual({ step: 'wait', reason: 'cap' });
    expect(q.queued).toBe(5);
  });

  it('counts unfinished effects in its bytes until they finish', () => {
    const q = new EffectQueue(size);
    const e = q.enqueue(emitTo(1));
    expect(q.bytes).toBe(size(emitTo(1)));
    const step = q.next(free);
    expect(step).toEqual({ step: 'start', entries: [e] });
    q.started([e]);
    expect(q.bytes).toBe(e.bytes);
    q.finished([e]);
    expect(q.bytes).toBe(0);
    expect(q.busy).toBe(false);
  });

  it('holds everything while draining, or only runs for a run recorded before runtime-v2', () => {
    const q = new EffectQueue(size);
    q.enqueue(run({ activity: 'measure', onResult: 'x.done' }));
    q.enqueue(emitTo(1));
    expect(q.next({ ...free, draining: 'holdAll' })).toEqual({ step: 'wait', reason: 'draining' });
    expect(q.next({ ...free, draining: 'holdRuns' }).step).toBe('defer');
    expect(q.next({ ...free, draining: 'holdRuns' }).step).toBe('start');
  });

  it('coalesces queued emits to one agent into one batch, in order, keeping other effects queued', () => {
    const q = new EffectQueue(size);
    const toA = (i: number) => emit.toAgent('a', { type: 'x.y', data: { i } });
    q.enqueue(toA(1));
    q.enqueue(emitTo(9));
    q.enqueue(run({ activity: 'measure', onResult: 'x.done' }));
    q.enqueue(toA(2));
    q.enqueue(emit.toTopic('a', { type: 'x.y' }));
    q.enqueue(toA(3));
    const mode = free;
    const first = q.next(mode);
    expect(first.step === 'start' && first.entries.map((e) => e.effect)).toEqual([toA(1), toA(2), toA(3)]);
    expect(q.queued).toBe(3);
    if (first.step === 'start') q.started(first.entries);
    expect(q.inFlight().signals).toBe(1); // one outgoing signal for the batch
    expect(q.carry({ runsInFlight: false })).toEqual([emitTo(9), run({ activity: 'measure', onResult: 'x.done' }), emit.toTopic('a', { type: 'x.y' })]);
    const next = q.next(mode);
    expect(next.step === 'start' && next.entries.map((e) => e.effect)).toEqual([emitTo(9)]);
    if (first.step === 'start') q.finished(first.entries);
    expect(q.bytes).toBe(size(emitTo(9)) + size(run({ activity: 'measure', onResult: 'x.done' })) + size(emit.toTopic('a', { type: 'x.y' })));
  });

  it('starts everything at once for a run recorded before runtime-v2 (no caps, no coalescing, no child budget)', () => {
    const q = new EffectQueue(size);
    for (let i = 0; i < 100; i++) q.enqueue(emit.toAgent('same', { type: 'x.y', data: { i } }));
    const legacy = { ...free, legacy: true };
    let started = 0;
    for (let step = q.next(legacy); step.step === 'start'; step = q.next(legacy)) {
      expect(step.entries).toHaveLength(1);
      q.started(step.entries);
      started++;
    }
    expect(started).toBe(100);
    expect(q.inFlight().signals).toBe(100);
  });

  it('puts runs held for the mount back at the head, in order', () => {
    const q = new EffectQueue(size);
    const r1 = run({ activity: 'a1', onResult: 'x.a1' });
    const r2 = run({ activity: 'a2', onResult: 'x.a2' });
    q.enqueue(r1);
    q.enqueue(r2);
    q.enqueue(emitTo(1));
    const held = [q.next({ ...free, mountPending: true }), q.next({ ...free, mountPending: true })].map((s) => (s.step === 'await-mount' ? s.entry : undefined));
    expect(q.queued).toBe(1);
    q.requeueFront(held as never);
    expect(q.queued).toBe(3);
    expect(q.carry({ runsInFlight: false })).toEqual([r1, r2, emitTo(1)]);
  });

  it('sends runs of an agent not yet mounted aside', () => {
    const q = new EffectQueue(size);
    q.enqueue(run({ activity: 'measure', onResult: 'x.done' }));
    expect(q.next({ ...free, mountPending: true }).step).toBe('await-mount');
  });

  it('spends the child budget per run: spawns past it wait for the next run', () => {
    const q = new EffectQueue(size);
    for (let i = 0; i <= CHILDREN_PER_RUN; i++) q.enqueue(spawn({ agentKind: 'accumulator', agentId: `c-${i}` }));
    for (let i = 0; i < CHILDREN_PER_RUN; i++) {
      const step = q.next(free);
      if (step.step !== 'start') throw new Error(`spawn ${i} did not start`);
      q.started(step.entries);
      q.finished(step.entries);
    }
    expect(q.next(free)).toEqual({ step: 'wait', reason: 'child-budget' });
    expect(q.childBudgetSpent).toBe(true);
  });

  it('carries activities in flight first on a hard continue-as-new, then held and queued effects, in order', () => {
    const q = new EffectQueue(size);
    const r1 = run({ activity: 'a1', onResult: 'x.a1' });
    const r2 = run({ activity: 'a2', onResult: 'x.a2' });
    q.enqueue(r1);
    q.enqueue(r2);
    q.enqueue(emitTo(3));
    const s1 = q.next(free);
    if (s1.step !== 'start') throw new Error('r1 did not start');
    q.started(s1.entries);
    const held = q.next({ ...free, draining: 'holdRuns' });
    if (held.step !== 'defer') throw new Error('r2 was not deferred');
    expect(q.carry({ runsInFlight: true, held: [held.entry] })).toEqual([r1, r2, emitTo(3)]);
    expect(q.carry({ runsInFlight: false, held: [held.entry] })).toEqual([r2, emitTo(3)]);
  });
});

describe('timer table', () => {
  const sig = (n: number): OutboundSignal => ({ type: 'accumulator.add', data: { amount: n } });

  it('fires in time order, ties in scheduling order', () => {
    const t = new TimerTable(size);
    t.add(300, sig(3));
    t.add(100, sig(1));
    t.add(200, sig(2));
    t.add(100, sig(11));
    expect(t.peek()?.at).toBe(100);
    expect(t.popDue(200).map((e) => e.signal.data)).toEqual([{ amount: 1 }, { amount: 11 }, { amount: 2 }]);
    expect(t.count).toBe(1);
  });

  it('removes one entry and keeps the heap order and the byte count', () => {
    const t = new TimerTable(size);
    const entries = [5, 1, 4, 2, 3].map((at) => t.add(at, sig(at)));
    expect(t.remove(entries[2] as never)).toBe(true);
    expect(t.remove(entries[2] as never)).toBe(false);
    expect(t.popDue(10).map((e) => e.at)).toEqual([1, 2, 3, 5]);
    expect(t.bytes).toBe(0);
  });

  it('holds 10,000 timers in a few hundred KiB and keeps its byte count exact', () => {
    const t = new TimerTable(size);
    for (let i = 0; i < 10_000; i++) t.add(1_790_000_000_000 + ((i * 7919) % 10_000) * 1_000, sig(1));
    expect(t.bytes).toBe(size(t.toJSON()) - 10_000 + 1 - 2); // commas and brackets are the array's, not the entries'
    expect(t.bytes).toBeLessThan(900 * 1024);
    const rebuilt = new TimerTable(size, t.toJSON());
    let last = 0;
    for (const e of rebuilt.popDue(Number.MAX_SAFE_INTEGER)) {
      expect(e.at).toBeGreaterThanOrEqual(last);
      last = e.at;
    }
    expect(rebuilt.count).toBe(0);
    expect(rebuilt.bytes).toBe(0);
  });
});

describe('call results (idempotent replies)', () => {
  it('returns the recorded outcome, rejections included', () => {
    const r = new CallResults(size);
    r.set('a', { ok: true, result: 5 });
    r.set('b', { ok: false, code: ErrorCode.ACTION_FAILED, message: 'nope' });
    expect(r.get('a')).toEqual({ ok: true, result: 5 });
    expect(r.get('b')).toEqual({ ok: false, code: ErrorCode.ACTION_FAILED, message: 'nope' });
    expect(new CallResults(size, r.toJSON()).get('a')).toEqual({ ok: true, result: 5 });
  });

  it('forgets the oldest past its count or bytes, and keeps a large result only as "omitted"', () => {
    const r = new CallResults(size, [], { count: 3, bytes: 10_000 });
    for (const id of ['a', 'b', 'c', 'd']) r.set(id, { ok: true, result: id });
    expect(r.get('a')).toBeUndefined();
    expect(r.count).toBe(3);
    r.set('big', { ok: true, result: 'x'.repeat(5_000) });
    expect(r.get('big')).toEqual({ ok: true, omitted: expect.any(Number) });
    expect(r.bytes).toBeLessThanOrEqual(10_000);
  });
});

describe('carry budget', () => {
  it('measures what crosses Temporal: an undefined field counts for nothing, and content never for 0 bytes', () => {
    const withUndefined = { kind: 'run', activity: 'a', onResult: 'x.done', input: undefined, data: 'x'.repeat(1_000) };
    expect(jsonByteLength(withUndefined)).toBeUndefined();
    expect(carriedBytes(withUndefined)).toBe(new TextEncoder().encode(JSON.stringify(withUndefined)).length);
    expect(carriedBytes({ a: 1 })).toBe(7);
  });

  it('leaves about 1.2 MiB for state, timers and effects with the default options', () => {
    const pool = poolBytes(DEFAULT_AGENT_OPTIONS);
    expect(pool).toBeGreaterThan(1.1 * 1024 * 1024);
    expect(pool).toBeLessThan(CARRY_BUDGET_BYTES);
  });

  it('names the state limit first, then the pool', () => {
    const limits = { maxStateBytes: 1_000, poolBytes: 5_000 };
    expect(checkPool({ state: 900, timers: 1_000, effects: 1_000 }, limits)).toBeUndefined();
    expect(checkPool({ state: 1_001, timers: 0, effects: 0 }, limits)).toMatchObject({ code: ErrorCode.STATE_TOO_LARGE });
    const over = checkPool({ state: 900, timers: 3_000, effects: 2_000 }, limits);
    expect(over).toMatchObject({ code: ErrorCode.BUDGET_EXCEEDED, message: expect.stringMatching(/pending timers 2\.9 KiB \+ unfinished effects 2\.0 KiB/) });
  });
});

describe('carried input from earlier runtimes', () => {
  it('turns full-signal timers and deferred runs into today’s form', () => {
    const signal = createSignal('accumulator.add', { amount: 5 }, { source: '/agent/a' });
    const deferred = run({ activity: 'measureNode', onResult: 'probe.measured' });
    const c = normaliseCarried({
      seen: [],
      inbox: [],
      deadLetters: [],
      timers: [{ fireAt: 1234, signal }],
      deferredRuns: [deferred],
      stats: { signalsApplied: 1, duplicatesIgnored: 0, generation: 1 },
    });
    expect(c?.timers).toEqual([{ at: 1234, seq: 0, signal: { type: 'accumulator.add', data: { amount: 5 }, source: '/agent/a' } }]);
    expect(c?.effects).toEqual([deferred]);
    expect(c?.results).toEqual([]);
  });
});

const noKinds = (): undefined => undefined;

describe('admission of directives (what Temporal would refuse, refused before anything applies)', () => {
  const kinds = (name: string) => (name === 'accumulator' ? accumulatorAgent : undefined);

  it('refuses names Temporal would refuse: over-long or blank agent ids, topics, nodes, activity names', () => {
    const long = 'x'.repeat(995);
    expect(checkDirectives([emit.toAgent(long, { type: 'a.b' })], noKinds)?.message).toMatch(/agent id is 995 bytes, over the limit of 994/);
    expect(checkDirectives([emit.toTopic('has space', { type: 'a.b' })], noKinds)?.message).toMatch(/topic name "has space" has whitespace/);
    expect(checkDirectives([spawn({ agentKind: 'accumulator', agentId: 'c', node: 'n'.repeat(256) })], kinds)?.message).toMatch(/node name is 256 bytes/);
    expect(checkDirectives([run({ activity: 'a'.repeat(256), onResult: 'x.done' })], noKinds)?.message).toMatch(/activity name is 256 bytes/);
  });

  it('refuses a signal that would not make a Jido envelope (empty-string data) when emitted or scheduled', () => {
    expect(checkDirectives([emit.toAgent('b', { type: 'a.b', data: '' })], noKinds)).toMatchObject({ code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/directive 0 \(emit\).*data/) });
    expect(checkDirectives([{ kind: 'schedule', delayMs: 1, signal: { type: 'a.b', data: '' } }], noKinds)?.message).toMatch(/directive 0 \(schedule\)/);
  });

  it('refuses a spawn of an unknown kind or with a state failing its schema, naming which', () => {
    expect(checkDirectives([spawn({ agentKind: 'wizard', agentId: 'w' })], kinds)).toMatchObject({ code: ErrorCode.UNKNOWN_KIND });
    expect(checkDirectives([spawn({ agentKind: 'accumulator', agentId: 'c', state: { total: 'x' } })], kinds)).toMatchObject({ code: ErrorCode.INVALID_STATE });
    expect(checkDirectives([emit.toAgent('b', { type: 'a.b', data: { ok: 1 } }), spawn({ agentKind: 'accumulator', agentId: 'c', state: { total: 1, count: 0 } })], kinds)).toBeUndefined();
  });
});

describe('node-internal activities', () => {
  it('are refused in a run directive', () => {
    for (const activity of NODE_INTERNAL_ACTIVITIES) {
      expect(checkDirectives([run({ activity, onResult: 'x.done' })], noKinds)).toMatchObject({ code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/node-internal/) });
    }
    expect(checkDirectives([run({ activity: 'measureNode', onResult: 'x.done' })], noKinds)).toBeUndefined();
  });

  it('cover every activity of the node host', () => {
    expect(Object.keys(createHostActivities(new AgentHost('n'))).sort()).toEqual([...NODE_INTERNAL_ACTIVITIES].sort());
  });

  it('fail without retry, with a code, when the agent is not mounted or the input is malformed', async () => {
    const acts = createHostActivities(new AgentHost('node-x'));
    await expect(acts.hostCheckpoint({ agentId: 'ghost' })).rejects.toMatchObject({ type: ErrorCode.AGENT_NOT_MOUNTED, nonRetryable: true });
    await expect(acts.hostMount({ agentId: '', kind: 'k', state: {} })).rejects.toMatchObject({ type: ErrorCode.INVALID_INPUT, nonRetryable: true });
  });
});

describe('topic fan-out', () => {
  it('refuses what would outgrow its carried budget, and counts bytes back down as it goes', () => {
    const f = new Fanout(size);
    expect(f.publish({ id: 'big', data: 'x'.repeat(TOPIC_BUDGET.opsBytes) })).toBe('too-large');
    expect(f.publish({ id: 'big', data: 'small' })).toBe('queued'); // a refused id is not remembered as published
    const many = Array.from({ length: 30_000 }, (_, i) => `subscriber-with-a-long-name-${i}`);
    expect(f.subscribe(many)).toBe('too-large');
    expect(f.subscribe(many.slice(0, 1_000))).toBe('queued');
    for (let s = f.next(); s !== undefined; s = f.next()) void s;
    expect(f.bytes.ops).toBe(0);
    expect(f.bytes.subscribers).toBe(many.slice(0, 1_000).reduce((n, id) => n + size(id), 0));
  });

  const drainAll = (f: Fanout): Array<[string, unknown]> => {
    const out: Array<[string, unknown]> = [];
    for (let s = f.next(); s !== undefined; s = f.next()) out.push([s.agentId, s.signal]);
    return out;
  };

  it('sends each publication to every subscriber, in order, and subscription changes between publications', () => {
    const f = new Fanout(size);
    f.subscribe(['a', 'b']);
    f.publish({ id: '1' });
    f.subscribe(['c']);
    f.unsubscribe(['a']);
    f.publish({ id: '2' });
    expect(drainAll(f)).toEqual([
      ['a', { id: '1' }],
      ['b', { id: '1' }],
      ['b', { id: '2' }],
      ['c', { id: '2' }],
    ]);
    expect(f.published).toBe(2);
  });

  it('resumes a fan-out where it stopped after continue-as-new', () => {
    const f = new Fanout(size);
    f.subscribe(['a', 'b', 'c']);
    f.publish({ id: '1' });
    expect(f.next()?.agentId).toBe('a');
    const g = new Fanout(size, JSON.parse(JSON.stringify(f.toJSON())));
    expect(drainAll(g).map(([id]) => id)).toEqual(['b', 'c']);
  });

  it('ignores a publication it has already seen, and skips a subscriber dropped mid-fan-out', () => {
    const f = new Fanout(size);
    f.subscribe(['a', 'b', 'c']);
    expect(f.publish({ id: 'x' })).toBe('queued');
    expect(f.publish({ id: 'x' })).toBe('duplicate');
    expect(f.next()?.agentId).toBe('a');
    f.drop('a');
    f.drop('c');
    expect(drainAll(f).map(([id]) => id)).toEqual(['b']);
    expect(f.list()).toEqual(['b']);
  });
});
