/**
 * The pure placement library, hand-computed: the constraints and every exclusion reason, refusals, every
 * strategy on small tables worked out on paper, decisions that record their inputs and replay (also when
 * they record only part of a large table), circuit breakers, and the sandbox rules the modules keep. The
 * resource manager's maths and the rebalance planner are at the end. Properties: ./placement-properties.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  agentKey,
  allowsPlacement,
  BREAKER_DEFAULTS,
  CLOSED,
  currentState,
  DEFAULT_THRESHOLDS,
  eligibleNodes,
  exclusion,
  hashWeight,
  loadBound,
  ORLEANS_WEIGHTS,
  orleansCost,
  place,
  RECORDED_CANDIDATES,
  recordFailure,
  recordSuccess,
  replayDecision,
  sampleRanks,
  STRATEGY_NAMES,
  strideFor,
  weightedScoreOf,
  type BreakerRecord,
  type PlacementDecision,
  type PlacementNode,
  type PlacementRefusal,
  type PlacementRequest,
  type PlacementTable,
  type StrategyName,
} from '../../src/placement/index.js';
import { checkQuota, nodeFits, overloaded, RESOURCE_DEFAULTS } from '../../src/placement/resources.js';
import { imbalance, minimumMoves, planRebalance, shouldRebalance, type PlannerAgent } from '../../src/rebalance/planner.js';

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
const loadOf = (cpu: number, memory: number, activityLatencyMs = 5, eventLoopLagMs = 0) => ({ cpu, memory, hostedAgents: 0, activityLatencyMs, eventLoopLagMs, at: 0 });
const table = (nodes: PlacementNode[], version = 1): PlacementTable => ({ version, at: 0, nodes });
const req: PlacementRequest = { agentId: 'a1', kind: 'memo' };
const decide = (t: PlacementTable, s: StrategyName, seq = 0, r: PlacementRequest = req, options?: { k?: number | 'sqrt'; loadFactor?: number }): PlacementDecision => {
  const d = place(t, r, s, options === undefined ? { seq } : { seq, options });
  if (!d.ok) throw new Error(d.reason);
  return d;
};
const refuse = (d: PlacementDecision | PlacementRefusal): PlacementRefusal => {
  if (d.ok) throw new Error(`expected a refusal, got ${d.node}`);
  return d;
};
const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('constraints', () => {
  it('exclude a node that is not up, with its status as the reason, and allow only up', () => {
    const statuses = ['joining', 'suspect', 'quarantined', 'draining', 'down', 'left'] as const;
    const { candidates, excluded } = eligibleNodes(table([node('n-up'), ...statuses.map((s) => node(`n-${s}`, { status: s }))]), req);
    expect(candidates.map((n) => n.nodeId)).toEqual(['n-up']);
    expect(excluded).toEqual(statuses.map((s) => ({ nodeId: `n-${s}`, reason: `is ${s}` })));
  });

  it('exclude an open breaker but let a half-open one through (a trial placement)', () => {
    const { candidates, excluded } = eligibleNodes([node('open', { breaker: 'open' }), node('half', { breaker: 'half-open' }), node('closed', { breaker: 'closed' })], req);
    expect(candidates.map((n) => n.nodeId)).toEqual(['half', 'closed']);
    expect(excluded).toEqual([{ nodeId: 'open', reason: 'has its circuit breaker open' }]);
  });

  it('name the rule each node breaks: anti-affinity, capability, label, kind, capacity, cpu and memory thresholds', () => {
    const nodes = [
      node('avoided', { capabilities: ['gpu'], labels: { zone: 'a' } }),
      node('no-gpu', { labels: { zone: 'a' } }),
      node('zone-b', { capabilities: ['gpu'], labels: { zone: 'b' } }),
      node('no-zone', { capabilities: ['gpu'] }),
      node('acc-only', { capabilities: ['gpu'], labels: { zone: 'a' }, kinds: ['acc'] }),
      node('full', { capabilities: ['gpu'], labels: { zone: 'a' }, agents: 10, capacity: { cpus: 1, memoryBytes: 1, maxAgents: 10 } }),
      node('hot', { capabilities: ['gpu'], labels: { zone: 'a' }, load: loadOf(0.95, 0.3) }),
      node('swapping', { capabilities: ['gpu'], labels: { zone: 'a' }, load: loadOf(0.1, 0.9) }),
      node('fits', { capabilities: ['gpu', 'ssd'], labels: { zone: 'a', rack: '7' } }),
    ];
    const request = { agentId: 'x', kind: 'memo', constraints: { capabilities: ['gpu'], labels: { zone: 'a' }, avoidNodes: ['avoided'] } };
    const { candidates, excluded } = eligibleNodes(nodes, request);
    expect(candidates.map((n) => n.nodeId)).toEqual(['fits']);
    expect(Object.fromEntries(excluded.map((e) => [e.nodeId, e.reason]))).toEqual({
      avoided: 'is avoided by the request',
      'no-gpu': 'lacks capability "gpu"',
      'zone-b': 'has label zone="b", not "a"',
      'no-zone': 'has label zone=null, not "a"',
      'acc-only': 'cannot run kind "memo"',
      full: 'is at its capacity of 10 agents',
      hot: 'is over its cpu threshold (0.95 > 0.8)',
      swapping: 'is over its memory threshold (0.9 > 0.85)',
    });
  });

  it('name only the first rule that fails, in the documented order', () => {
    expect(exclusion(node('x', { status: 'draining', breaker: 'open', kinds: [] }), req)).toBe('is draining');
    expect(exclusion(node('x', { breaker: 'open', kinds: [] }), req)).toBe('has its circuit breaker open');
    expect(exclusion(node('x', { kinds: [], load: loadOf(0.99, 0.99) }), { ...req, constraints: { capabilities: ['tpu'] } })).toBe('lacks capability "tpu"');
    expect(exclusion(node('x', { agents: 5, capacity: { cpus: 1, memoryBytes: 1, maxAgents: 5 }, load: loadOf(0.99, 0.99) }), req)).toBe('is at its capacity of 5 agents');
  });

  it('apply the seeds\' thresholds by default (over them, not at them) and the limits given instead', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ cpu: 0.8, memory: 0.85 });
    expect(exclusion(node('x', { load: loadOf(0.8, 0.85) }), req)).toBeUndefined();
    expect(exclusion(node('x', { load: loadOf(0.8004, 0.1) }), req)).toBe('is over its cpu threshold (0.8004 > 0.8)');
    expect(exclusion(node('x', { load: loadOf(0.6, 0.1) }), req, { cpu: 0.5 })).toBe('is over its cpu threshold (0.6 > 0.5)');
    expect(exclusion(node('x', { load: loadOf(0.6, 0.7) }), req, { memory: 0.5 })).toBe('is over its memory threshold (0.7 > 0.5)');
    const { load: _none, ...unreported } = node('quiet');
    expect(exclusion(unreported, req, { cpu: 0, memory: 0 })).toBeUndefined(); // no report: over nothing
  });

  it('take a table or a list of nodes, and keep the nodes\' order', () => {
    const nodes = [node('c'), node('a', { status: 'down' }), node('b')];
    expect(eligibleNodes(table(nodes), req)).toEqual(eligibleNodes(nodes, req));
    expect(eligibleNodes(nodes, req).candidates.map((n) => n.nodeId)).toEqual(['c', 'b']);
  });
});

describe('refusals (data, never a throw)', () => {
  it('an empty cluster, an unknown strategy, and a bad counter or option each say what is wrong', () => {
    expect(place(table([]), req, 'round-robin', { seq: 0 })).toEqual({ ok: false, agentId: 'a1', kind: 'memo', cause: 'no-nodes', reason: 'no nodes in the cluster to place agent "a1" on', excluded: [] });
    expect(refuse(place(table([node('a')]), req, 'random-ish', { seq: 0 }))).toMatchObject({ cause: 'unknown-strategy', reason: expect.stringMatching(/^unknown placement strategy "random-ish" \(one of round-robin, weighted-round-robin, .*weighted-score\)$/) });
    expect(refuse(place(table([node('a')]), req, 'round-robin', { seq: 1.5 }))).toMatchObject({ cause: 'invalid-input', reason: 'the decision counter seq must be a safe integer, not 1.5' });
    for (const k of [0, 65, 2.5]) expect(refuse(place(table([node('a')]), req, 'power-of-k', { seq: 0, options: { k } }))).toMatchObject({ cause: 'invalid-input', reason: expect.stringMatching(/^option k must be an integer from 1 to 64 or "sqrt"/) });
    expect(refuse(place(table([node('a')]), req, 'consistent-hashing', { seq: 0, options: { loadFactor: 0.5 } }))).toMatchObject({ cause: 'invalid-input', reason: 'option loadFactor must be a number of at least 1, not 0.5' });
  });

  it('no node fits: every node\'s reason in one sentence (the first 8, then a count), and the exclusions as data', () => {
    const r = refuse(place(table([node('node-a', { status: 'suspect' }), node('node-b')]), { agentId: 'a1', kind: 'memo', constraints: { capabilities: ['gpu'] } }, 'least-connections', { seq: 0 }));
    expect(r).toEqual({
      ok: false,
      agentId: 'a1',
      kind: 'memo',
      cause: 'no-node-fits',
      reason: 'no node can take agent "a1" of kind "memo": node-a is suspect; node-b lacks capability "gpu"',
      excluded: [
        { nodeId: 'node-a', reason: 'is suspect' },
        { nodeId: 'node-b', reason: 'lacks capability "gpu"' },
      ],
    });
    const many = refuse(place(table(Array.from({ length: 40 }, (_, i) => node(`n${String(i).padStart(2, '0')}`, { status: 'down' }))), req, 'round-robin', { seq: 0 }));
    expect(many.reason).toMatch(/: n00 is down; n01 is down; .*n07 is down; and 32 more$/);
    expect(many.excluded).toHaveLength(32);
    expect(many.excludedOmitted).toBe(8);
  });
});

describe('strategies (hand-computed)', () => {
  const loaded = (id: string, cpu: number, memory: number, agents: number, latency: number, cpus: number) =>
    node(id, { agents, capacity: { cpus, memoryBytes: 8e9, maxAgents: 1_000 }, load: loadOf(cpu, memory, latency) });
  const t = table([loaded('a', 0.7, 0.5, 40, 20, 1), loaded('b', 0.1, 0.6, 90, 3, 4), loaded('c', 0.3, 0.2, 10, 50, 2)]);
  const shuffled = table([t.nodes[2]!, t.nodes[0]!, t.nodes[1]!]);

  it('round robin takes the candidates in node-id order, one per decision, whatever the table order', () => {
    expect([0, 1, 2, 3, 4, 5].map((seq) => decide(t, 'round-robin', seq).node)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect([0, 1, 2].map((seq) => decide(shuffled, 'round-robin', seq).node)).toEqual(['a', 'b', 'c']);
    expect(decide(t, 'round-robin', 4)).toMatchObject({ reason: 'round robin: turn 1 of 3 candidates in node-id order', scores: { a: 0, b: 1, c: 0 } });
  });

  it('weighted round robin by cores: a golden-ratio stride over the cycle of slots, interleaved and exact per cycle', () => {
    // Weights a 1, b 4, c 2: W = 7, stride round(7 · 0.618) = 4 (coprime with 7): slots 0 4 1 5 2 6 3;
    // a owns slot 0, b slots 1-4, c slots 5-6.
    expect([0, 1, 2, 3, 4, 5, 6].map((seq) => decide(t, 'weighted-round-robin', seq).node)).toEqual(['a', 'b', 'b', 'c', 'b', 'c', 'b']);
    expect(decide(t, 'weighted-round-robin', 7).node).toBe('a');
    expect(decide(t, 'weighted-round-robin', 1).scores).toEqual({ a: 1, b: 4, c: 2 });
    // 5, 1, 1: the heavy node's turns are spread, not back to back.
    const skew = table([node('a', { capacity: { cpus: 5, memoryBytes: 1, maxAgents: 9 } }), node('b', { capacity: { cpus: 1, memoryBytes: 1, maxAgents: 9 } }), node('c', { capacity: { cpus: 1, memoryBytes: 1, maxAgents: 9 } })]);
    expect([0, 1, 2, 3, 4, 5, 6].map((seq) => decide(skew, 'weighted-round-robin', seq).node).join(' ')).toBe('a a a b a c a');
    expect([1, 2, 4, 7, 10].map(strideFor)).toEqual([1, 1, 3, 4, 7]);
  });

  it('least connections: the fewest agents, ties to the smallest node id', () => {
    expect(decide(t, 'least-connections')).toMatchObject({ node: 'c', score: 10, reason: 'fewest agents (10) of 3 candidates', scores: { a: 40, b: 90, c: 10 } });
    expect(decide(table([node('z', { agents: 3 }), node('m', { agents: 3 }), node('q', { agents: 4 })]), 'least-connections').node).toBe('m');
  });

  it('capacity-aware: the highest 0.4·(1−cpu) + 0.3·(1−memory) + 0.3·network', () => {
    // a .4·.3 + .3·.5 + .3 = .57; b .4·.9 + .3·.4 + .3 = .78; c .4·.7 + .3·.8 + .3 = .82
    const d = decide(t, 'capacity-aware');
    expect(d.node).toBe('c');
    expect(d.scores.a).toBeCloseTo(0.57, 12);
    expect(d.scores.b).toBeCloseTo(0.78, 12);
    expect(d.score).toBeCloseTo(0.82, 12);
    expect(d.reason).toBe('highest cpu/memory/network score 0.820 (cpu 0.300, memory 0.200, network 1) of 3 candidates');
    // A poor network costs: c at network 0.2 scores .82 − .24 = .58, b wins.
    expect(decide(table([t.nodes[0]!, t.nodes[1]!, { ...t.nodes[2]!, network: 0.2 }]), 'capacity-aware').node).toBe('b');
    // An unreported node counts as idle: .4 + .3 + .3 = 1.
    const { load: _l, ...fresh } = node('fresh');
    expect(decide(table([...t.nodes, fresh]), 'capacity-aware')).toMatchObject({ node: 'fresh', score: 1 });
  });

  it('latency-aware: the lowest activity latency + event-loop lag; an unreported node counts as the slowest', () => {
    expect(decide(t, 'latency-aware')).toMatchObject({ node: 'b', score: 3 });
    const { load: _l, ...quiet } = node('0-quiet');
    expect(decide(table([...t.nodes, quiet]), 'latency-aware').node).toBe('b');
    const { load: _m, ...quiet2 } = node('1-quiet');
    expect(decide(table([quiet2, quiet]), 'latency-aware')).toMatchObject({ node: '0-quiet', reason: 'no candidate of 2 has reported its latency yet: the first by node id' });
  });

  it('the seeds\' weighted score: 0.3·(1−cpu) + 0.3·(1−mem) + 0.2·(1−min(1, agents/100)) + 0.1·network + 0.1·capability', () => {
    // a .09 + .15 + .12 + .1 + .1 = .56; b .27 + .12 + .02 + .2 = .61; c .21 + .24 + .18 + .2 = .83
    const w = decide(t, 'weighted-score');
    expect(w.node).toBe('c');
    expect(w.scores.a).toBeCloseTo(0.56, 12);
    expect(w.scores.b).toBeCloseTo(0.61, 12);
    expect(w.score).toBeCloseTo(0.83, 12);
    // capability: the share of the required capabilities the node has (1 when none is required).
    const gpu = node('g', { capabilities: ['gpu'], agents: 200, load: loadOf(0, 0) });
    expect(weightedScoreOf(gpu, ['gpu', 'ssd'])).toBeCloseTo(0.3 + 0.3 + 0 + 0.1 + 0.05, 12);
    expect(weightedScoreOf(gpu, [])).toBeCloseTo(0.8, 12);
  });

  it('consistent hashing: an agent keeps its node while the candidates do not change; a node at the load bound is walked past', () => {
    const first = decide(t, 'consistent-hashing', 0, { agentId: 'stable', kind: 'memo' }).node;
    expect(decide(t, 'consistent-hashing', 99, { agentId: 'stable', kind: 'memo' }).node).toBe(first);
    expect(decide(shuffled, 'consistent-hashing', 5, { agentId: 'stable', kind: 'memo' }).node).toBe(first);
    expect(loadBound(t.nodes)).toBe(59); // ⌈1.25 · (140 + 1) / 3⌉
    // An agent whose first choice is b (90 agents ≥ 59) goes to its second choice, and the reason says so.
    const prefersB = Array.from({ length: 200 }, (_, i) => `agent-${i}`).find((id) => {
      const ws = ['a', 'b', 'c'].map((n) => hashWeight(n, agentKey(id)));
      return ws[1]! > ws[0]! && ws[1]! > ws[2]!;
    })!;
    const d = decide(t, 'consistent-hashing', 0, { agentId: prefersB, kind: 'memo' });
    expect(d.node).not.toBe('b');
    expect(d.reason).toMatch(new RegExp(`^consistent hash of "${prefersB}": choice 2, past 1 node at the load bound 59 \\(first b\\) of 3 candidates$`));
    // A looser bound (c = 2: ⌈2 · 141 / 3⌉ = 94) lets b take it.
    expect(decide(t, 'consistent-hashing', 0, { agentId: prefersB, kind: 'memo' }, { loadFactor: 2 })).toMatchObject({ node: 'b', options: { loadFactor: 2 } });
  });

  it('power of k: Orleans\' default weights, its cost on two nodes worked out, lowest wins', () => {
    expect(ORLEANS_WEIGHTS).toEqual({ cpuUsage: 40, memoryUsage: 20, availableMemory: 20, maxAvailableMemory: 5, activationCount: 15 });
    const x = node('x', { agents: 10, capacity: { cpus: 2, memoryBytes: 8e9, maxAgents: 99 }, load: loadOf(0.5, 0.4) });
    const y = node('y', { agents: 30, capacity: { cpus: 2, memoryBytes: 16e9, maxAgents: 99 }, load: loadOf(0.2, 0.6) });
    // x: (40·.5 + 20·.4 + 20·.4 + 5·(1 − 8/16) + 15·10/30) / 100 = (20 + 8 + 8 + 2.5 + 5) / 100 = .435
    // y: (40·.2 + 20·.6 + 20·.6 + 5·0 + 15·1) / 100 = (8 + 12 + 12 + 0 + 15) / 100 = .47
    expect(orleansCost(x, 16e9, 30)).toBeCloseTo(0.435, 12);
    expect(orleansCost(y, 16e9, 30)).toBeCloseTo(0.47, 12);
    const d = decide(table([x, y]), 'power-of-k', 11);
    expect(d).toMatchObject({ node: 'x', reason: 'lowest resource cost 0.435 (Orleans\' weights) of 2 sampled from 2 candidates' });
    expect(d.scores.y).toBeCloseTo(0.47, 12);
  });

  it('power of k samples 2 candidates by default (⌈√n⌉ with k: "sqrt"), differently per decision, all of them over time', () => {
    const nine = table(Array.from({ length: 9 }, (_, i) => node(`n${i}`, { agents: i })));
    expect(Object.keys(decide(nine, 'power-of-k', 3).scores)).toHaveLength(2);
    expect(Object.keys(decide(nine, 'power-of-k', 3, req, { k: 'sqrt' }).scores)).toHaveLength(3);
    expect(Object.keys(decide(nine, 'power-of-k', 3, req, { k: 5 }).scores)).toHaveLength(5);
    const sampled = new Set<string>();
    for (let seq = 0; seq < 60; seq++) for (const id of Object.keys(decide(nine, 'power-of-k', seq).scores)) sampled.add(id);
    expect(sampled.size).toBe(9);
    const ranks = sampleRanks(1_000, 64, 12345);
    expect(new Set(ranks).size).toBe(64);
    expect(ranks.every((r) => Number.isInteger(r) && r >= 0 && r < 1_000)).toBe(true);
  });
});

describe('decisions record their inputs and replay', () => {
  it('a decision is plain JSON: the request, counter, table version, thresholds, candidate rows (no kinds, no labels) and exclusions', () => {
    const t = table([node('b', { labels: { zone: 'a' }, network: 0.9 }), node('a', { breaker: 'half-open' }), node('c', { status: 'down' })], 42);
    const d = decide(t, 'least-connections', 7);
    expect(roundTrip(d)).toStrictEqual(d);
    expect(d).toMatchObject({ ok: true, agentId: 'a1', kind: 'memo', node: 'a', strategy: 'least-connections', seq: 7, tableVersion: 42, request: req, limits: { cpu: 0.8, memory: 0.85 }, complete: true });
    expect(d.candidates.map((c) => c.nodeId)).toEqual(['a', 'b']); // node-id order
    expect(d.candidates[0]).toEqual({ nodeId: 'a', incarnation: 1, status: 'up', capabilities: [], capacity: { cpus: 2, memoryBytes: 8e9, maxAgents: 1_000 }, agents: 0, load: t.nodes[1]!.load, breaker: 'half-open' });
    expect(d.candidates[1]).toMatchObject({ network: 0.9 });
    expect(d.excluded).toEqual([{ nodeId: 'c', reason: 'is down' }]);
    expect(d.summary).toBeUndefined();
  });

  it('every strategy re-computes its recorded decision, after a JSON round trip', () => {
    const t = table(Array.from({ length: 9 }, (_, i) => node(`n${i}`, { agents: (i * 7) % 5, capacity: { cpus: 1 + (i % 3), memoryBytes: 4e9 + i, maxAgents: 100 }, load: loadOf(i / 10, 0.5 - i / 20, i * 3) })));
    for (const s of STRATEGY_NAMES) {
      for (const seq of [0, 17, 1_000_003]) {
        const d = decide(t, s, seq, { agentId: `replayed-${seq}`, kind: 'memo' });
        expect(d.complete).toBe(true);
        expect(replayDecision(roundTrip(d))).toBe(d.node);
      }
    }
  });

  it('over 64 candidates a decision keeps 64 rows at most, and a summary, and every strategy still replays exactly', () => {
    const big = table(Array.from({ length: 300 }, (_, i) => node(`n${String((i * 7919) % 300).padStart(3, '0')}`, { agents: (i * 37) % 101, capacity: { cpus: 1 + (i % 5), memoryBytes: 1e9 * (1 + (i % 4)), maxAgents: 1_000 }, load: loadOf((i % 70) / 100, (i % 80) / 100, i % 13) })));
    for (const s of STRATEGY_NAMES) {
      for (const seq of [0, 1, 149, 299, 777, 123_456]) {
        const d = decide(big, s, seq, { agentId: `big-${seq}`, kind: 'memo' });
        expect(d.complete).toBe(false);
        expect(d.summary?.count).toBe(300);
        expect(d.candidates.length).toBeLessThanOrEqual(RECORDED_CANDIDATES);
        expect(d.candidates.map((c) => c.nodeId)).toContain(d.node);
        expect(Object.keys(d.scores).every((id) => d.candidates.some((c) => c.nodeId === id))).toBe(true);
        expect(replayDecision(roundTrip(d))).toBe(d.node);
      }
    }
    // Round robin keeps 64 consecutive node-id ranks around the turn.
    const rr = decide(big, 'round-robin', 5);
    expect(rr.summary).toEqual({ count: 300, offset: 0 });
    expect(rr.candidates.map((c) => c.nodeId)).toEqual(Array.from({ length: 64 }, (_, i) => `n${String(i).padStart(3, '0')}`));
    expect(rr.node).toBe('n005');
    // Power of k keeps its sample and the maxima it normalised with.
    const p = decide(big, 'power-of-k', 5);
    expect(p.candidates).toHaveLength(2);
    expect(p.summary).toMatchObject({ count: 300, maxAgents: 100, maxMemoryBytes: 4e9, ranks: expect.any(Array) });
  });

  it('a decision over 1,000 nodes with long ids stays a few kilobytes', () => {
    const long = table(Array.from({ length: 1_000 }, (_, i) => node(`node-${String(i).padStart(4, '0')}-${'x'.repeat(44)}`, { agents: i % 97, capabilities: ['gpu', 'ssd'], labels: { zone: 'z'.repeat(40) }, kinds: Array.from({ length: 60 }, (_, k) => (k === 0 ? 'memo' : `kind${k}`)) })));
    for (const s of STRATEGY_NAMES) expect(JSON.stringify(decide(long, s, 3)).length).toBeLessThan(24 * 1024);
  });

  it('exclusions beyond 32 are counted, not listed', () => {
    const t = table([node('ok'), ...Array.from({ length: 50 }, (_, i) => node(`d${i}`, { status: 'left' }))]);
    const d = decide(t, 'round-robin');
    expect(d.excluded).toHaveLength(32);
    expect(d.excludedOmitted).toBe(18);
  });
});

describe('circuit breakers', () => {
  const T = 1_000_000;
  const fail = (b: BreakerRecord, ...times: number[]) => times.reduce((r, at) => recordFailure(r, at), b);

  it('open after 5 failures within 30 s, not after 4; read half-open after the 30 s cooldown', () => {
    expect(BREAKER_DEFAULTS).toEqual({ failureThreshold: 5, windowMs: 30_000, cooldownMs: 30_000 });
    const four = fail(CLOSED, T, T + 1, T + 2, T + 3);
    expect(four).toMatchObject({ state: 'closed', failures: 4, lastFailureAt: T + 3 });
    const open = recordFailure(four, T + 10);
    expect(open).toEqual({ state: 'open', failures: 5, openedAt: T + 10, lastFailureAt: T + 10 });
    expect(currentState(open, T + 10 + 29_999)).toBe('open');
    expect(allowsPlacement(open, T + 10 + 29_999)).toBe(false);
    expect(currentState(open, T + 10 + 30_000)).toBe('half-open');
    expect(allowsPlacement(open, T + 10 + 30_000)).toBe(true);
    expect(allowsPlacement(undefined, T)).toBe(true);
  });

  it('count over a sliding window: five failures within any 30 s open it, also across where a fixed window would reset', () => {
    const b = fail(CLOSED, T, T + 28_000, T + 29_000, T + 29_500, T + 31_000);
    expect(b).toMatchObject({ state: 'closed', failures: 4 }); // T fell out of the window
    expect(recordFailure(b, T + 31_500).state).toBe('open');
    expect(fail(CLOSED, ...Array.from({ length: 10 }, (_, i) => T + i * 40_000)).state).toBe('closed'); // spread out: never
  });

  it('half-open: one success closes it, one failure opens it again for another cooldown', () => {
    const open = fail(CLOSED, T, T, T, T, T);
    const trial = T + 30_000;
    expect(recordSuccess(open, trial)).toEqual(CLOSED);
    const reopened = recordFailure(open, trial);
    expect(reopened).toEqual({ state: 'open', failures: 1, openedAt: trial, lastFailureAt: trial });
    expect(currentState(reopened, trial + 29_999)).toBe('open');
    expect(currentState(reopened, trial + 30_000)).toBe('half-open');
  });

  it('open: successes change nothing and failures do not extend the cooldown; closed: a success clears the count', () => {
    const open = fail(CLOSED, T, T, T, T, T);
    expect(recordSuccess(open, T + 5)).toBe(open);
    const more = recordFailure(open, T + 20_000);
    expect(more).toMatchObject({ state: 'open', openedAt: T, failures: 6, lastFailureAt: T + 20_000 });
    expect(currentState(more, T + 30_000)).toBe('half-open');
    expect(recordSuccess(fail(CLOSED, T, T + 1, T + 2), T + 3)).toEqual(CLOSED);
    expect(recordSuccess(CLOSED, T)).toBe(CLOSED);
  });

  it('keep plain JSON records with a configurable threshold, window and cooldown', () => {
    const cfg = { failureThreshold: 2, windowMs: 1_000, cooldownMs: 5_000 };
    const b = recordFailure(recordFailure(CLOSED, T, cfg), T + 999, cfg);
    expect(b.state).toBe('open');
    expect(currentState(b, T + 999 + 5_000, cfg)).toBe('half-open');
    const closed = recordFailure(CLOSED, T, cfg);
    expect(roundTrip(closed)).toStrictEqual(closed);
    expect(closed).toEqual({ state: 'closed', failures: 1, lastFailureAt: T, recent: [T] });
  });
});

describe('sandbox rules', () => {
  it('no placement module reads a clock, draws Math.random, imports node: modules or builds a Map or Set', () => {
    const dir = path.join(import.meta.dirname, '..', '..', 'src', 'placement');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) {
      const code = readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect({ f, bad: code.match(/Date\.now|new Date|Math\.random|from 'node:|new (Weak)?(Map|Set)\b|performance\.now|process\./g) }).toEqual({ f, bad: null });
      expect({ f, doc: /@module/.test(readFileSync(path.join(dir, f), 'utf8')) }).toEqual({ f, doc: true });
    }
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
