/**
 * The node-local agent host's fencing epochs and node-local runtimes, and the migration manager agent
 * applied through `applySignal`. Pure: no server.
 */
import { describe, expect, it } from 'vitest';
import { AgentHost, type HostedRuntime } from '../../activities/host/agent-host.js';
import { memoRuntime, type MemoCache } from '../../activities/examples/memo.js';
import { fencingInterceptor } from '../../activities/host/fencing.js';
import { epochOfActivityId, runActivityId } from '../../src/agent/fencing.js';
import { applySignal, type Applied } from '../../src/agent/apply.js';
import { checkDirectives } from '../../src/agent/admission.js';
import { saga } from '../../src/agent/directives.js';
import { LOAD_BALANCER_INITIAL, MIGRATION_MANAGER_INITIAL, loadBalancerAgent, migrationManagerAgent, placementTable, resourceManagerAgent, type LoadBalancerState, type MigrationManagerState } from '../../src/cluster/index.js';
import { agentImbalance } from '../../src/cluster/agents/load-balancer.js';
import { ErrorCode } from '../../src/errors.js';
import { createSignal } from '../../src/signal/index.js';

describe('agent host: fencing epochs', () => {
  it('refuses any operation older than the newest epoch it has seen for the agent, also after unmounting it', () => {
    const host = new AgentHost('node-a');
    host.mount('x', 'k', { v: 1 }, 0);
    expect(host.checkpoint('x', undefined, 0)).toMatchObject({ agentId: 'x', epoch: 0, version: 1, node: 'node-a' });
    // The move's release: unmounted under epoch 1.
    expect(host.unmount('x', 1)).toBe(true);
    expect(host.newestEpoch('x')).toBe(1);
    for (const op of [() => host.mount('x', 'k', {}, 0), () => host.checkpoint('x', undefined, 0), () => host.unmount('x', 0), () => host.restore({ agentId: 'x', kind: 'k', state: {}, version: 1, node: 'node-b', takenAt: 0 }, 0)]) {
      expect(op).toThrow(expect.objectContaining({ code: ErrorCode.FENCED, message: expect.stringMatching(/epoch 0 is older than 1/) }));
    }
    // The agent coming back under a newer epoch is welcome.
    expect(host.restore({ agentId: 'x', kind: 'k', state: { v: 2 }, version: 3, node: 'node-b', takenAt: 0 }, 2)).toMatchObject({ epoch: 2, version: 3, state: { v: 2 } });
    expect(() => host.checkpoint('ghost')).toThrow(expect.objectContaining({ code: ErrorCode.AGENT_NOT_MOUNTED }));
  });

  it('remounting under the same epoch keeps the node-local part; a newer epoch replaces it', () => {
    const calls: string[] = [];
    const rt: HostedRuntime<{ n: number }> = {
      mount: (c) => (calls.push(`mount ${c.agentId}`), { n: 0 }),
      dehydrate: (l) => ({ n: l.n }),
      rehydrate: (d) => (calls.push('rehydrate'), { n: (d as { n: number }).n }),
      unmount: () => void calls.push('unmount'),
    };
    const host = new AgentHost('node-a', { k: rt as HostedRuntime<unknown> });
    host.mount('x', 'k', {}, 0);
    host.local<{ n: number }>('x')!.n = 5;
    host.mount('x', 'k', { later: true }, 0); // a retried mount
    expect(host.local<{ n: number }>('x')?.n).toBe(5);
    const cp = host.checkpoint('x', undefined, 0);
    expect(cp.local).toEqual({ n: 5 });
    const target = new AgentHost('node-b', { k: rt as HostedRuntime<unknown> });
    target.restore(cp, 1);
    expect(target.local<{ n: number }>('x')?.n).toBe(5);
    host.mount('x', 'k', {}, 3);
    expect(host.local<{ n: number }>('x')?.n).toBe(0);
    expect(calls).toEqual(['mount x', 'rehydrate', 'unmount', 'mount x']);
    expect(host.list()).toEqual([expect.objectContaining({ agentId: 'x', epoch: 3, local: true })]);
  });

  it('a failing hook fails the operation with ACTION_FAILED, and an unmount still removes the agent', () => {
    const rt: HostedRuntime<null> = {
      mount: () => null,
      dehydrate: () => {
        throw new Error('cannot serialise');
      },
      rehydrate: () => null,
      unmount: () => {
        throw new Error('stuck');
      },
    };
    const host = new AgentHost('node-a', { k: rt as HostedRuntime<unknown> });
    host.mount('x', 'k', {}, 0);
    expect(() => host.checkpoint('x')).toThrow(expect.objectContaining({ code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/dehydrate hook of kind "k" failed .*cannot serialise/) }));
    expect(() => host.unmount('x', 0)).toThrow(/unmount hook/);
    expect(host.get('x')).toBeUndefined();
  });

  it('the memo runtime dehydrates to JSON and rehydrates the same entries', () => {
    const cache: MemoCache = new Map([['a', '1'], ['b', '2']]);
    const json = JSON.parse(JSON.stringify(memoRuntime.dehydrate(cache, { agentId: 'm', kind: 'memo', node: 'n', state: {} })));
    expect([...memoRuntime.rehydrate(json, { agentId: 'm', kind: 'memo', node: 'n', state: {} }).entries()]).toEqual([['a', '1'], ['b', '2']]);
    expect(() => memoRuntime.rehydrate({ not: 'an array' }, { agentId: 'm', kind: 'memo', node: 'n', state: {} })).toThrow(/array/);
  });
});

