/**
 * The pure placement library and the rebalance planner: hand-computed cases for every strategy, the
 * constraints, refusals, breakers, resources and replay; properties with fast-check (no strategy returns an
 * excluded node, bounded-load hashing keeps its bound, decisions replay, the planner's moves are minimal).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BREAKER_DEFAULTS,
  CLOSED,
  STRATEGIES,
  currentState,
  eligibleNodes,
  loadBound,
  place,
  recordFailure,
  recordSuccess,
  replayDecision,
  type PlacementDecision,
  type PlacementNode,
  type PlacementTable,
  type StrategyName,
} from '../../src/placement/index.js';
import { checkQuota, nodeFits, overloaded, RESOURCE_DEFAULTS } from '../../src/placement/resources.js';
import { imbalance, minimumMoves, planRebalance, shouldRebalance, type PlannerAgent } from '../../src/rebalance/planner.js';

const NAMES = Object.keys(STRATEGIES) as StrategyName[];

function node(nodeId: string, over: Partial<PlacementNode> = {}): PlacementNode {
  return {
    nodeId,
    incarnation: 1,
    status: 'up',
    capabilities: [],
    labels: {},
    kinds: ['memo', 'acc'],
    capacity: { cpus: 2, memoryBytes: 8e9, maxAgents: 1_000 },
    agents: 0,
    load: { cpu: 0.2, memory: 0.3, hostedAgents: 0, activityLatencyMs: 5, eventLoopLagMs: 1, at: 0 },
    ...over,
  };
}
const table = (nodes: PlacementNode[], version = 1): PlacementTable => ({ version, at: 0, nodes });
const req = { agentId: 'a1', kind: 'memo' };
const decide = (t: PlacementTable, s: StrategyName, seq = 0, r = req) => {
  const d = place(t, r, s, { seq });
  if (!d.ok) throw new Error(d.reason);
  return d;
};

describe('constraints', () => {
  it('exclude every node that is not up, has an open breaker, lacks what is required, is avoided, or is over a limit — each with its reason', () => {
    const nodes = [
      node('n-suspect', { status: 'suspect' }),
      node('n-quarantined', { status: 'quarantined' }),
      node('n-draining', { status: 'draining' }),
      node('n-open', { breaker: 'open' }),
      node('n-half', { breaker: 'half-open' }),
      node('n-hot', { load: { cpu: 0.95, memory: 0.3, hostedAgents: 0, activityLatencyMs: 0, eventLoopLagMs: 0, at: 0 } }),
      node('n-full', { agents: 10, capacity: { cpus: 1, memoryBytes: 1, maxAgents: 10 } }),
      node('n-nokind', { kinds: ['acc'] }),
      node('n-gpu', { capabilities: ['gpu'], labels: { zone: 'a' } }),
      node('n-zoneb', { capabilities: ['gpu'], labels: { zone: 'b' } }),
    ];
    const { candidates, excluded } = eligibleNodes(nodes, { agentId: 'x', kind: 'memo', constraints: { capabilities: ['gpu'], labels: { zone: 'a' }, avoidNodes: ['n-half'] } });
    expect(candidates.map((n) => n.nodeId)).toEqual(['n-gpu']);
    const why = Object.fromEntries(excluded.map((e) => [e.nodeId, e.reason]));
    expect(why).toMatchObject({
      'n-suspect': 'is suspect',
      'n-quarantined': 'is quarantined',
      'n-draining': 'is draining',
      'n-open': 'has its circuit breaker open',
      'n-half': 'is avoided by the request',
      'n-zoneb': 'has label zone="b", not "a"',
    });
    expect(why['n-hot']).toMatch(/lacks capability "gpu"/); // the first rule that fails is named
    expect(eligibleNodes(nodes, { agentId: 'x', kind: 'memo' }).excluded.find((e) => e.nodeId === 'n-hot')?.reason).toMatch(/over its cpu threshold \(0.95 > 0.8\)/);
    expect(eligibleNodes(nodes, { agentId: 'x', kind: 'memo' }).excluded.find((e) => e.nodeId === 'n-full')?.reason).toBe('is at its capacity of 10 agents');
    expect(eligibleNodes(nodes, { agentId: 'x', kind: 'memo' }).excluded.find((e) => e.nodeId === 'n-nokind')?.reason).toBe('cannot run kind "memo"');
  });

  it('refuse clearly when nothing fits, when the cluster is empty, or for an unknown strategy', () => {
    expect(place(table([]), req, 'round-robin', { seq: 0 })).toMatchObject({ ok: false, reason: 'no nodes in the cluster to place agent "a1" on' });
    expect(place(table([node('a', { status: 'down' }), node('b', { kinds: [] })]), req, 'round-robin', { seq: 0 })).toMatchObject({
      ok: false,
      reason: 'no node can take agent "a1" of kind "memo": a is down; b cannot run kind "memo"',
    });
    expect(place(table([node('a')]), req, 'random-ish', { seq: 0 })).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown placement strategy "random-ish"/) });
  });
});

describe('strategies (hand-computed)', () => {
  const loaded = (id: string, cpu: number, memory: number, agents: number, latency = 5, cpus = 2) =>
    node(id, { agents, capacity: { cpus, memoryBytes: 8e9, maxAgents: 1_000 }, load: { cpu, memory, hostedAgents: agents, activityLatencyMs: latency, eventLoopLagMs: 0, at: 0 } });
  const t = table([loaded('a', 0.7, 0.5, 40, 20, 1), loaded('b', 0.1, 0.6, 90, 3, 4), loaded('c', 0.3, 0.2, 10, 50, 2)]);

  it('round robin takes the candidates in id order, one per decision', () => {
    expect([0, 1, 2, 3].map((seq) => decide(t, 'round-robin', seq).node)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('weighted round robin gives each node its cores\' share of any sum(weights) consecutive decisions', () => {
    const counts: Record<string, number> = {};
    for (let seq = 100; seq < 107; seq++) counts[decide(t, 'weighted-round-robin', seq).node] = (counts[decide(t, 'weighted-round-robin', seq).node] ?? 0) + 1;
    expect(counts).toEqual({ a: 1, b: 4, c: 2 });
  });

  it('least connections, capacity-aware, latency-aware and the seeds\' weighted score', () => {
    expect(decide(t, 'least-connections').node).toBe('c');
    // capacity: a .4·.3+.3·.5+.3 = .57; b .4·.9+.3·.4+.3 = .78; c .4·.7+.3·.8+.3 = .82
    const cap = decide(t, 'capacity-aware');
    expect(cap.node).toBe('c');
    expect(cap.scores.b).toBeCloseTo(0.78, 10);
    expect(decide(t, 'latency-aware').node).toBe('b');
    // weighted: a .3·.3+.3·.5+.2·.6+.1+.1 = .56; b .27+.12+.02+.2 = .61; c .21+.24+.18+.2 = .83
    const w = decide(t, 'weighted-score');
    expect(w.node).toBe('c');
    expect(w.scores.a).toBeCloseTo(0.56, 10);
    expect(w.scores.b).toBeCloseTo(0.61, 10);
  });

  it('consistent hashing keeps an agent on its node while the candidates do not change, and respects the load bound', () => {
    const first = decide(t, 'consistent-hashing', 0, { agentId: 'stable', kind: 'memo' }).node;
    expect(decide(t, 'consistent-hashing', 99, { agentId: 'stable', kind: 'memo' }).node).toBe(first);
    const bound = loadBound(t.nodes); // ceil(1.25 · 141 / 3) = 59
    expect(bound).toBe(59);
    for (let i = 0; i < 50; i++) expect(decide(t, 'consistent-hashing', i, { agentId: `agent-${i}`, kind: 'memo' }).node).not.toBe('b'); // b holds 90 ≥ 59
  });

  it('power of k samples ⌈√n⌉ candidates and takes the lowest Orleans cost', () => {
    const d = decide(t, 'power-of-k', 3);
    expect(Object.keys(d.scores)).toHaveLength(2);
    expect(d.score).toBe(Math.min(...Object.values(d.scores)));
  });
});

describe('decisions record their inputs and replay', () => {
  it('every strategy re-computes its recorded decision', () => {
    const t = table(Array.from({ length: 9 }, (_, i) => node(`n${i}`, { agents: (i * 7) % 5, capacity: { cpus: 1 + (i % 3), memoryBytes: 4e9 + i, maxAgents: 100 } })));
    for (const s of NAMES) {
      const d = decide(t, s, 17, { agentId: 'replayed', kind: 'memo' });
      expect(d.complete).toBe(true);
      expect(replayDecision(JSON.parse(JSON.stringify(d)) as PlacementDecision)).toBe(d.node);
    }
  });

  it('over 64 candidates, best-of strategies still replay from the 64 rows they keep', () => {
    const t = table(Array.from({ length: 200 }, (_, i) => node(`n${String(i).padStart(3, '0')}`, { agents: (i * 37) % 101 })));
    const d = decide(t, 'least-connections');
    expect(d.candidates).toHaveLength(64);
    expect(d.complete).toBe(true);
    expect(replayDecision(d)).toBe(d.node);
    expect(decide(t, 'round-robin', 5).complete).toBe(false);
  });
});

describe('properties', () => {
  const statusArb = fc.constantFrom('up', 'up', 'up', 'suspect', 'quarantined', 'draining', 'down', 'left', 'joining') as fc.Arbitrary<PlacementNode['status']>;
  const nodeArb = fc.record({
    status: statusArb,
    breaker: fc.constantFrom(undefined, 'closed', 'open', 'half-open') as fc.Arbitrary<PlacementNode['breaker']>,
    agents: fc.nat({ max: 200 }),
    cpus: fc.integer({ min: 1, max: 16 }),
    cpu: fc.double({ min: 0, max: 1, noNaN: true }),
    memory: fc.double({ min: 0, max: 1, noNaN: true }),
    gpu: fc.boolean(),
  });
  const tableArb = fc.array(nodeArb, { minLength: 1, maxLength: 30 }).map((rows) =>
    table(
      rows.map((r, i) =>
        node(`n${i}`, {
          status: r.status,
          ...(r.breaker !== undefined ? { breaker: r.breaker } : {}),
          agents: r.agents,
          capabilities: r.gpu ? ['gpu'] : [],
          capacity: { cpus: r.cpus, memoryBytes: 8e9, maxAgents: 150 },
          load: { cpu: r.cpu, memory: r.memory, hostedAgents: r.agents, activityLatencyMs: r.agents, eventLoopLagMs: 0, at: 0 },
        }),
      ),
    ),
  );

  it('no strategy ever returns an excluded node (not up, open breaker, over a limit, lacking a requirement); each is deterministic and replays', () => {
    fc.assert(
      fc.property(tableArb, fc.constantFrom(...NAMES), fc.nat(), fc.string({ minLength: 1, maxLength: 12 }), fc.boolean(), (t, s, seq, agentId, gpu) => {
        const request = { agentId, kind: 'memo', ...(gpu ? { constraints: { capabilities: ['gpu'] } } : {}) };
        const d = place(t, request, s, { seq });
        const { candidates } = eligibleNodes(t.nodes, request);
        if (!d.ok) return candidates.length === 0;
        const n = t.nodes.find((x) => x.nodeId === d.node) as PlacementNode;
        const again = place(t, request, s, { seq });
        return candidates.some((c) => c.nodeId === d.node) && n.status === 'up' && n.breaker !== 'open' && again.ok && again.node === d.node && replayDecision(d) === d.node;
      }),
      { numRuns: 400 },
    );
  });

  it('bounded-load hashing never places on a node at or over its bound', () => {
    fc.assert(
      fc.property(tableArb, fc.string({ minLength: 1 }), (t, agentId) => {
        const d = place(t, { agentId, kind: 'memo' }, 'consistent-hashing', { seq: 0 });
        if (!d.ok) return true;
        const { candidates } = eligibleNodes(t.nodes, { agentId, kind: 'memo' });
        return (candidates.find((c) => c.nodeId === d.node) as PlacementNode).agents < loadBound(candidates);
      }),
      { numRuns: 300 },
    );
  });

  it('round robin visits every candidate once in n consecutive decisions; weighted round robin gives exactly the weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 1_000 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }), (n, start, weights) => {
        const rr = table(Array.from({ length: n }, (_, i) => node(`r${i}`)));
        const seen = new Set(Array.from({ length: n }, (_, k) => decide(rr, 'round-robin', start + k).node));
        const w = table(weights.map((c, i) => node(`w${i}`, { capacity: { cpus: c, memoryBytes: 1, maxAgents: 10 } })));
        const total = weights.reduce((a, b) => a + b, 0);
        const counts: Record<string, number> = {};
        for (let k = 0; k < total; k++) {
          const id = decide(w, 'weighted-round-robin', start + k).node;
          counts[id] = (counts[id] ?? 0) + 1;
        }
        return seen.size === n && weights.every((c, i) => counts[`w${i}`] === c);
      }),
      { numRuns: 200 },
    );
  });
});

describe('breakers', () => {
  it('open after 5 failures within the window, half-open after the cooldown, closed by a success, re-opened by a failure', () => {
    let b = CLOSED;
    for (let i = 0; i < 4; i++) b = recordFailure(b, 1_000 + i);
    expect(b.state).toBe('closed');
    b = recordFailure(b, 1_010);
    expect(currentState(b, 1_011)).toBe('open');
    expect(currentState(b, 1_010 + BREAKER_DEFAULTS.cooldownMs)).toBe('half-open');
    expect(recordFailure(b, 1_010 + BREAKER_DEFAULTS.cooldownMs)).toMatchObject({ state: 'open', openedAt: 1_010 + BREAKER_DEFAULTS.cooldownMs });
    expect(recordSuccess(b, 1_010 + BREAKER_DEFAULTS.cooldownMs)).toEqual(CLOSED);
    // Failures spread over more than the window never open it.
    let slow = CLOSED;
    for (let i = 0; i < 10; i++) slow = recordFailure(slow, i * 40_000);
    expect(slow.state).toBe('closed');
  });
});

describe('resources', () => {
  it('quotas per kind and per tenant refuse with the quota named; thresholds say what a node is over', () => {
    const cfg = { ...RESOURCE_DEFAULTS, quotas: { perKind: { memo: 2 }, perTenant: { acme: 1 } } };
    expect(checkQuota(cfg, { byKind: { memo: 1 }, byTenant: {} }, { agentId: 'x', kind: 'memo' })).toEqual({ ok: true });
    expect(checkQuota(cfg, { byKind: { memo: 2 }, byTenant: {} }, { agentId: 'x', kind: 'memo' })).toEqual({ ok: false, reason: 'quota for kind "memo" reached (2 of 2)' });
    expect(checkQuota(cfg, { byKind: {}, byTenant: { acme: 1 } }, { agentId: 'x', kind: 'acc', tenant: 'acme' })).toEqual({ ok: false, reason: 'quota for tenant "acme" reached (1 of 1)' });
    const hot = node('h', { agents: 5, capacity: { cpus: 1, memoryBytes: 1, maxAgents: 5 }, load: { cpu: 0.9, memory: 0.9, hostedAgents: 5, activityLatencyMs: 0, eventLoopLagMs: 0, at: 0 } });
    expect(overloaded(hot).map((o) => o.metric)).toEqual(['cpu', 'memory', 'agents']);
    expect(nodeFits(hot)).toBe(false);
    expect(nodeFits(node('ok'))).toBe(true);
  });
});

describe('rebalance planner', () => {
  const agentsOn = (nodeId: string, n: number, prefix = nodeId): PlannerAgent[] => Array.from({ length: n }, (_, i) => ({ agentId: `${prefix}-${String(i).padStart(4, '0')}`, node: nodeId, kind: 'memo' }));
  const open = { maxMovesPerRound: 1_000, maxMovesFraction: 1 };

  it('one hot node over four: the minimum number of moves, every node in the band afterwards', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => node(id));
    const agents = agentsOn('a', 1_000);
    const plan = planRebalance({ nodes, agents, config: open, now: 0 });
    expect(minimumMoves({ nodes, agents, config: open, now: 0 })).toBe(725);
    expect(plan.moves).toHaveLength(725);
    expect(plan.after.maxDeviation).toBeLessThanOrEqual(0.1);
    expect(new Set(plan.moves.map((m) => m.agentId)).size).toBe(725);
    expect(shouldRebalance(nodes, agents, 0.25)).toBe(true);
  });

  it('evacuates a quarantined node first, respects constraints, cooldown, pins and the round\'s limits', () => {
    const nodes = [node('a'), node('b', { capabilities: ['gpu'] }), node('q', { status: 'quarantined' })];
    const agents: PlannerAgent[] = [
      ...agentsOn('q', 3),
      { agentId: 'needs-gpu', node: 'a', kind: 'memo', constraints: { capabilities: ['gpu'] } },
      { agentId: 'pinned', node: 'a', kind: 'memo', pinned: true },
      { agentId: 'recent', node: 'a', kind: 'memo', lastMovedAt: 9_000 },
      ...agentsOn('a', 6),
    ];
    const plan = planRebalance({ nodes, agents, config: { ...open, cooldownMs: 5_000 }, now: 10_000 });
    const moved = new Map(plan.moves.map((m) => [m.agentId, m.to]));
    expect(plan.moves.slice(0, 3).map((m) => m.from)).toEqual(['q', 'q', 'q']);
    expect(moved.has('pinned')).toBe(false);
    expect(moved.has('recent')).toBe(false);
    expect(plan.skipped).toContainEqual({ agentId: 'recent', reason: expect.stringMatching(/cooldown/) });
    if (moved.has('needs-gpu')) expect(moved.get('needs-gpu')).toBe('b');
    expect(plan.moves.every((m) => m.to !== 'q')).toBe(true);
    const limited = planRebalance({ nodes, agents, config: { maxMovesPerRound: 2, maxMovesFraction: 1 }, now: 10_000 });
    expect(limited).toMatchObject({ limitedBy: 'maxMovesPerRound' });
    expect(limited.moves).toHaveLength(2);
  });

  it('an empty cluster, or one with no eligible node, plans nothing and says why', () => {
    expect(planRebalance({ nodes: [], agents: [], now: 0 })).toMatchObject({ moves: [], reason: 'the cluster has no nodes' });
    expect(planRebalance({ nodes: [node('a', { status: 'quarantined' })], agents: agentsOn('a', 3), now: 0 })).toMatchObject({ moves: [], reason: expect.stringMatching(/no node can take agents/) });
    expect(planRebalance({ nodes: [node('a'), node('b')], agents: [...agentsOn('a', 5), ...agentsOn('b', 5)], now: 0 })).toMatchObject({ moves: [], reason: expect.stringMatching(/balanced/) });
    expect(imbalance([node('a'), node('b')], agentsOn('a', 4))).toMatchObject({ mean: 2, max: 4, min: 0, maxDeviation: 1 });
  });

  it('property: unit-weight moves are minimal, never twice the same agent, never to an ineligible node, within the limits, and leave the nodes in the band', () => {
    const nodesArb = fc.array(fc.record({ status: fc.constantFrom('up', 'up', 'up', 'quarantined', 'down') as fc.Arbitrary<PlacementNode['status']>, agents: fc.nat({ max: 60 }) }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(nodesArb, fc.integer({ min: 1, max: 1_000 }), (rows, cap) => {
        const nodes = rows.map((r, i) => node(`n${i}`, { status: r.status }));
        const agents = rows.flatMap((r, i) => agentsOn(`n${i}`, r.agents));
        const config = { maxMovesPerRound: Math.min(cap, 1_000), maxMovesFraction: 1 };
        const plan = planRebalance({ nodes, agents, config, now: 0 });
        const min = minimumMoves({ nodes, agents, config, now: 0 });
        const ids = plan.moves.map((m) => m.agentId);
        const up = new Set(nodes.filter((n) => n.status === 'up').map((n) => n.nodeId));
        const okMoves = new Set(ids).size === ids.length && plan.moves.every((m) => up.has(m.to)) && plan.moves.length <= config.maxMovesPerRound;
        if (plan.limitedBy !== undefined) return okMoves && plan.moves.length <= min;
        return okMoves && plan.moves.length === min && (up.size === 0 || plan.after.maxDeviation <= 0.1 || plan.after.max - plan.after.min <= 1 || Math.ceil(plan.after.mean * 1.1) >= plan.after.max);
      }),
      { numRuns: 300 },
    );
  });
});
