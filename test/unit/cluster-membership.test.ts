/**
 * The cluster's pure core: the failure detector state machine and its presets (src/cluster/detector.ts),
 * the membership topology (src/cluster/membership.ts), the signal catalogue (src/cluster/signals.ts), and
 * the node-discovery and failure-detector agents applied through `applySignal`. Hand-checked; no server.
 */
import { describe, expect, it } from 'vitest';
import { applySignal, type Applied } from '../../src/agent/apply.js';
import type { Directive } from '../../src/agent/directives.js';
import { LEASE_ACTIVITY, PROBE_ACTIVITY, failureDetectorAgent } from '../../src/cluster/agents/failure-detector.js';
import { ALERTS_KEPT, NODES_TRACKED, healthMonitorAgent } from '../../src/cluster/agents/health-monitor.js';
import { nodeDiscoveryAgent } from '../../src/cluster/agents/node-discovery.js';
import { DETECTOR_PRESETS, FENCED_ERROR_TYPE, detectorConfigSchema, initialDetector, stepDetector, type DetectorEvent, type DetectorState } from '../../src/cluster/detector.js';
import * as m from '../../src/cluster/membership.js';
import { CLUSTER_PRESETS, membershipConfig } from '../../src/cluster/presets.js';
import { CLUSTER_SIGNALS, NODE_STATUSES, type CatalogueEntry, type LoadReport, type NodeAnnouncement } from '../../src/cluster/signals.js';
import { ErrorCode } from '../../src/errors.js';
import { createSignal } from '../../src/signal/index.js';
import { expectError } from '../helpers/errors.js';

const T0 = 1_700_000_000_000;
const DEV = DETECTOR_PRESETS.development;
const CATALOGUE: Record<string, CatalogueEntry> = CLUSTER_SIGNALS;
const config = (over: Partial<m.MembershipConfig> = {}): m.MembershipConfig => m.membershipConfigSchema.parse({ ...m.MEMBERSHIP_DEFAULTS, detector: DEV, loadReportMs: 1_000, ...over });
const ann = (nodeId = 'n1', incarnation = 1): NodeAnnouncement => ({
  nodeId, incarnation, capabilities: ['gpu'], labels: { zone: 'a' }, kinds: ['accumulator'], activities: [LEASE_ACTIVITY, PROBE_ACTIVITY],
  capacity: { cpus: 4, memoryBytes: 8e9, maxAgents: 100 }, version: '0.1.0', startedAt: T0 - 5_000,
});
const load = { cpu: 0.25, memory: 0.5, hostedAgents: 3, activityLatencyMs: 12, eventLoopLagMs: 1.5 };
const report = (at: number, nodeId = 'n1', incarnation = 1): LoadReport => ({ nodeId, incarnation, load, at });
const src = (nodeId: string): string => `/node/${nodeId}`;
/** Announces and grants: the node is up. */
const join = (s: m.MembershipState, nodeId: string, inc = 1, now = T0): m.MembershipState => m.leaseGranted(m.announce(s, ann(nodeId, inc), src(nodeId), now).state, nodeId, inc, now).state;
const statusOf = (s: m.MembershipState, nodeId: string) => s.nodes[nodeId]?.status;
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
function ok<S>(r: Applied<S>): Extract<Applied<S>, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r;
}
/** Every emitted signal is catalogued, and its data passes the catalogued schema. */
function expectCatalogued(directives: readonly Directive[]): void {
  for (const d of directives.filter((x) => x.kind === 'emit')) {
    expect(CATALOGUE[d.signal.type], d.signal.type).toBeDefined();
    expect(CATALOGUE[d.signal.type]?.schema.safeParse(d.signal.data).success, d.signal.type).toBe(true);
  }
}

