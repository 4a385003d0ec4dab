/**
 * `nodeDiscovery` (`cluster/node-discovery`): the membership agent, the seeds' NodeDiscovery. Owns the
 * topology (src/cluster/membership.ts): nodes join by announcing themselves, report their load, leave;
 * each incarnation gets a failure detector agent (./failure-detector.ts) whose verdicts move it between
 * up, suspect and down; the health monitor quarantines and releases. Every transition is published on the
 * `cluster.membership` topic as `cluster.member.<status>`; load reports are forwarded to the health monitor.
 *
 * Senders are checked by the signal's `source`: a node speaks for itself only (`/node/<id>`), verdicts
 * come from that incarnation's detector and from the health monitor. (The source is not authenticated:
 * Temporal's own authorisation — mTLS, an authorizer — is the trust boundary for who may signal at all.)
 *
 * @module
 */
import type { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { emit, spawn, type Directive } from '../../agent/directives.js';
import { refuse } from '../../errors.js';
import type { Signal } from '../../signal/index.js';
import { initialDetector } from '../detector.js';
import * as m from '../membership.js';
import {
  CLUSTER_IDS,
  drainSchema,
  leaseExpiredSchema,
  leaseGrantedSchema,
  leaseReleasedSchema,
  loadReportSchema,
  nodeAnnouncementSchema,
  nodeFailureSchema,
  nodeLeaveSchema,
  quarantineSchema,
  releaseSchema,
  topologyQuerySchema,
  type MemberTransition,
} from '../signals.js';

type S = m.MembershipState;

function publish(transitions: readonly MemberTransition[]): Directive[] {
  return transitions.map((t) => emit.toTopic(CLUSTER_IDS.membershipTopic, { type: `cluster.member.${t.to}`, data: t, subject: t.nodeId }));
}

/** The source a verdict about this incarnation must come from. */
function requireSource(signal: Signal, agentId: string, what: string): void {
  if (signal.source !== `/agent/${agentId}`) throw refuse(`${what} came from "${signal.source}", not from ${agentId}`);
}

/** What an announcing node is told. */
export interface AnnounceReply {
  accepted: 'new' | 'already';
  nodeId: string;
  incarnation: number;
  status: string;
  /** How often this node should report its load (grows with the cluster). */
  reportIntervalMs: number;
  /** Live nodes, this one included. */
  liveNodes: number;
  detector: m.MembershipConfig['detector'];
}

function reply(s: S, nodeId: string, accepted: 'new' | 'already'): AnnounceReply {
  const r = s.nodes[nodeId] as m.MemberRecord;
  return {
    accepted,
    nodeId,
    incarnation: r.incarnation,
    status: r.status,
    reportIntervalMs: m.reportIntervalMs(s),
    liveNodes: Object.values(s.nodes).filter((x) => m.isLive(x.status)).length,
    detector: s.config.detector,
  };
}

const announce = defineAction({
  name: 'announce',
  params: nodeAnnouncementSchema,
  run: (s: S, p, signal, ctx) => {
    const step = m.announce(s, p, signal.source, ctx.now);
    const directives = publish(step.transitions);
    if (step.accepted === 'new') {
      directives.push(
        spawn({
          agentKind: 'failureDetector',
          agentId: CLUSTER_IDS.detector(p.nodeId, p.incarnation),
          node: p.nodeId,
          state: initialDetector(p.nodeId, p.incarnation, s.config.detector),
          signals: [{ type: 'cluster.detector.start' }],
        }),
      );
    }
    return { state: step.state, directives, result: reply(step.state, p.nodeId, step.accepted) };
  },
});

const leave = defineAction({
  name: 'leave',
  params: nodeLeaveSchema,
  run: (s: S, p, signal, ctx) => {
    const step = m.leave(s, p.nodeId, p.incarnation, signal.source, p.reason ?? 'left gracefully', ctx.now);
    return { state: step.state, directives: publish(step.transitions), result: { status: step.state.nodes[p.nodeId]?.status ?? 'left' } };
  },
});

const load = defineAction({
  name: 'load',
  params: loadReportSchema,
  run: (s: S, p, signal, ctx) => {
    const step = m.recordLoad(s, p, signal.source, ctx.now);
    // Forwarded with the membership's time: the health monitor's windows and recovery clock run on it.
    return {
      state: step.state,
      directives: [emit.toAgent(CLUSTER_IDS.healthMonitor, { type: 'cluster.node.load', data: { ...p, at: ctx.now }, subject: p.nodeId })],
      result: { reportIntervalMs: m.reportIntervalMs(step.state) },
    };
  },
});

type NodeRef = { nodeId: string; incarnation: number };

/**
 * A verdict about one node incarnation from another cluster agent: refused unless it comes from `sender`
 * (that incarnation's detector, or the health monitor), then applied and its transitions published.
 */
function verdict<P extends NodeRef>(name: string, params: z.ZodType<P>, sender: (p: P) => string, step: (s: S, p: P, now: number) => m.MembershipStep) {
  return defineAction({
    name,
    params,
    run: (s: S, p: P, signal, ctx) => {
      requireSource(signal, sender(p), `${name} for "${p.nodeId}" incarnation ${p.incarnation}`);
      const next = step(s, p, ctx.now);
      return { state: next.state, directives: publish(next.transitions) };
    },
  });
}

const detectorOf = (p: NodeRef): string => CLUSTER_IDS.detector(p.nodeId, p.incarnation);
const healthMonitor = (): string => CLUSTER_IDS.healthMonitor;

const granted = verdict('leaseGranted', leaseGrantedSchema, detectorOf, (s, p, now) => m.leaseGranted(s, p.nodeId, p.incarnation, now));
const released = verdict('leaseReleased', leaseReleasedSchema, detectorOf, (s, p, now) => m.leaseReleased(s, p.nodeId, p.incarnation, now));
const expired = verdict('leaseExpired', leaseExpiredSchema, detectorOf, (s, p, now) => m.leaseExpired(s, p.nodeId, p.incarnation, p.reason, now));
const failed = verdict('nodeFailed', nodeFailureSchema, detectorOf, (s, p, now) => m.nodeFailed(s, p.nodeId, p.incarnation, `${p.cause}: ${p.reason}`, now));
const quarantine = verdict('quarantine', quarantineSchema, healthMonitor, (s, p, now) => m.quarantine(s, p.nodeId, p.incarnation, p.reason, now));
const release = verdict('release', releaseSchema, healthMonitor, (s, p, now) => m.release(s, p.nodeId, p.incarnation, p.reason, now));

const drain = defineAction({
  name: 'drain',
  params: drainSchema,
  run: (s: S, p, _signal, ctx) => {
    const step = m.drain(s, p.nodeId, p.reason ?? 'drain requested', ctx.now);
    return { state: step.state, directives: publish(step.transitions), result: { status: step.state.nodes[p.nodeId]?.status } };
  },
});

/** Topology queries through `jido.call` (no state change): one node, or the placeable ones. */
const topology = defineAction({
  name: 'topology',
  params: topologyQuerySchema,
  run: (s: S, p) => ({
    state: s,
    result: p?.nodeId !== undefined ? (s.nodes[p.nodeId] ?? null) : { nodes: Object.values(s.nodes), placeable: m.placeableNodes(s).map((r) => r.nodeId) },
  }),
});

export const nodeDiscoveryAgent = defineAgent({
  name: 'nodeDiscovery',
  description: 'The cluster membership: nodes, incarnations, statuses, capabilities and last load; transitions on topic cluster.membership.',
  state: m.membershipStateSchema,
  initialState: m.initialMembership(),
  routes: {
    'cluster.node.announce': announce,
    'cluster.node.leave': leave,
    'cluster.node.load': load,
    'cluster.node.drain': drain,
    'cluster.lease.granted': granted,
    'cluster.lease.expired': expired,
    'cluster.lease.released': released,
    'cluster.node.failure': failed,
    'cluster.health.quarantine': quarantine,
    'cluster.health.release': release,
    'cluster.topology.get': topology,
  },
  options: { maxStateBytes: 768 * 1024, deadLetterLimit: 200 },
});