describe('saga directive admission', () => {
  it('accepts a registered saga type and refuses an unknown one', () => {
    const none = () => undefined;
    expect(checkDirectives([saga({ sagaType: 'migration', workflowId: 'migration/x', input: {} })], none)).toBeUndefined();
    expect(checkDirectives([saga({ sagaType: 'teleport', workflowId: 'teleport/x', input: {} })], none)).toMatchObject({ code: ErrorCode.ACTION_FAILED, message: expect.stringMatching(/unknown saga type "teleport"/) });
    expect(checkDirectives([saga({ sagaType: 'migration', workflowId: 'has space', input: {} })], none)).toMatchObject({ message: expect.stringMatching(/whitespace/) });
  });
});

describe('migration manager (applySignal)', () => {
  const T0 = 1_700_000_000_000;
  const ctx = (now = T0) => ({ agentId: 'cluster/migration-manager', kind: 'migrationManager', node: 'node-a', now });
  const ok = (a: Applied<MigrationManagerState>) => {
    if (!a.ok) throw new Error(a.error.message);
    return a;
  };
  const base: MigrationManagerState = { ...MIGRATION_MANAGER_INITIAL, nodes: { 'node-a': { incarnation: 1, status: 'up' }, 'node-b': { incarnation: 1, status: 'up' }, 'node-q': { incarnation: 1, status: 'quarantined' } } };
  const request = (s: MigrationManagerState, data: Record<string, string>, now = T0) => applySignal(migrationManagerAgent, s, createSignal('cluster.migration.requested', data, { source: '/client' }), ctx(now));

  it('starts one saga per agent, with the saga directive, and refuses a second while it runs', () => {
    const first = ok(request(base, { agentId: 'x', node: 'node-b', reason: 'r' }));
    expect(first.result).toEqual({ workflowId: 'migration/x', agentId: 'x', to: 'node-b' });
    expect(first.directives).toEqual([
      { kind: 'saga', sagaType: 'migration', workflowId: 'migration/x', input: { agentId: 'x', to: 'node-b', notify: 'cluster/migration-manager', reason: 'r' }, onError: 'cluster.migration.unstarted', summary: 'migrate x to node-b' },
    ]);
    expect(request(first.state, { agentId: 'x', node: 'node-a' })).toMatchObject({ ok: false, error: { code: ErrorCode.REFUSED, message: expect.stringMatching(/already running \(migration\/x, to node-b\)/) } });
    // Another agent is independent.
    expect(request(first.state, { agentId: 'y', node: 'node-a' }).ok).toBe(true);
  });

  it('refuses unknown, not-up and missing targets, naming the problem', () => {
    expect(request(base, { agentId: 'x', node: 'node-z' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/unknown node "node-z"/) } });
    expect(request(base, { agentId: 'x', node: 'node-q' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/node "node-q" is quarantined/) } });
    expect(request(base, { agentId: 'x' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no target node/) } });
    expect(request(base, { agentId: 'x', node: 'NOT valid' })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PARAMS } });
  });

  it('ends a record on the saga\'s outcome (only from the saga itself), then applies the cooldown', () => {
    const started = ok(request(base, { agentId: 'x', node: 'node-b' })).state;
    const done = createSignal('cluster.migration.completed', { agentId: 'x', from: 'node-a', to: 'node-b', epoch: 1 }, { source: '/migration/x' });
    const forged = createSignal('cluster.migration.completed', { agentId: 'x', from: 'node-a', to: 'node-b', epoch: 1 }, { source: '/client' });
    expect(applySignal(migrationManagerAgent, started, forged, ctx())).toMatchObject({ ok: false, error: { code: ErrorCode.REFUSED, message: expect.stringMatching(/not from migration\/x/) } });
    const after = ok(applySignal(migrationManagerAgent, started, done, ctx(T0 + 1_000))).state;
    expect(after.running).toEqual({});
    expect(after.recent).toEqual([{ agentId: 'x', from: 'node-a', to: 'node-b', outcome: 'completed', epoch: 1, at: T0 + 1_000 }]);
    expect(after.counts).toMatchObject({ accepted: 1, completed: 1 });
    expect(request(after, { agentId: 'x', node: 'node-a' }, T0 + 5_000)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cooldown/) } });
    expect(request(after, { agentId: 'x', node: 'node-a' }, T0 + 12_000).ok).toBe(true);
    // A failed one (or one that never started) ends its record too, without a cooldown.
    const failed = createSignal('cluster.migration.failed', { agentId: 'x', from: 'node-a', to: 'node-b', step: 'restore', reason: 'gone' }, { source: '/migration/x' });
    const afterFail = ok(applySignal(migrationManagerAgent, started, failed, ctx())).state;
    expect(afterFail.running).toEqual({});
    expect(request(afterFail, { agentId: 'x', node: 'node-b' }).ok).toBe(true);
    const unstarted = ok(applySignal(migrationManagerAgent, started, createSignal('cluster.migration.unstarted', { workflowId: 'migration/x', error: 'a migration is already running as migration/x' }, { source: '/agent/cluster/migration-manager' }), ctx())).state;
    expect(unstarted.recent.at(-1)).toMatchObject({ agentId: 'x', outcome: 'failed', step: 'start' });
  });

  it('keeps its node table from membership transitions, ignoring older incarnations', () => {
    const t = (nodeId: string, incarnation: number, to: string, seq: number) =>
      createSignal(`cluster.member.${to}`, { seq, nodeId, incarnation, from: null, to, reason: 'x', at: T0 }, { source: '/topic/cluster.membership' });
    let s = ok(applySignal(migrationManagerAgent, base, t('node-b', 2, 'joining', 1), ctx())).state;
    s = ok(applySignal(migrationManagerAgent, s, t('node-b', 1, 'down', 2), ctx())).state; // late news of the old incarnation
    expect(s.nodes['node-b']).toEqual({ incarnation: 2, status: 'joining' });
    s = ok(applySignal(migrationManagerAgent, s, t('node-b', 2, 'up', 3), ctx())).state;
    expect(request(s, { agentId: 'x', node: 'node-b' }).ok).toBe(true);
  });
});

