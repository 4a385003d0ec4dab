/**
 * `healthMonitor` (`cluster/health-monitor`): the seeds' HealthMonitor. Fed every node's load reports
 * (forwarded by the membership agent), it keeps per-node sliding windows and runs the pure health maths
 * (../health.ts): z-score anomalies (cpu 2.5 σ over 20 samples, memory 2.0 σ over 15), absolute limits,
 * memory exhaustion and rising latency from trends. Alerts go to the `cluster.health` topic, each kind
 * once when it starts (not once per sample while it lasts). A node failing `failAfter` checks in a row is
 * quarantined (the membership marks it `quarantined`: it gets no new agents); one that then passes every
 * check for `recoveryMs` is released.
 *
 * It follows the membership topic: a node that is down or has left is forgotten, a new incarnation starts
 * from empty windows.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { emit, type Directive } from '../../agent/directives.js';
import { refuse } from '../../errors.js';
import { emptyNodeHealth, HEALTH_DEFAULTS, healthConfigSchema, observe, type HealthAlert, type NodeHealth } from '../health.js';
import { CLUSTER_IDS, loadReportSchema, memberTransitionSchema } from '../signals.js';

/** Alerts kept in state, newest last. */
export const ALERTS_KEPT = 100;
/**
 * Nodes tracked at most (the membership's `maxNodes`). Nodes are forgotten when the membership topic says
 * they are down or have left; should a transition be missed, the node heard from longest ago is forgotten
 * first, so the state stays bounded (about 1.6 KB per node) whatever the churn of node ids.
 */
export const NODES_TRACKED = 256;

function bounded(nodes: Record<string, NodeHealth>): Record<string, NodeHealth> {
  const ids = Object.keys(nodes);
  if (ids.length <= NODES_TRACKED) return nodes;
  // Quarantined nodes last: forgetting one would leave it quarantined in the membership for good.
  const rank = (id: string): number => (nodes[id]?.status === 'quarantined' ? 1 : 0);
  const oldest = ids.sort((a, b) => rank(a) - rank(b) || (nodes[a]?.lastAt ?? 0) - (nodes[b]?.lastAt ?? 0)).slice(0, ids.length - NODES_TRACKED);
  const kept = { ...nodes };
  for (const id of oldest) delete kept[id];
  return kept;
}

const nodeHealthSchema = z.custom<NodeHealth>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
const alertSchema = z.custom<HealthAlert>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

export const healthMonitorStateSchema = z.strictObject({
  config: healthConfigSchema,
  nodes: z.record(z.string(), nodeHealthSchema),
  /** Alert kinds active on each node at its last sample (an alert is published when its kind starts). */
  active: z.record(z.string(), z.array(z.string())),
  alerts: z.array(alertSchema),
  /** Quarantines and releases asked of the membership, for the record. */
  quarantines: z.number().int().nonnegative(),
  releases: z.number().int().nonnegative(),
});
export type HealthMonitorState = z.infer<typeof healthMonitorStateSchema>;

const load = defineAction({
  name: 'load',
  params: loadReportSchema,
  run: (s: HealthMonitorState, p, signal) => {
    if (signal.source !== `/agent/${CLUSTER_IDS.nodeDiscovery}`) {
      throw refuse(`load report of "${p.nodeId}" came from "${signal.source}": the health monitor takes load reports from ${CLUSTER_IDS.nodeDiscovery} only`);
    }
    const known = s.nodes[p.nodeId];
    const before = known !== undefined && known.incarnation === p.incarnation ? known : emptyNodeHealth(p.nodeId, p.incarnation);
    const o = observe(before, { ...p.load, at: p.at }, s.config);
    const wasActive = new Set(known !== undefined && known.incarnation === p.incarnation ? (s.active[p.nodeId] ?? []) : []);
    const fresh = o.alerts.filter((a) => a.kind === 'recovered' || !wasActive.has(a.kind));
    const directives: Directive[] = fresh.map((a) => emit.toTopic(CLUSTER_IDS.healthTopic, { type: 'cluster.health.alert', data: a as never, subject: a.nodeId }));
    const ref = { nodeId: p.nodeId, incarnation: p.incarnation };
    let { quarantines, releases } = s;
    if (o.action === 'quarantine') {
      quarantines++;
      const why = o.alerts.filter((a) => a.severity !== 'info').map((a) => a.kind);
      directives.push(emit.toAgent(CLUSTER_IDS.nodeDiscovery, { type: 'cluster.health.quarantine', data: { ...ref, reason: `health failing ${s.config.failAfter} checks in a row (${[...new Set(why)].join(', ') || 'anomalies'})` }, subject: p.nodeId }));
    } else if (o.action === 'release') {
      releases++;
      directives.push(emit.toAgent(CLUSTER_IDS.nodeDiscovery, { type: 'cluster.health.release', data: { ...ref, reason: `passed every check for ${s.config.recoveryMs} ms` }, subject: p.nodeId }));
    }
    const nodes = bounded({ ...s.nodes, [p.nodeId]: o.health });
    const active: Record<string, string[]> = {};
    for (const id of Object.keys(nodes)) active[id] = s.active[id] ?? [];
    active[p.nodeId] = [...new Set(o.alerts.filter((a) => a.kind !== 'recovered').map((a) => a.kind))];
    return {
      state: {
        ...s,
        nodes,
        active,
        alerts: [...s.alerts, ...fresh].slice(-ALERTS_KEPT),
        quarantines,
        releases,
      },
      directives,
      result: { verdict: o.verdict, alerts: o.alerts.length, action: o.action ?? null },
    };
  },
});

/** Membership transitions (topic `cluster.membership`): forget nodes that are gone. */
const member = defineAction({
  name: 'member',
  params: memberTransitionSchema,
  run: (s: HealthMonitorState, p) => {
    const known = s.nodes[p.nodeId];
    const gone = p.to === 'down' || p.to === 'left';
    const replaced = p.to === 'joining' && known !== undefined && known.incarnation !== p.incarnation;
    if (known === undefined || (!gone && !replaced) || (gone && known.incarnation !== p.incarnation)) return { state: s };
    const nodes = { ...s.nodes };
    const active = { ...s.active };
    delete nodes[p.nodeId];
    delete active[p.nodeId];
    return { state: { ...s, nodes, active } };
  },
});

export const healthMonitorAgent = defineAgent({
  name: 'healthMonitor',
  description: 'Per-node anomaly detection (z-scores over sliding windows), failure prediction from trends, alerts, quarantine and recovery.',
  state: healthMonitorStateSchema,
  initialState: { config: HEALTH_DEFAULTS, nodes: {}, active: {}, alerts: [], quarantines: 0, releases: 0 },
  routes: {
    'cluster.node.load': load,
    'cluster.member.*': member,
  },
  options: { maxStateBytes: 768 * 1024 },
});
