/**
 * Properties of the placement library, with fast-check over random tables (random node ids, so tables come
 * in any order; statuses, breakers, loads, capabilities, labels, kinds, capacities), requests (constraints,
 * anti-affinity), strategies, options and decision counters:
 *
 * - no strategy ever returns an excluded node: not up, breaker open, over a threshold or its capacity,
 *   lacking a capability or label, avoided, not running the kind; a refusal only when nothing fits;
 * - same inputs, same decision; and the table's order does not matter;
 * - every decision replays to its node from what it recorded, also over 64 candidates, and stays bounded;
 * - bounded-load hashing never places on a node at or over its bound, and moves nothing needlessly;
 * - round robin visits every candidate once per n decisions; weighted round robin gives each node exactly
 *   its weight per cycle of sum(weights) decisions;
 * - best-of strategies pick the true best; power of k the cheapest of its sample;
 * - circuit breakers agree with a straightforward model of the rules.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  agentKey,
  BREAKER_DEFAULTS,
  capacityScore,
  CLOSED,
  currentState,
  eligibleNodes,
  hashWeight,
  latencyMs,
  loadBound,
  place,
  RECORDED_CANDIDATES,
  RECORDED_EXCLUSIONS,
  recordFailure,
  recordSuccess,
  replayDecision,
  STRATEGY_NAMES,
  weightedScoreOf,
  weightOf,
  type BreakerRecord,
  type PlacementDecision,
  type PlacementNode,
  type PlacementRequest,
  type PlacementTable,
  type StrategyName,
  type StrategyOptions,
} from '../../src/placement/index.js';

const STATUSES = ['up', 'up', 'up', 'up', 'suspect', 'quarantined', 'draining', 'down', 'left', 'joining'] as const;
const CAPABILITIES = ['gpu', 'ssd', 'arm'];

const rowArb = fc.record({
  status: fc.constantFrom(...STATUSES),
  breaker: fc.constantFrom(undefined, undefined, 'closed', 'open', 'half-open' as const),
  agents: fc.nat({ max: 200 }),
  maxAgents: fc.integer({ min: 1, max: 300 }),
  cpus: fc.integer({ min: 1, max: 16 }),
  memoryBytes: fc.constantFrom(4e9, 8e9, 16e9, 64e9),
  load: fc.option(
    fc.record({ cpu: fc.double({ min: 0, max: 1, noNaN: true }), memory: fc.double({ min: 0, max: 1, noNaN: true }), latency: fc.nat({ max: 500 }), lag: fc.nat({ max: 50 }) }),
    { freq: 5 },
  ),
  network: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 2 }),
  capabilities: fc.subarray(CAPABILITIES),
  zone: fc.constantFrom('a', 'b'),
  runsMemo: fc.constantFrom(true, true, true, false),
});
type Row = typeof rowArb extends fc.Arbitrary<infer R> ? R : never;

function toNode(nodeId: string, r: Row): PlacementNode {
  const n: PlacementNode = {
    nodeId,
    incarnation: 1,
    status: r.status,
    capabilities: r.capabilities,
    labels: { zone: r.zone },
    kinds: r.runsMemo ? ['acc', 'memo'] : ['acc'],
    capacity: { cpus: r.cpus, memoryBytes: r.memoryBytes, maxAgents: r.maxAgents },
    agents: r.agents,
  };
  if (r.breaker !== undefined) n.breaker = r.breaker;
  if (r.load !== null) n.load = { cpu: r.load.cpu, memory: r.load.memory, hostedAgents: r.agents, activityLatencyMs: r.load.latency, eventLoopLagMs: r.load.lag, at: 0 };
  if (r.network !== null) n.network = r.network;
  return n;
}

const idArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
/** Tables of `min`–`max` nodes with random (so unsorted) unique ids. */
const tableArb = (min: number, max: number): fc.Arbitrary<PlacementTable> =>
  fc
    .uniqueArray(idArb, { minLength: min, maxLength: max })
    .chain((ids) => fc.tuple(fc.constant(ids), fc.array(rowArb, { minLength: ids.length, maxLength: ids.length }), fc.nat({ max: 1_000 })))
    .map(([ids, rows, version]) => ({ version, at: 0, nodes: ids.map((id, i) => toNode(id, rows[i] as Row)) }));