describe('failure detector: state machine', () => {
  const heartbeat = { message: 'activity timed out (HEARTBEAT)', type: 'HEARTBEAT' };
  const fenced = { message: 'node n1 incarnation 8 will not act for n1 incarnation 7', type: FENCED_ERROR_TYPE };
  const d0 = initialDetector('n1', 7, DEV);
  const probing = stepDetector(d0, { on: 'start' }).state;
  const leasing = stepDetector(probing, { on: 'probe-ok' }).state;
  const confirming = stepDetector(leasing, { on: 'lease-failed', error: heartbeat }).state;

  it('probes on start, is granted a lease, suspects on a heartbeat timeout and is refuted by a probe', () => {
    expect(stepDetector(d0, { on: 'start' })).toEqual({ state: { ...d0, phase: 'probing' }, commands: [{ do: 'probe' }] });
    expect(stepDetector(probing, { on: 'probe-ok' })).toEqual({ state: { ...d0, phase: 'leasing', leases: 1 }, commands: [{ do: 'granted', refuted: false }, { do: 'lease' }] });
    expect(stepDetector(leasing, { on: 'lease-failed', error: heartbeat })).toEqual({
      state: { ...d0, phase: 'confirming', leases: 1, suspicions: 1 },
      commands: [{ do: 'expired', reason: 'lease lost: activity timed out (HEARTBEAT)' }, { do: 'probe' }],
    });
    expect(stepDetector(confirming, { on: 'probe-ok' })).toEqual({ state: { ...d0, phase: 'leasing', leases: 2, suspicions: 1 }, commands: [{ do: 'granted', refuted: true }, { do: 'lease' }] });
  });

  it('ends on a failed probe, and names a fenced one (probe or lease) as such', () => {
    const lost = { message: 'activity timed out (SCHEDULE_TO_START)', type: 'SCHEDULE_TO_START' };
    const why = 'probe failed: activity timed out (SCHEDULE_TO_START)';
    expect(stepDetector(confirming, { on: 'probe-failed', error: lost })).toEqual({
      state: { ...confirming, phase: 'ended', ended: why },
      commands: [{ do: 'failed', cause: 'probe-failed', reason: why }, { do: 'stop', reason: why }],
    });
    const f = `fenced: ${fenced.message}`;
    for (const [s, e] of [[probing, { on: 'probe-failed', error: fenced }], [leasing, { on: 'lease-failed', error: fenced }]] as const) {
      const r = stepDetector(s, e);
      expect(r.commands).toEqual([{ do: 'failed', cause: 'fenced', reason: f }, { do: 'stop', reason: f }]);
      expect(r.state).toMatchObject({ phase: 'ended', ended: f });
    }
  });

  it('stops when the lease is released, and renews it when its term ends', () => {
    expect(stepDetector(leasing, { on: 'lease-ended', released: true })).toEqual({
      state: { ...leasing, phase: 'ended', ended: 'lease released: the node left' },
      commands: [{ do: 'released' }, { do: 'stop', reason: 'lease released: the node left' }],
    });
    expect(stepDetector(leasing, { on: 'lease-ended', released: false })).toEqual({ state: { ...leasing, leases: 2 }, commands: [{ do: 'lease' }] });
  });

  it('changes nothing on an event out of phase or after the end', () => {
    const ended = stepDetector(leasing, { on: 'lease-ended', released: true }).state;
    const all: DetectorEvent[] = [{ on: 'start' }, { on: 'probe-ok' }, { on: 'probe-failed', error: fenced }, { on: 'lease-ended', released: false }, { on: 'lease-failed', error: heartbeat }];
    for (const e of all) expect(stepDetector(ended, e)).toEqual({ state: ended, commands: [] });
    const misfits: Array<[DetectorState, DetectorEvent]> = [[leasing, { on: 'start' }], [leasing, { on: 'probe-ok' }], [confirming, { on: 'lease-ended', released: false }], [probing, { on: 'lease-failed', error: heartbeat }]];
    for (const [s, e] of misfits) expect(stepDetector(s, e).state).toBe(s);
  });

  it('ships presets that satisfy the schema, and refuses a heartbeat over half the timeout or a term under it', () => {
    for (const p of Object.values(DETECTOR_PRESETS)) expect(detectorConfigSchema.parse(p)).toEqual(p);
    for (const p of Object.values(CLUSTER_PRESETS)) expect(m.membershipConfigSchema.safeParse(membershipConfig(p)).success).toBe(true);
    expect(detectorConfigSchema.safeParse({ ...DEV, heartbeatEveryMs: 750 }).success).toBe(true); // 1500 / 2
    expect(detectorConfigSchema.safeParse({ ...DEV, heartbeatEveryMs: 751 }).success).toBe(false);
    expect(detectorConfigSchema.safeParse({ ...DEV, leaseTermMs: 1_500 }).success).toBe(false);
  });
});