describe('load balancer (applySignal)', () => {
  const T0 = 1_700_000_000_000;
  const ctx = { agentId: 'cluster/load-balancer', kind: 'loadBalancer', node: 'node-a', now: T0 };
  const info = (nodeId: string, incarnation = 1) => ({
    nodeId,
    incarnation,
    capabilities: [],
    labels: {},
    kinds: ['memo'],
    activities: [],
    capacity: { cpus: 2, memoryBytes: 8e9, maxAgents: 100 },
    version: '0.1.0',
    startedAt: T0,
  });
  const row = (s: LoadBalancerState, nodeId: string, homedAgents: number) =>
    applySignal(loadBalancerAgent, s, createSignal('cluster.placement.node', { info: info(nodeId), homedAgents }, { source: `/node/${nodeId}` }), ctx);
  const up = (s: LoadBalancerState, nodeId: string) =>
    applySignal(loadBalancerAgent, s, createSignal('cluster.member.up', { seq: 1, nodeId, incarnation: 1, from: 'joining', to: 'up', reason: 'x', at: T0 }, { source: '/topic' }), ctx);
  const ok = <T>(a: Applied<T>) => {
    if (!a.ok) throw new Error(a.error.message);
    return a;
  };
  let s = LOAD_BALANCER_INITIAL;
  for (const [n, agents] of [['node-a', 30], ['node-b', 2]] as const) s = ok(up(ok(row(s, n, agents)).state, n)).state;

  it('places by its table, records the decision, refuses with the reasons, and takes rows only from the node itself', () => {
    const placed = ok(applySignal(loadBalancerAgent, s, createSignal('cluster.placement.requested', { agentId: 'x', kind: 'memo' }, { source: '/client' }), ctx));
    expect(placed.result).toMatchObject({ node: 'node-b', strategy: 'weighted-score' });
    expect(placed.state.decisions).toHaveLength(1);
    expect(placed.state.nodes['node-b']?.agents).toBe(3);
    expect(applySignal(loadBalancerAgent, s, createSignal('cluster.placement.requested', { agentId: 'x', kind: 'gpu-job' }, { source: '/client' }), ctx)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.REFUSED, message: expect.stringMatching(/node-a cannot run kind "gpu-job"; node-b cannot run kind "gpu-job"/) },
    });
    expect(applySignal(loadBalancerAgent, s, createSignal('cluster.placement.node', { info: info('node-a') }, { source: '/node/node-b' }), ctx)).toMatchObject({ ok: false, error: { code: ErrorCode.REFUSED } });
    // A node going down opens nothing by itself, but counts; five migrations failing at it open its breaker.
    let b = s;
    for (let i = 0; i < 5; i++) b = ok(applySignal(loadBalancerAgent, b, createSignal('cluster.placement.failed', { nodeId: 'node-b', reason: 'restore timed out' }, { source: '/migration/x' }), ctx)).state;
    expect(placementTable(b, T0).nodes.find((n) => n.nodeId === 'node-b')?.breaker).toBe('open');
    expect(ok(applySignal(loadBalancerAgent, b, createSignal('cluster.placement.requested', { agentId: 'y', kind: 'memo' }, { source: '/client' }), ctx)).result).toMatchObject({ node: 'node-a' });
  });

  it('asks for a rebalance round when configured and the imbalance crosses the threshold, once per cooldown', () => {
    expect(agentImbalance(s)).toBeCloseTo(14 / 16, 10);
    expect(ok(row(s, 'node-b', 2)).directives).toEqual([]); // off by default
    const on = ok(applySignal(loadBalancerAgent, s, createSignal('cluster.placement.configure', { autoRebalance: { threshold: 0.5, cooldownMs: 60_000 } }, { source: '/operator' }), ctx)).state;
    const asked = ok(row(on, 'node-b', 2));
    expect(asked.directives).toEqual([{ kind: 'emit', to: { agent: 'cluster/migration-manager' }, signal: { type: 'cluster.rebalance.requested', data: { reason: expect.stringMatching(/deviate 88 % from the mean/) } } }]);
    expect(ok(row(asked.state, 'node-b', 2)).directives).toEqual([]); // cooldown
  });
});