const requestArb = (t: PlacementTable): fc.Arbitrary<PlacementRequest> =>
  fc
    .record({
      agentId: fc.string({ minLength: 1, maxLength: 16 }),
      capabilities: fc.option(fc.subarray(CAPABILITIES, { maxLength: 2 }), { freq: 2 }),
      zone: fc.option(fc.constantFrom('a', 'b'), { freq: 3 }),
      avoid: fc.option(fc.subarray(t.nodes.map((n) => n.nodeId), { maxLength: Math.min(3, t.nodes.length) }), { freq: 3 }),
    })
    .map(({ agentId, capabilities, zone, avoid }) => {
      const constraints: NonNullable<PlacementRequest['constraints']> = {};
      if (capabilities !== null) constraints.capabilities = capabilities;
      if (zone !== null) constraints.labels = { zone };
      if (avoid !== null) constraints.avoidNodes = avoid;
      return Object.keys(constraints).length === 0 ? { agentId, kind: 'memo' } : { agentId, kind: 'memo', constraints };
    });

const strategyArb = fc.constantFrom(...STRATEGY_NAMES);
const optionsArb: fc.Arbitrary<StrategyOptions | undefined> = fc.option(
  fc.record({ k: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant('sqrt' as const)), loadFactor: fc.double({ min: 1, max: 3, noNaN: true }) }, { requiredKeys: [] }),
  { freq: 3, nil: undefined },
);
const limitsArb = fc.option(fc.record({ cpu: fc.double({ min: 0.1, max: 1, noNaN: true }), memory: fc.double({ min: 0.1, max: 1, noNaN: true }) }, { requiredKeys: [] }), { nil: undefined });
const seqArb = fc.oneof(fc.nat({ max: 1_000 }), fc.nat());

const scenario = (min: number, max: number) =>
  tableArb(min, max).chain((t) => fc.record({ t: fc.constant(t), request: requestArb(t), strategy: strategyArb, seq: seqArb, options: optionsArb, limits: limitsArb }));