describe('membership: transitions', () => {
  it('walks announce → joining → up → suspect → down, publishing each transition in sequence', () => {
    const a = m.announce(m.initialMembership(config()), ann(), src('n1'), T0);
    expect(a.accepted).toBe('new');
    expect(a.transitions).toEqual([{ seq: 1, nodeId: 'n1', incarnation: 1, from: null, to: 'joining', reason: 'announced', at: T0 }]);
    const up = m.leaseGranted(a.state, 'n1', 1, T0 + 1);
    expect(up.transitions[0]).toMatchObject({ seq: 2, from: 'joining', to: 'up', reason: 'lease granted' });
    const sus = m.leaseExpired(up.state, 'n1', 1, 'lease lost', T0 + 2);
    expect(sus.state.nodes.n1).toMatchObject({ status: 'suspect', before: 'up', since: T0 + 2 });
    const down = m.nodeFailed(sus.state, 'n1', 1, 'probe-failed: gone', T0 + 3);
    expect(down.transitions[0]).toMatchObject({ seq: 4, from: 'suspect', to: 'down', reason: 'probe-failed: gone' });
    expect(down.state.nodes.n1).not.toHaveProperty('before');
    expect(m.placeableNodes(down.state)).toEqual([]);
  });

  it('restores the status a refuted suspicion interrupted (quarantined, draining; joining counts as up)', () => {
    const q = m.quarantine(join(m.initialMembership(config()), 'n1'), 'n1', 1, 'cpu', T0 + 1).state;
    const sus = m.leaseExpired(q, 'n1', 1, 'lease lost', T0 + 2).state;
    expect(sus.nodes.n1?.before).toBe('quarantined');
    const back = m.leaseGranted(sus, 'n1', 1, T0 + 3);
    expect(back.transitions[0]).toMatchObject({ from: 'suspect', to: 'quarantined', reason: 'suspicion refuted: the node answered its probe' });
    const dr = m.drain(join(m.initialMembership(config()), 'n1'), 'n1', 'ops', T0).state;
    expect(statusOf(m.leaseGranted(m.leaseExpired(dr, 'n1', 1, 'x', T0 + 1).state, 'n1', 1, T0 + 2).state, 'n1')).toBe('draining');
    // A joining node's lease can only have expired after it was granted: the code remembers 'up'.
    const j = m.announce(m.initialMembership(config()), ann(), src('n1'), T0).state;
    expect(m.leaseExpired(j, 'n1', 1, 'x', T0 + 1).state.nodes.n1?.before).toBe('up');
    // A second expiry while suspect, or a grant while up, changes nothing.
    expect(m.leaseExpired(sus, 'n1', 1, 'again', T0 + 3).state).toBe(sus);
    expect(m.leaseGranted(q, 'n1', 1, T0 + 3).state).toBe(q);
  });

  it('quarantines and releases up nodes, and retargets a suspect node without a transition', () => {
    const up = join(m.initialMembership(config()), 'n1');
    const q = m.quarantine(up, 'n1', 1, 'cpu-limit', T0 + 1);
    expect(q.transitions[0]).toMatchObject({ from: 'up', to: 'quarantined', reason: 'cpu-limit' });
    expect(m.placeableNodes(q.state)).toEqual([]);
    expect(m.release(q.state, 'n1', 1, 'passed', T0 + 2).transitions[0]).toMatchObject({ from: 'quarantined', to: 'up' });
    const sus = m.leaseExpired(up, 'n1', 1, 'x', T0 + 1).state;
    const sq = m.quarantine(sus, 'n1', 1, 'cpu', T0 + 2);
    expect([sq.transitions, sq.state.nodes.n1?.before, sq.state.seq]).toEqual([[], 'quarantined', sus.seq]);
    expect(m.release(sq.state, 'n1', 1, 'ok', T0 + 3).state.nodes.n1?.before).toBe('up');
    expect(m.release(up, 'n1', 1, 'not quarantined', T0 + 1).state).toBe(up);
  });

  it('drains up or quarantined nodes only', () => {
    const up = join(m.initialMembership(config()), 'n1');
    const dr = m.drain(up, 'n1', 'maintenance', T0 + 1);
    expect(dr.transitions[0]).toMatchObject({ from: 'up', to: 'draining', reason: 'maintenance' });
    expect(m.drain(dr.state, 'n1', 'again', T0 + 2)).toEqual({ state: dr.state, transitions: [] });
    expect(statusOf(m.drain(m.quarantine(up, 'n1', 1, 'x', T0).state, 'n1', 'x', T0 + 1).state, 'n1')).toBe('draining');
    expect(m.quarantine(dr.state, 'n1', 1, 'x', T0 + 2).state).toBe(dr.state);
    expectError(ErrorCode.REFUSED, () => m.drain(up, 'n9', 'x', T0));
    const joining = m.announce(m.initialMembership(config()), ann(), src('n1'), T0).state;
    expect(expectError(ErrorCode.REFUSED, () => m.drain(joining, 'n1', 'x', T0)).message).toMatch(/is joining: only an up or quarantined node/);
    expectError(ErrorCode.REFUSED, () => m.drain(m.nodeFailed(up, 'n1', 1, 'x', T0).state, 'n1', 'x', T0));
  });

  it('leaves gracefully from the node itself only', () => {
    const up = join(m.initialMembership(config()), 'n1');
    const left = m.leave(up, 'n1', 1, src('n1'), 'SIGTERM', T0 + 1);
    expect(left.transitions[0]).toMatchObject({ from: 'up', to: 'left', reason: 'SIGTERM' });
    expect(m.leave(left.state, 'n1', 1, src('n1'), 'again', T0 + 2).state).toBe(left.state);
    expectError(ErrorCode.REFUSED, () => m.leave(up, 'n1', 1, src('n2'), 'x', T0));
    expectError(ErrorCode.REFUSED, () => m.leave(up, 'n2', 1, src('n2'), 'x', T0));
    expectError(ErrorCode.REFUSED, () => m.leave(up, 'n1', 2, src('n1'), 'x', T0));
  });
});