describe('run fencing on the node', () => {
  const run = async (host: AgentHost, activityId: string, activityType = 'memoLookup') => {
    const ctx = { info: { activityType, activityId, workflowExecution: { workflowId: 'agent/x', runId: 'r' } } } as unknown as Parameters<ReturnType<typeof fencingInterceptor>>[0];
    const inbound = fencingInterceptor(host)(ctx).inbound!;
    return inbound.execute!({ args: [], headers: {} }, async () => 'ran');
  };

  it('refuses a run carrying an epoch older than the newest the node has seen; lets current ones and unknown agents run', async () => {
    const host = new AgentHost('node-a');
    expect(await run(host, '7')).toBe('ran'); // never seen: runs
    host.unmount('x', 1); // the move's release
    await expect(run(host, '7')).rejects.toMatchObject({ type: ErrorCode.FENCED, nonRetryable: true, message: expect.stringMatching(/carries epoch 0, the agent has moved under epoch 1/) });
    expect(await run(host, 'e1.0')).toBe('ran');
    expect(await run(host, 'e2.5')).toBe('ran');
    expect(await run(host, '3', 'hostStatus')).toBe('ran'); // the host's own operations fence themselves
    expect([runActivityId(0, 3), runActivityId(2, 3), epochOfActivityId('e12.4'), epochOfActivityId('17')]).toEqual([undefined, 'e2.3', 12, 0]);
  });
});