const ctxOf = (seq: number, options: StrategyOptions | undefined) => (options === undefined ? { seq } : { seq, options });
const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const byId = (t: PlacementTable, id: string): PlacementNode => t.nodes.find((n) => n.nodeId === id) as PlacementNode;
/** A seeded shuffle (fast-check drives the seed). */
function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('placement properties', () => {
  it('no strategy ever returns an excluded node; a refusal comes only when no node fits, and names them', () => {
    fc.assert(
      fc.property(scenario(0, 24), ({ t, request, strategy, seq, options, limits }) => {
        const d = place(t, request, strategy, ctxOf(seq, options), limits);
        const { candidates, excluded } = eligibleNodes(t, request, limits);
        if (!d.ok) {
          expect(candidates).toHaveLength(0);
          expect(d.cause).toBe(t.nodes.length === 0 ? 'no-nodes' : 'no-node-fits');
          for (const e of excluded.slice(0, 8)) expect(d.reason).toContain(`${e.nodeId} ${e.reason}`);
          return;
        }
        const n = byId(t, d.node);
        const cpu = limits?.cpu ?? 0.8;
        const memory = limits?.memory ?? 0.85;
        expect(candidates).toContain(n);
        expect(n.status).toBe('up');
        expect(n.breaker).not.toBe('open');
        expect(n.kinds).toContain('memo');
        expect(n.agents).toBeLessThan(n.capacity.maxAgents);
        if (n.load !== undefined) expect(n.load.cpu <= cpu && n.load.memory <= memory).toBe(true);
        for (const c of request.constraints?.capabilities ?? []) expect(n.capabilities).toContain(c);
        for (const [k, v] of Object.entries(request.constraints?.labels ?? {})) expect(n.labels[k]).toBe(v);
        expect(request.constraints?.avoidNodes ?? []).not.toContain(n.nodeId);
        expect(excluded.map((e) => e.nodeId)).not.toContain(n.nodeId);
      }),
      { numRuns: 500 },
    );
  });

  it('same inputs give the same decision, and the order of the table does not matter', () => {
    fc.assert(
      fc.property(scenario(1, 24), fc.nat(), ({ t, request, strategy, seq, options, limits }, seed) => {
        const d = place(t, request, strategy, ctxOf(seq, options), limits);
        expect(place(roundTrip(t), roundTrip(request), strategy, ctxOf(seq, options), limits)).toEqual(d);
        const permuted = place({ ...t, nodes: shuffle(t.nodes, seed) }, request, strategy, ctxOf(seq, options), limits);
        if (d.ok && permuted.ok) {
          expect(permuted.node).toBe(d.node);
          expect(permuted.candidates).toEqual(d.candidates);
        } else expect(permuted.ok).toBe(d.ok);
      }),
      { numRuns: 300 },
    );
  });

  it('every decision replays to its node from what it recorded, and what it records is bounded', () => {
    const check = (d: PlacementDecision): void => {
      expect(replayDecision(roundTrip(d))).toBe(d.node);
      expect(d.candidates.length).toBeLessThanOrEqual(RECORDED_CANDIDATES);
      expect(d.excluded.length).toBeLessThanOrEqual(RECORDED_EXCLUSIONS);
      const recorded = d.candidates.map((c) => c.nodeId);
      expect(recorded).toContain(d.node);
      for (const id of Object.keys(d.scores)) expect(recorded).toContain(id);
      expect(recorded).toEqual([...recorded].sort((a, b) => (a < b ? -1 : 1)));
      expect(d.complete).toBe(d.summary === undefined);
    };
    fc.assert(
      fc.property(scenario(1, 24), ({ t, request, strategy, seq, options, limits }) => {
        const d = place(t, request, strategy, ctxOf(seq, options), limits);
        if (d.ok) check(d);
      }),
      { numRuns: 300 },
    );
    // Large tables: more than 64 candidates, so the decision keeps only what decided it.
    const large = tableArb(70, 260).map((t) => ({ ...t, nodes: t.nodes.map((n) => ({ ...n, status: 'up' as const, breaker: undefined, agents: n.agents % n.capacity.maxAgents, load: undefined, kinds: ['memo'] })) }));
    fc.assert(
      fc.property(large, strategyArb, seqArb, optionsArb, fc.string({ minLength: 1, maxLength: 10 }), (t, strategy, seq, options, agentId) => {
        const d = place(t, { agentId, kind: 'memo' }, strategy, ctxOf(seq, options));
        if (!d.ok) throw new Error(d.reason);
        expect(d.complete).toBe(false);
        check(d);
      }),
      { numRuns: 150 },
    );
  });

  it('bounded-load hashing never places on a node at or over its bound', () => {
    fc.assert(
      fc.property(scenario(1, 30), fc.double({ min: 1, max: 3, noNaN: true }), ({ t, request, seq, limits }, loadFactor) => {
        const d = place(t, request, 'consistent-hashing', { seq, options: { loadFactor } }, limits);
        if (!d.ok) return;
        const { candidates } = eligibleNodes(t, request, limits);
        expect(byId(t, d.node).agents).toBeLessThan(loadBound(candidates, loadFactor));
      }),
      { numRuns: 400 },
    );
  });

  it('consistent hashing moves an agent only when its node leaves, or a newcomer outranks it (loads under the bound)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { minLength: 3, maxLength: 20 }), fc.string({ minLength: 1 }), idArb, (ids, agentId, newcomer) => {
        const nodes = ids.map((id) => toNode(id, { status: 'up', breaker: undefined, agents: 0, maxAgents: 10, cpus: 1, memoryBytes: 4e9, load: null, network: null, capabilities: [], zone: 'a', runsMemo: true }));
        const at = (ns: PlacementNode[]) => {
          const d = place({ version: 1, at: 0, nodes: ns }, { agentId, kind: 'memo' }, 'consistent-hashing', { seq: 0 });
          if (!d.ok) throw new Error(d.reason);
          return d.node;
        };
        const home = at(nodes);
        for (const gone of ids.filter((id) => id !== home)) expect(at(nodes.filter((n) => n.nodeId !== gone))).toBe(home);
        if (!ids.includes(newcomer)) {
          const moved = at([...nodes, { ...(nodes[0] as PlacementNode), nodeId: newcomer }]);
          expect([home, newcomer]).toContain(moved);
          expect(moved === newcomer).toBe(hashWeight(newcomer, agentKey(agentId)) > hashWeight(home, agentKey(agentId)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('round robin visits every candidate exactly once in any n consecutive decisions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { minLength: 1, maxLength: 90 }), fc.nat({ max: 2 ** 40 }), (ids, start) => {
        const t: PlacementTable = { version: 1, at: 0, nodes: ids.map((id) => toNode(id, { status: 'up', breaker: undefined, agents: 0, maxAgents: 10, cpus: 1, memoryBytes: 4e9, load: null, network: null, capabilities: [], zone: 'a', runsMemo: true })) };
        const seen = Array.from({ length: ids.length }, (_, k) => {
          const d = place(t, { agentId: 'x', kind: 'memo' }, 'round-robin', { seq: start + k });
          if (!d.ok) throw new Error(d.reason);
          return d.node;
        });
        expect([...seen].sort()).toEqual([...ids].sort());
      }),
      { numRuns: 150 },
    );
  });

  it('weighted round robin chooses each node exactly its weight (cores) times in any sum(weights) consecutive decisions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { minLength: 1, maxLength: 12 }).chain((ids) => fc.tuple(fc.constant(ids), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: ids.length, maxLength: ids.length }))), fc.nat({ max: 2 ** 40 }), ([ids, cores], start) => {
        const nodes = ids.map((id, i) => toNode(id, { status: 'up', breaker: undefined, agents: 0, maxAgents: 10, cpus: cores[i] as number, memoryBytes: 4e9, load: null, network: null, capabilities: [], zone: 'a', runsMemo: true }));
        const total = nodes.reduce((a, n) => a + weightOf(n), 0);
        const counts: Record<string, number> = {};
        for (let k = 0; k < total; k++) {
          const d = place({ version: 1, at: 0, nodes }, { agentId: 'x', kind: 'memo' }, 'weighted-round-robin', { seq: start + k });
          if (!d.ok) throw new Error(d.reason);
          counts[d.node] = (counts[d.node] ?? 0) + 1;
        }
        expect(counts).toEqual(Object.fromEntries(nodes.map((n) => [n.nodeId, weightOf(n)])));
      }),
      { numRuns: 150 },
    );
  });

  it('best-of strategies pick the true best (ties to the smallest id), over any number of candidates', () => {
    const value: Partial<Record<StrategyName, [(n: PlacementNode, r: PlacementRequest) => number, boolean]>> = {
      'least-connections': [(n) => n.agents, false],
      'capacity-aware': [capacityScore, true],
      'latency-aware': [latencyMs, false],
      'weighted-score': [(n, r) => weightedScoreOf(n, r.constraints?.capabilities ?? []), true],
    };
    fc.assert(
      fc.property(fc.oneof(scenario(1, 24), scenario(60, 140)), ({ t, request, seq, limits }) => {
        for (const [strategy, [f, higher]] of Object.entries(value) as [StrategyName, [(n: PlacementNode, r: PlacementRequest) => number, boolean]][]) {
          const d = place(t, request, strategy, { seq }, limits);
          if (!d.ok) return;
          const { candidates } = eligibleNodes(t, request, limits);
          const best = [...candidates].sort((a, b) => (f(a, request) === f(b, request) ? (a.nodeId < b.nodeId ? -1 : 1) : higher ? f(b, request) - f(a, request) : f(a, request) - f(b, request)))[0] as PlacementNode;
          expect({ strategy, node: d.node }).toEqual({ strategy, node: best.nodeId });
          expect(d.score).toBe(f(best, request));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('power of k samples min(k, candidates) distinct candidates and takes the cheapest of them', () => {
    fc.assert(
      fc.property(scenario(1, 90), fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant('sqrt' as const)), ({ t, request, seq, limits }, k) => {
        const d = place(t, request, 'power-of-k', { seq, options: { k } }, limits);
        if (!d.ok) return;
        const n = eligibleNodes(t, request, limits).candidates.length;
        const want = Math.min(k === 'sqrt' ? Math.ceil(Math.sqrt(n)) : k, n);
        const costs = Object.entries(d.scores);
        expect(costs).toHaveLength(want);
        expect(d.score).toBe(Math.min(...costs.map(([, c]) => c)));
        expect(d.node).toBe(costs.filter(([, c]) => c === d.score).map(([id]) => id).sort()[0]);
      }),
      { numRuns: 200 },
    );
  });

  it('circuit breakers agree with a model of the rules, and keep their records bounded', () => {
    const eventArb = fc.array(fc.record({ dt: fc.oneof(fc.nat({ max: 2_000 }), fc.nat({ max: 40_000 })), ok: fc.boolean() }), { maxLength: 80 });
    fc.assert(
      fc.property(eventArb, (events) => {
        const cfg = BREAKER_DEFAULTS;
        // The model: every failure time since the last reset, and when it opened.
        let model: { open: boolean; openedAt: number; failures: number[] } = { open: false, openedAt: 0, failures: [] };
        const modelState = (now: number) => (!model.open ? 'closed' : now - model.openedAt >= cfg.cooldownMs ? 'half-open' : 'open');
        let b: BreakerRecord = CLOSED;
        let now = 1_000_000;
        for (const e of events) {
          now += e.dt;
          const before = modelState(now);
          if (e.ok) {
            if (before !== 'open') model = { open: false, openedAt: 0, failures: [] };
            b = recordSuccess(b, now);
          } else {
            if (before === 'half-open') model = { open: true, openedAt: now, failures: [] };
            else if (before === 'closed') {
              const inWindow = [...model.failures, now].filter((f) => now - f < cfg.windowMs);
              model = inWindow.length >= cfg.failureThreshold ? { open: true, openedAt: now, failures: [] } : { open: false, openedAt: 0, failures: inWindow };
            }
            b = recordFailure(b, now);
          }
          expect(currentState(b, now)).toBe(modelState(now));
          expect(currentState(b, now + cfg.cooldownMs)).toBe(modelState(now + cfg.cooldownMs));
          expect((b.recent ?? []).length).toBeLessThan(cfg.failureThreshold);
          expect(roundTrip(b)).toStrictEqual(b);
        }
      }),
      { numRuns: 300 },
    );
  });
});