describe('membership: incarnations, refusals and bounds', () => {
  const up = join(m.initialMembership(config()), 'n1', 5);

  it('takes back a departed node only under a newer incarnation', () => {
    const down = m.nodeFailed(up, 'n1', 5, 'fenced: x', T0 + 1).state;
    for (const inc of [4, 5]) expect(expectError(ErrorCode.REFUSED, () => m.announce(down, ann('n1', inc), src('n1'), T0 + 2)).message).toMatch(/not newer than its last known 5/);
    const again = m.announce(down, ann('n1', 6), src('n1'), T0 + 2);
    expect(again.accepted).toBe('new');
    expect(again.transitions[0]).toMatchObject({ incarnation: 6, from: 'down', to: 'joining', reason: 'rejoined after down incarnation 5' });
  });

  it('refuses another incarnation of a live node, a forged source, and accepts a repeat as already known', () => {
    expect(expectError(ErrorCode.REFUSED, () => m.announce(up, ann('n1', 6), src('n1'), T0)).message).toMatch(/already up under incarnation 5/);
    expect(expectError(ErrorCode.REFUSED, () => m.announce(up, ann('n1', 5), src('n2'), T0)).message).toMatch(/not from the node itself/);
    expect(m.announce(up, ann('n1', 5), src('n1'), T0 + 9)).toEqual({ state: up, transitions: [], accepted: 'already' });
  });

  it('keeps the last load report, stamped with the membership\'s time, and refuses one from an unknown, other or departed incarnation', () => {
    const r = m.recordLoad(up, report(T0 + 10, 'n1', 5), src('n1'), T0 + 100);
    expect(r.transitions).toEqual([]);
    expect(r.state.nodes.n1?.lastLoad).toEqual({ ...load, at: T0 + 100 });
    // The node's clock stepped back: the report still counts, at the membership's time.
    expect(m.recordLoad(r.state, report(T0 + 9, 'n1', 5), src('n1'), T0 + 200).state.nodes.n1?.lastLoad?.at).toBe(T0 + 200);
    expect(expectError(ErrorCode.REFUSED, () => m.recordLoad(up, report(T0, 'n2', 1), src('n2'), T0)).message).toMatch(/unknown node "n2"/);
    expect(expectError(ErrorCode.REFUSED, () => m.recordLoad(up, report(T0, 'n1', 4), src('n1'), T0)).message).toMatch(/current incarnation is 5/);
    expectError(ErrorCode.REFUSED, () => m.recordLoad(up, report(T0, 'n1', 5), src('n2'), T0));
    const down = m.nodeFailed(up, 'n1', 5, 'x', T0).state;
    expect(expectError(ErrorCode.REFUSED, () => m.recordLoad(down, report(T0 + 20, 'n1', 5), src('n1'), T0)).message).toMatch(/which is down/);
  });

  it('ignores detector and health verdicts about an incarnation that is no longer current', () => {
    const s = m.announce(m.nodeFailed(up, 'n1', 5, 'x', T0).state, ann('n1', 6), src('n1'), T0 + 1).state;
    for (const step of [
      m.leaseGranted(s, 'n1', 5, T0 + 2), m.leaseExpired(s, 'n1', 5, 'x', T0 + 2), m.nodeFailed(s, 'n1', 5, 'x', T0 + 2),
      m.quarantine(s, 'n1', 5, 'x', T0 + 2), m.release(s, 'n1', 5, 'x', T0 + 2), m.leaseGranted(s, 'n9', 1, T0 + 2),
    ]) expect(step).toEqual({ state: s, transitions: [] });
  });

  it('keeps the last historyLimit transitions and forgets departed records beyond retainDeparted, oldest first', () => {
    let s = m.initialMembership(config({ historyLimit: 3, retainDeparted: 1 }));
    for (const [i, id] of ['a', 'b', 'c'].entries()) s = m.nodeFailed(join(s, id, 1, T0 + i), id, 1, 'x', T0 + 10 + i).state;
    expect(s.seq).toBe(9);
    expect(s.transitions.map((t) => `${t.seq}:${t.nodeId}:${t.to}`)).toEqual(['7:c:joining', '8:c:up', '9:c:down']);
    expect(Object.keys(s.nodes)).toEqual(['c']);
    // Forgetting "a" forgets its incarnation: it may come back under incarnation 1 again.
    expect(m.announce(s, ann('a', 1), src('a'), T0 + 20).accepted).toBe('new');
  });

  it('refuses a node past maxNodes, counting live nodes only', () => {
    const s = join(join(m.initialMembership(config({ maxNodes: 2 })), 'a'), 'b');
    expect(expectError(ErrorCode.REFUSED, () => m.announce(s, ann('c'), src('c'), T0)).message).toMatch(/already has 2 live nodes/);
    expect(m.announce(m.leave(s, 'a', 1, src('a'), 'bye', T0).state, ann('c'), src('c'), T0).accepted).toBe('new');
  });

  it('slows load reports as the cluster grows: max(loadReportMs, live / maxReportsPerSecond s)', () => {
    let s = m.initialMembership(config({ loadReportMs: 1_000, maxReportsPerSecond: 2 }));
    expect(m.reportIntervalMs(s)).toBe(1_000); // no node: counted as one, 500 ms < 1000
    for (let i = 0; i < 10; i++) s = join(s, `n${i}`);
    expect(m.reportIntervalMs(s)).toBe(5_000); // 10 / 2 per s
    expect(m.reportIntervalMs(m.nodeFailed(s, 'n0', 1, 'x', T0).state)).toBe(4_500); // down ones do not count
    expect(m.reportIntervalMs({ ...s, config: { ...s.config, maxReportsPerSecond: 3 } })).toBe(3_334); // ceil(3333.3)
  });

  it('never mutates its inputs', () => {
    const s = deepFreeze(m.recordLoad(m.quarantine(join(join(m.initialMembership(config({ retainDeparted: 0 })), 'n1'), 'n2'), 'n2', 1, 'x', T0).state, report(T0, 'n1'), src('n1'), T0).state);
    const before = structuredClone(s);
    const steps = [
      m.announce(s, ann('n3'), src('n3'), T0), m.leaseExpired(s, 'n2', 1, 'x', T0), m.leaseGranted(m.leaseExpired(s, 'n1', 1, 'x', T0).state, 'n1', 1, T0),
      m.nodeFailed(s, 'n1', 1, 'x', T0), m.leave(s, 'n2', 1, src('n2'), 'x', T0), m.recordLoad(s, report(T0 + 1), src('n1'), T0),
      m.quarantine(m.leaseExpired(s, 'n1', 1, 'x', T0).state, 'n1', 1, 'x', T0), m.release(s, 'n2', 1, 'x', T0), m.drain(s, 'n1', 'x', T0),
    ];
    expect(steps.every((x) => x.state !== s)).toBe(true);
    expect(s).toEqual(before);
    expect(m.membershipStateSchema.safeParse(steps[4]?.state).success).toBe(true);
  });
});