describe('resource manager and quotas (applySignal)', () => {
  const T0 = 1_700_000_000_000;
  const ok = <T>(a: Applied<T>) => {
    if (!a.ok) throw new Error(a.error.message);
    return a;
  };

  it('hands its limits to the load balancer, which then caps nodes and refuses a kind at its quota, naming it', () => {
    const set = ok(applySignal(resourceManagerAgent, resourceManagerAgent.initialState, createSignal('cluster.resources.set', { maxAgentsPerNode: 3, quotas: { perKind: { memo: 2 } } }, { source: '/operator' }), { agentId: 'cluster/resource-manager', kind: 'resourceManager', node: 'n', now: T0 }));
    expect(set.result).toMatchObject({ thresholds: { cpu: 0.8, memory: 0.85 }, maxAgentsPerNode: 3, quotas: { perKind: { memo: 2 } } });
    const handed = set.directives[0] as { kind: 'emit'; signal: { type: string; data: Record<string, unknown> } };
    expect(handed).toMatchObject({ kind: 'emit', to: { agent: 'cluster/load-balancer' }, signal: { type: 'cluster.placement.configure' } });
    const ctx = { agentId: 'cluster/load-balancer', kind: 'loadBalancer', node: 'n', now: T0 };
    const info = { nodeId: 'node-a', incarnation: 1, capabilities: [], labels: {}, kinds: ['memo', 'acc'], activities: [], capacity: { cpus: 2, memoryBytes: 8e9, maxAgents: 100 }, version: '0.1.0', startedAt: T0 };
    let lb = ok(applySignal(loadBalancerAgent, LOAD_BALANCER_INITIAL, createSignal('cluster.placement.node', { info, homedAgents: 1, homedByKind: { memo: 1 } }, { source: '/node/node-a' }), ctx)).state;
    lb = ok(applySignal(loadBalancerAgent, lb, createSignal('cluster.member.up', { seq: 1, nodeId: 'node-a', incarnation: 1, from: 'joining', to: 'up', reason: 'x', at: T0 }, { source: '/t' }), ctx)).state;
    lb = ok(applySignal(loadBalancerAgent, lb, createSignal(handed.signal.type, handed.signal.data, { source: '/agent/cluster/resource-manager' }), ctx)).state;
    expect(placementTable(lb, T0).nodes[0]?.capacity.maxAgents).toBe(3);
    const place = (s: LoadBalancerState, agentId: string, kind = 'memo') => applySignal(loadBalancerAgent, s, createSignal('cluster.placement.requested', { agentId, kind }, { source: '/client' }), ctx);
    lb = ok(place(lb, 'm2')).state; // memo: 2 of 2 now
    expect(place(lb, 'm3')).toMatchObject({ ok: false, error: { code: ErrorCode.REFUSED, message: 'agent "m3" not placed: quota for kind "memo" reached (2 of 2)' } });
    lb = ok(place(lb, 'a1', 'acc')).state; // node-a: 3 agents, at the cap
    expect(place(lb, 'a2', 'acc')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/node-a is at its capacity of 3 agents/) } });
  });
});

describe('load balancer state bound', () => {
  it('a full table (320 nodes with the largest announcements) and the kept decisions stay under the kind\'s 768 KiB', () => {
    const T0 = 1_700_000_000_000;
    const ctx = { agentId: 'cluster/load-balancer', kind: 'loadBalancer', node: 'n', now: T0 };
    const big = (i: number) => {
      const nodeId = `node-${String(i).padStart(4, '0')}-${'x'.repeat(40)}`;
      const kinds = Array.from({ length: 60 }, (_, k) => `kind${k}`);
      kinds[0] = 'memo';
      return { nodeId, incarnation: 1, capabilities: ['gpu', 'ssd'], labels: { zone: 'z'.repeat(40) }, kinds, activities: [], capacity: { cpus: 64, memoryBytes: 1e12, maxAgents: 1_000_000 }, version: '0.1.0', startedAt: T0 };
    };
    let s = LOAD_BALANCER_INITIAL;
    for (let i = 0; i < 320; i++) {
      const info = big(i);
      const load = { cpu: 0.1, memory: 0.1, hostedAgents: i, activityLatencyMs: 1.5, eventLoopLagMs: 2.5, at: T0 };
      let r = applySignal(loadBalancerAgent, s, createSignal('cluster.placement.node', { info, load, homedAgents: i, homedByKind: { memo: i } }, { source: `/node/${info.nodeId}` }), ctx);
      if (!r.ok) throw new Error(r.error.message);
      r = applySignal(loadBalancerAgent, r.state, createSignal('cluster.member.up', { seq: i + 1, nodeId: info.nodeId, incarnation: 1, from: 'joining', to: 'up', reason: 'x', at: T0 }, { source: '/t' }), ctx);
      if (!r.ok) throw new Error(r.error.message);
      s = r.state;
    }
    expect(applySignal(loadBalancerAgent, s, createSignal('cluster.placement.node', { info: big(999) }, { source: `/node/${big(999).nodeId}` }), ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/holds 320 live nodes/) } });
    for (let i = 0; i < 60; i++) {
      const r = applySignal(loadBalancerAgent, s, createSignal('cluster.placement.requested', { agentId: `a${i}`.padEnd(200, 'a'), kind: 'memo' }, { source: '/client' }), ctx);
      if (!r.ok) throw new Error(r.error.message);
      s = r.state;
    }
    const bytes = Buffer.byteLength(JSON.stringify(s));
    expect(bytes).toBeLessThan(768 * 1024);
    expect(s.decisions.length).toBeGreaterThanOrEqual(5); // the largest decisions: 64 candidates of 50-character ids each
  });
});