describe('node-discovery and failure-detector agents (applySignal)', () => {
  const cfg = config();
  const ctx = { agentId: 'cluster/node-discovery', kind: 'nodeDiscovery', node: 'n1', now: T0 };
  const s0 = deepFreeze(m.initialMembership(cfg));
  const announced = ok(applySignal(nodeDiscoveryAgent, s0, createSignal('cluster.node.announce', ann('n1', 7), { source: src('n1') }), ctx));
  const detectorSrc = { source: '/agent/cluster/failure-detector/n1/7' };

  it('answers an announce with the joining transition, a detector spawn and the report interval', () => {
    expect(announced.directives).toEqual([
      { kind: 'emit', to: { topic: 'cluster.membership' }, signal: { type: 'cluster.member.joining', subject: 'n1', data: { seq: 1, nodeId: 'n1', incarnation: 7, from: null, to: 'joining', reason: 'announced', at: T0 } } },
      { kind: 'spawn', agentKind: 'failureDetector', agentId: 'cluster/failure-detector/n1/7', node: 'n1', state: initialDetector('n1', 7, DEV), signals: [{ type: 'cluster.detector.start' }] },
    ]);
    expectCatalogued(announced.directives);
    expect(announced.result).toEqual({ accepted: 'new', nodeId: 'n1', incarnation: 7, status: 'joining', reportIntervalMs: 1_000, liveNodes: 1, detector: DEV });
    const again = ok(applySignal(nodeDiscoveryAgent, announced.state, createSignal('cluster.node.announce', ann('n1', 7), { source: src('n1') }), ctx));
    expect([again.directives, again.result]).toMatchObject([[], { accepted: 'already' }]);
  });

  it('refuses a forged announce or verdict, leaving the state as it was', () => {
    const before = structuredClone(announced.state);
    expect(applySignal(nodeDiscoveryAgent, s0, createSignal('cluster.node.announce', ann('n1', 7), { source: src('n2') }), ctx)).toEqual({
      ok: false, error: { code: ErrorCode.REFUSED, message: expect.stringMatching(/came from "\/node\/n2", not from the node itself/) },
    });
    for (const source of ['/node/n1', '/agent/cluster/failure-detector/n1/6']) {
      expect(applySignal(nodeDiscoveryAgent, announced.state, createSignal('cluster.lease.granted', { nodeId: 'n1', incarnation: 7 }, { source }), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.REFUSED } });
    }
    expect(announced.state).toEqual(before);
  });

  it('moves a node on its detector\'s verdicts and forwards load reports, stamped with its own time, to the health monitor', () => {
    const up = ok(applySignal(nodeDiscoveryAgent, announced.state, createSignal('cluster.lease.granted', { nodeId: 'n1', incarnation: 7 }, detectorSrc), ctx));
    expect(up.directives).toMatchObject([{ to: { topic: 'cluster.membership' }, signal: { type: 'cluster.member.up', data: { from: 'joining', to: 'up' } } }]);
    const r = report(T0 + 100, 'n1', 7);
    const loaded = ok(applySignal(nodeDiscoveryAgent, up.state, createSignal('cluster.node.load', r, { source: src('n1') }), ctx));
    expect(loaded.directives).toEqual([{ kind: 'emit', to: { agent: 'cluster/health-monitor' }, signal: { type: 'cluster.node.load', data: { ...r, at: ctx.now }, subject: 'n1' } }]);
    expect(loaded.result).toEqual({ reportIntervalMs: 1_000 });
    expect(loaded.state.nodes.n1?.lastLoad?.at).toBe(ctx.now);
    const down = ok(applySignal(nodeDiscoveryAgent, loaded.state, createSignal('cluster.node.failure', { nodeId: 'n1', incarnation: 7, cause: 'probe-failed', reason: 'timed out' }, detectorSrc), ctx));
    expect(down.directives).toMatchObject([{ signal: { type: 'cluster.member.down', data: { from: 'up', to: 'down', reason: 'probe-failed: timed out' } } }]);
    expectCatalogued([...up.directives, ...loaded.directives, ...down.directives]);
  });

  it('runs the probe and the lease with one attempt and the configured timeouts, and reports to the membership', () => {
    const dctx = { agentId: 'cluster/failure-detector/n1/7', kind: 'failureDetector', node: 'n1', now: T0 };
    const ref = { nodeId: 'n1', incarnation: 7 };
    const probe = { kind: 'run', activity: PROBE_ACTIVITY, input: ref, onResult: 'cluster.detector.probed', scheduleToStartMs: 1_000, startToCloseMs: 1_000, retry: { maximumAttempts: 1 } };
    const toMembership = (type: string, data: object) => ({ kind: 'emit', to: { agent: 'cluster/node-discovery' }, signal: { type, data: { ...ref, ...data }, subject: 'n1' } });
    const started = ok(applySignal(failureDetectorAgent, deepFreeze(initialDetector('n1', 7, DEV)), createSignal('cluster.detector.start'), dctx));
    expect(started.directives).toEqual([probe]);
    const granted = ok(applySignal(failureDetectorAgent, started.state, createSignal('cluster.detector.probed', { result: { ...ref, at: T0 }, input: ref }), dctx));
    expect(granted.directives).toEqual([
      toMembership('cluster.lease.granted', {}),
      {
        kind: 'run', activity: LEASE_ACTIVITY, input: { ...ref, termMs: 300_000, heartbeatEveryMs: 250 }, onResult: 'cluster.detector.lease.ended', onError: 'cluster.detector.lease.lost',
        scheduleToStartMs: 1_000, startToCloseMs: 303_000, heartbeatTimeoutMs: 1_500, retry: { maximumAttempts: 1 },
      },
    ]);
    const lost = ok(applySignal(failureDetectorAgent, granted.state, createSignal('cluster.detector.lease.lost', { error: { message: 'activity timed out (HEARTBEAT)', type: 'HEARTBEAT' }, input: ref }), dctx));
    expect(lost.directives).toEqual([toMembership('cluster.lease.expired', { reason: 'lease lost: activity timed out (HEARTBEAT)' }), probe]);
    const fenced = ok(applySignal(failureDetectorAgent, lost.state, createSignal('cluster.detector.probed.failed', { error: { message: 'not me', type: FENCED_ERROR_TYPE }, input: ref }), dctx));
    expect(fenced.directives).toEqual([toMembership('cluster.node.failure', { cause: 'fenced', reason: 'fenced: not me' }), { kind: 'stop', reason: 'fenced: not me' }]);
    expect(fenced.state).toMatchObject({ phase: 'ended', leases: 1, suspicions: 1 });
    const refuted = ok(applySignal(failureDetectorAgent, lost.state, createSignal('cluster.detector.probed', { result: null }), dctx));
    expect(refuted.directives[0]).toEqual(toMembership('cluster.lease.granted', { refuted: true }));
    expectCatalogued([...granted.directives, ...lost.directives, ...fenced.directives, ...refuted.directives]);
  });
});

describe('signal catalogue', () => {
  const transition = { seq: 3, nodeId: 'n1', incarnation: 2, from: 'up', to: 'suspect', reason: 'lease lost', at: T0 };
  const examples: Record<string, unknown> = {
    'cluster.node.announce': ann(),
    'cluster.node.load': report(T0),
    'cluster.member.suspect': transition,
    'cluster.health.alert': { nodeId: 'n1', incarnation: 2, kind: 'cpu-limit', severity: 'critical', message: 'cpu 99%', value: 0.99, threshold: 0.95, at: T0 },
    'cluster.topology.get': { nodeId: 'n1' },
    'cluster.placement.configure': { strategy: 'least-connections', autoRebalance: { threshold: 0.25, cooldownMs: 60_000 } },
    'cluster.resources.set': { thresholds: { cpu: 0.7 }, quotas: { perKind: { memo: 20 } } },
  };

  it('names every type cluster.* or variable.*, each with a schema that rejects {} or takes its example', () => {
    expect(Object.keys(CATALOGUE).length).toBeGreaterThan(20);
    for (const [type, entry] of Object.entries(CATALOGUE)) {
      expect(type).toMatch(/^(cluster|variable)\.[a-z0-9.]+$/);
      expect(entry.schema.safeParse({}).success === false || entry.schema.safeParse(examples[type]).success, type).toBe(true);
    }
    for (const [type, example] of Object.entries(examples)) expect(CATALOGUE[type]?.schema.safeParse(example).success, type).toBe(true);
  });

  it('refuses NaN (null once through JSON), negative and out-of-range load values', () => {
    const schema = CLUSTER_SIGNALS['cluster.node.load'].schema;
    const bad = (over: object) => schema.safeParse({ ...report(T0), load: { ...load, ...over } }).success;
    expect(bad({ cpu: Number.NaN })).toBe(false);
    expect(bad(JSON.parse(JSON.stringify({ cpu: Number.NaN })) as object)).toBe(false); // { cpu: null }
    expect([bad({ memory: -0.1 }), bad({ activityLatencyMs: -1 }), bad({ hostedAgents: -1 }), bad({ cpu: 1.01 })]).toEqual([false, false, false, false]);
    expect(CLUSTER_SIGNALS['cluster.member.up'].schema.safeParse({ ...transition, to: 'gone' }).success).toBe(false);
    expect(CLUSTER_SIGNALS['cluster.node.announce'].schema.safeParse({ ...ann(), nodeId: 'Node_1' }).success).toBe(false);
  });

  it('catalogues every cluster type the agents route, but the internal detector and topology ones', () => {
    const internal = (t: string) => t.startsWith('cluster.detector.') || t === 'cluster.topology.get';
    const missing: string[] = [];
    for (const def of [nodeDiscoveryAgent, healthMonitorAgent, failureDetectorAgent]) {
      for (const pattern of Object.keys(def.routes).filter((p) => /^(cluster|variable)\./.test(p) && !internal(p))) {
        // A wildcard route stands for every catalogued type it matches (and must match one at least).
        const types = pattern.includes('*') ? Object.keys(CATALOGUE).filter((t) => def.router.match(t).length > 0 && !internal(t)) : [pattern];
        expect(types.length, pattern).toBeGreaterThan(0);
        missing.push(...types.filter((t) => !(t in CATALOGUE)));
      }
    }
    expect(missing).toEqual([]);
    // The membership publishes cluster.member.<status> for every status: all are catalogued.
    expect(NODE_STATUSES.filter((st) => !(`cluster.member.${st}` in CATALOGUE))).toEqual([]);
  });
});

describe('membership state stays under its byte limit by construction', () => {
  it('refuses an announcement over MAX_ANNOUNCEMENT_BYTES, and the fullest cluster fits maxStateBytes', () => {
    const name = (i: number, len: number): string => `k${String(i).padStart(len - 1, 'x')}`;
    const big = { ...ann('n1', 1), kinds: Array.from({ length: 512 }, (_, i) => name(i, 120)) };
    expect(CLUSTER_SIGNALS['cluster.node.announce'].schema.safeParse(big).success).toBe(false);

    // The largest announcement the schema accepts, for every record the membership may hold.
    const fat = (nodeId: string): NodeAnnouncement => {
      const base = { ...ann(nodeId, 1), metricsAddress: 'h'.repeat(200) };
      const kinds: string[] = [];
      while (CLUSTER_SIGNALS['cluster.node.announce'].schema.safeParse({ ...base, kinds: [...kinds, name(kinds.length, 60)] }).success) kinds.push(name(kinds.length, 60));
      return { ...base, kinds };
    };
    const cfg = config();
    let s = m.initialMembership(cfg);
    const long = 'r'.repeat(2_000);
    for (let i = 0; i < cfg.maxNodes + cfg.retainDeparted; i++) {
      const id = `n${i}`;
      s = m.announce(s, fat(id), src(id), T0 + i).state;
      s = m.leaseGranted(s, id, 1, T0 + i).state;
      s = m.recordLoad(s, { ...report(T0 + i, id), load: { ...load, activityLatencyMs: 123456.789, eventLoopLagMs: 98765.4321 } }, src(id), T0).state;
      if (i < cfg.retainDeparted) s = m.nodeFailed(s, id, 1, long, T0 + i).state;
      else s = m.leaseExpired(s, id, 1, long, T0 + i).state;
    }
    expect(Object.keys(s.nodes)).toHaveLength(cfg.maxNodes + cfg.retainDeparted);
    expect(s.transitions).toHaveLength(cfg.historyLimit);
    expect(s.transitions.every((t) => Buffer.byteLength(JSON.stringify(t.reason)) - 2 <= m.MAX_REASON_BYTES)).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify(s));
    expect(bytes).toBeLessThan(nodeDiscoveryAgent.options.maxStateBytes);
    expect(bytes).toBeGreaterThan(nodeDiscoveryAgent.options.maxStateBytes / 2); // it really is the fullest case
  });
});

describe('health monitor state stays bounded', () => {
  it('tracks at most NODES_TRACKED nodes (the one heard from longest ago is forgotten first) and ALERTS_KEPT alerts', () => {
    const ctx = { agentId: 'cluster/health-monitor', kind: 'healthMonitor', node: 'n1', now: T0 };
    const source = '/agent/cluster/node-discovery';
    let s = healthMonitorAgent.initialState;
    const total = NODES_TRACKED + 44;
    for (let i = 0; i < total; i++) {
      // Each node's first sample at the limit: a critical cpu-limit alert per node.
      const signal = createSignal('cluster.node.load', { ...report(T0 + i, `n${i}`), load: { ...load, cpu: 0.99 } }, { source });
      s = ok(applySignal(healthMonitorAgent, s, signal, ctx)).state;
    }
    expect(Object.keys(s.nodes)).toHaveLength(NODES_TRACKED);
    expect(Object.keys(s.active)).toHaveLength(NODES_TRACKED);
    expect(s.nodes.n0).toBeUndefined();
    expect(s.nodes[`n${total - 1}`]).toBeDefined();
    expect(s.alerts).toHaveLength(ALERTS_KEPT);
    expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThan(healthMonitorAgent.options.maxStateBytes);
  });
});

describe('cutReason', () => {
  it('cuts a reason to MAX_REASON_BYTES of JSON, escapes and multi-byte characters counted', () => {
    expect(m.cutReason('short')).toBe('short');
    for (const ch of ['a', '\u0001', 'é', '𝄞', '"']) {
      const cut = m.cutReason(ch.repeat(1_000));
      expect(Buffer.byteLength(JSON.stringify(cut)) - 2).toBeLessThanOrEqual(m.MAX_REASON_BYTES);
      expect(cut.endsWith('…')).toBe(true);
      expect(cut.length).toBeGreaterThan(10);
    }
  });
});
