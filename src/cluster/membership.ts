/**
 * The cluster's topology as a pure state machine: who the nodes are, under which incarnation, in which
 * status, with what capabilities and last load; and a bounded history of transitions.
 *
 * Statuses and transitions (a node record is keyed by node id and holds its current incarnation):
 *
 * | from | event | to |
 * |---|---|---|
 * | (none), down, left | announce with a newer incarnation | joining |
 * | joining | lease granted (probe answered) | up |
 * | up, quarantined, draining | lease expired | suspect (remembering the status before; a lease exists only once a node is up) |
 * | suspect | lease granted again (suspicion refuted) | the status before |
 * | joining, up, suspect, quarantined, draining | failure confirmed (probe failed, or fenced) | down |
 * | joining, up, suspect, quarantined, draining | leave, or the lease released | left |
 * | up | quarantine (health failing) | quarantined |
 * | quarantined | release (health passing for the recovery time) | up |
 * | up, quarantined | drain | draining |
 *
 * Refusals (thrown as {@link refuse}: the agent dead-letters the signal with the reason and nothing
 * changes): an announcement for a node that is live under another incarnation, or under an incarnation not
 * newer than the last known one (a stopped-and-resumed node must not come back under its old identity), or
 * from a source that is not the node's own; a load report from an unknown node, from another incarnation,
 * or from a node that is down or has left; a leave from an unknown node or incarnation. Reports from a
 * failure detector about an incarnation that is no longer current are stale and ignored (no refusal: they
 * are expected in races).
 *
 * A transition's `from` is the node id's previous status, also across incarnations (a rejoin is
 * `down → joining` under the new incarnation); `null` for a node id never seen (or forgotten).
 *
 * Bounded by construction: at most `maxNodes` live nodes; departed (down/left) records beyond
 * `retainDeparted` are forgotten oldest first (forgetting one forgets its last incarnation too); the
 * transition history keeps the last `historyLimit`; reasons are cut to {@link MAX_REASON_BYTES}; an
 * announcement is at most `MAX_ANNOUNCEMENT_BYTES`. With the defaults (256 + 64 records of at most
 * about 2 KB, 200 transitions of at most about 0.5 KB) the state stays under the agent's 768 KiB.
 *
 * Pure module: safe in the workflow sandbox.
 *
 * @module
 */
import { z } from 'zod';
import { jsonStringBytes } from '../agent/json-size.js';
import { refuse } from '../errors.js';
import { detectorConfigSchema, DETECTOR_PRESETS } from './detector.js';
import {
  nodeAnnouncementSchema,
  nodeLoadSchema,
  nodeSource,
  nodeStatusSchema,
  memberTransitionSchema,
  type LoadReport,
  type MemberTransition,
  type NodeAnnouncement,
  type NodeStatus,
} from './signals.js';

export const LIVE_STATUSES: ReadonlySet<NodeStatus> = new Set<NodeStatus>(['joining', 'up', 'suspect', 'quarantined', 'draining']);

export function isLive(status: NodeStatus): boolean {
  return LIVE_STATUSES.has(status);
}

export const membershipConfigSchema = z.strictObject({
  detector: detectorConfigSchema,
  /** The shortest interval between one node's load reports. */
  loadReportMs: z.number().int().min(100).max(3_600_000),
  /**
   * The most load reports per second the whole cluster may send into the membership agent: a node's
   * interval is `max(loadReportMs, liveNodes / maxReportsPerSecond s)`, so the rate does not grow with
   * the cluster (Temporal's guidance is a few signals per second per workflow).
   */
  maxReportsPerSecond: z.number().min(0.1).max(20),
  historyLimit: z.number().int().min(1).max(1_000),
  maxNodes: z.number().int().min(1).max(512),
  retainDeparted: z.number().int().min(0).max(512),
});
export type MembershipConfig = z.infer<typeof membershipConfigSchema>;

export const MEMBERSHIP_DEFAULTS: MembershipConfig = {
  detector: DETECTOR_PRESETS.production,
  loadReportMs: 10_000,
  maxReportsPerSecond: 2,
  historyLimit: 200,
  maxNodes: 256,
  retainDeparted: 64,
};

export const memberRecordSchema = z.strictObject({
  nodeId: z.string(),
  incarnation: z.number(),
  status: nodeStatusSchema,
  /** Workflow time of the last status change, epoch ms. */
  since: z.number(),
  reason: z.string(),
  /** The status a suspicion interrupted, restored when it is refuted. */
  before: nodeStatusSchema.optional(),
  info: nodeAnnouncementSchema,
  lastLoad: nodeLoadSchema.extend({ at: z.number() }).optional(),
});
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const membershipStateSchema = z.strictObject({
  config: membershipConfigSchema,
  nodes: z.record(z.string(), memberRecordSchema),
  transitions: z.array(memberTransitionSchema),
  seq: z.number().int().nonnegative(),
});
export type MembershipState = z.infer<typeof membershipStateSchema>;

export function initialMembership(config: MembershipConfig = MEMBERSHIP_DEFAULTS): MembershipState {
  return { config, nodes: {}, transitions: [], seq: 0 };
}

/** What a step did: the new state and the transitions it made (in order). */
export interface MembershipStep {
  state: MembershipState;
  transitions: MemberTransition[];
}

function liveCount(s: MembershipState): number {
  let n = 0;
  for (const r of Object.values(s.nodes)) if (isLive(r.status)) n++;
  return n;
}

/** The interval a node should report its load at, for the cluster's current size. */
export function reportIntervalMs(s: MembershipState): number {
  const live = Math.max(1, liveCount(s));
  return Math.max(s.config.loadReportMs, Math.ceil((live / s.config.maxReportsPerSecond) * 1000));
}

/** Longest reason kept in a record or a transition, in bytes of JSON (a detector's reason quotes an activity failure). */
export const MAX_REASON_BYTES = 256;

/** `reason` cut to at most {@link MAX_REASON_BYTES} bytes of JSON (escapes counted), marked with `…`. */
export function cutReason(reason: string): string {
  if (jsonStringBytes(reason) <= MAX_REASON_BYTES) return reason;
  let cut = [...reason].slice(0, MAX_REASON_BYTES);
  while (cut.length > 0 && jsonStringBytes(`${cut.join('')}…`) > MAX_REASON_BYTES) cut = cut.slice(0, Math.max(0, cut.length - Math.max(1, Math.ceil(cut.length / 8))));
  return `${cut.join('')}…`;
}

function transition(s: MembershipState, record: MemberRecord, to: NodeStatus, fullReason: string, now: number, patch: Partial<MemberRecord> = {}): MembershipStep {
  const reason = cutReason(fullReason);
  const from = s.nodes[record.nodeId]?.status ?? null;
  const seq = s.seq + 1;
  const t: MemberTransition = { seq, nodeId: record.nodeId, incarnation: record.incarnation, from, to, reason, at: now };
  const next: MemberRecord = { ...record, ...patch, status: to, since: now, reason };
  if (to !== 'suspect') delete next.before;
  const nodes = { ...s.nodes, [record.nodeId]: next };
  const transitions = [...s.transitions, t].slice(-s.config.historyLimit);
  return { state: prune({ ...s, nodes, transitions, seq }), transitions: [t] };
}

/** Forgets the oldest departed records beyond `retainDeparted`. */
function prune(s: MembershipState): MembershipState {
  const departed = Object.values(s.nodes).filter((r) => !isLive(r.status));
  if (departed.length <= s.config.retainDeparted) return s;
  departed.sort((a, b) => a.since - b.since || a.nodeId.localeCompare(b.nodeId));
  const nodes = { ...s.nodes };
  for (const r of departed.slice(0, departed.length - s.config.retainDeparted)) delete nodes[r.nodeId];
  return { ...s, nodes };
}

const unchanged = (s: MembershipState): MembershipStep => ({ state: s, transitions: [] });

/** The current record of `nodeId` under `incarnation`, or undefined when it is not current (stale). */
function current(s: MembershipState, nodeId: string, incarnation: number): MemberRecord | undefined {
  const r = s.nodes[nodeId];
  return r !== undefined && r.incarnation === incarnation ? r : undefined;
}

/** A node announces itself. `source` is the signal's source, which must be the node's own (`/node/<id>`). */
export function announce(s: MembershipState, info: NodeAnnouncement, source: string, now: number): MembershipStep & { accepted: 'new' | 'already' } {
  if (source !== nodeSource(info.nodeId)) {
    throw refuse(`announcement of node "${info.nodeId}" came from "${source}", not from the node itself ("${nodeSource(info.nodeId)}")`);
  }
  const known = s.nodes[info.nodeId];
  if (known !== undefined && isLive(known.status)) {
    if (known.incarnation === info.incarnation) return { ...unchanged(s), accepted: 'already' };
    throw refuse(
      `node "${info.nodeId}" is already ${known.status} under incarnation ${known.incarnation}; incarnation ${info.incarnation} can join once that one is down or has left`,
      { nodeId: info.nodeId, current: known.incarnation, status: known.status },
    );
  }
  if (known !== undefined && info.incarnation <= known.incarnation) {
    throw refuse(
      `node "${info.nodeId}" announced incarnation ${info.incarnation}, not newer than its last known ${known.incarnation} (${known.status}): a node that comes back must rejoin under a new incarnation`,
      { nodeId: info.nodeId, last: known.incarnation },
    );
  }
  if (liveCount(s) >= s.config.maxNodes) throw refuse(`the cluster already has ${s.config.maxNodes} live nodes (maxNodes)`);
  const record: MemberRecord = { nodeId: info.nodeId, incarnation: info.incarnation, status: 'joining', since: now, reason: '', info };
  const step = transition(s, record, 'joining', known === undefined ? 'announced' : `rejoined after ${known.status} incarnation ${known.incarnation}`, now);
  return { ...step, accepted: 'new' };
}

/** The lease of a node is held: joining → up, or a suspicion refuted. */
export function leaseGranted(s: MembershipState, nodeId: string, incarnation: number, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined) return unchanged(s);
  if (r.status === 'joining') return transition(s, r, 'up', 'lease granted', now);
  if (r.status === 'suspect') return transition(s, r, r.before ?? 'up', 'suspicion refuted: the node answered its probe', now);
  return unchanged(s);
}

/** The lease expired: the node is suspect while the detector probes it. */
export function leaseExpired(s: MembershipState, nodeId: string, incarnation: number, reason: string, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined || !isLive(r.status) || r.status === 'suspect') return unchanged(s);
  return transition(s, r, 'suspect', reason, now, { before: r.status === 'joining' ? 'up' : r.status });
}

/** The failure is confirmed: down. */
export function nodeFailed(s: MembershipState, nodeId: string, incarnation: number, reason: string, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined || !isLive(r.status)) return unchanged(s);
  return transition(s, r, 'down', reason, now);
}

/** The detector saw the node release its lease (it is leaving): left, if its own leave call did not arrive. */
export function leaseReleased(s: MembershipState, nodeId: string, incarnation: number, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined || !isLive(r.status)) return unchanged(s);
  return transition(s, r, 'left', 'lease released: the node left', now);
}

/** A graceful leave. */
export function leave(s: MembershipState, nodeId: string, incarnation: number, source: string, reason: string, now: number): MembershipStep {
  if (source !== nodeSource(nodeId)) throw refuse(`leave of node "${nodeId}" came from "${source}", not from the node itself`);
  const r = s.nodes[nodeId];
  if (r === undefined) throw refuse(`leave from unknown node "${nodeId}"`);
  if (r.incarnation !== incarnation) throw refuse(`leave from node "${nodeId}" incarnation ${incarnation}, but its current incarnation is ${r.incarnation}`);
  if (!isLive(r.status)) return unchanged(s);
  return transition(s, r, 'left', reason, now);
}

/**
 * A load report: kept as the node's last load, stamped with the membership's own time `now` (a node's clock
 * may step back or run ahead; ordering and recovery times must not depend on it). Refused from unknown,
 * other or departed incarnations.
 */
export function recordLoad(s: MembershipState, report: LoadReport, source: string, now: number): MembershipStep {
  if (source !== nodeSource(report.nodeId)) throw refuse(`load report of node "${report.nodeId}" came from "${source}", not from the node itself`);
  const r = s.nodes[report.nodeId];
  if (r === undefined) throw refuse(`load report from unknown node "${report.nodeId}"`);
  if (r.incarnation !== report.incarnation) {
    throw refuse(`load report from node "${report.nodeId}" incarnation ${report.incarnation}, but its current incarnation is ${r.incarnation}`);
  }
  if (!isLive(r.status)) throw refuse(`load report from node "${report.nodeId}", which is ${r.status}`);
  const nodes = { ...s.nodes, [r.nodeId]: { ...r, lastLoad: { ...report.load, at: now } } };
  return { state: { ...s, nodes }, transitions: [] };
}

/** The health monitor quarantines a node (up → quarantined; a suspect node returns to quarantined). */
export function quarantine(s: MembershipState, nodeId: string, incarnation: number, reason: string, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined) return unchanged(s);
  if (r.status === 'up') return transition(s, r, 'quarantined', reason, now);
  if (r.status === 'suspect' && r.before === 'up') return { state: { ...s, nodes: { ...s.nodes, [nodeId]: { ...r, before: 'quarantined' } } }, transitions: [] };
  return unchanged(s);
}

/** The health monitor releases a quarantined node. */
export function release(s: MembershipState, nodeId: string, incarnation: number, reason: string, now: number): MembershipStep {
  const r = current(s, nodeId, incarnation);
  if (r === undefined) return unchanged(s);
  if (r.status === 'quarantined') return transition(s, r, 'up', reason, now);
  if (r.status === 'suspect' && r.before === 'quarantined') return { state: { ...s, nodes: { ...s.nodes, [nodeId]: { ...r, before: 'up' } } }, transitions: [] };
  return unchanged(s);
}

/** An operator drains a node: no new agents. */
export function drain(s: MembershipState, nodeId: string, reason: string, now: number): MembershipStep {
  const r = s.nodes[nodeId];
  if (r === undefined) throw refuse(`drain of unknown node "${nodeId}"`);
  if (r.status === 'draining') return unchanged(s);
  if (r.status !== 'up' && r.status !== 'quarantined') throw refuse(`node "${nodeId}" is ${r.status}: only an up or quarantined node can be drained`);
  return transition(s, r, 'draining', reason, now);
}

/** Nodes that may receive new agents: up, and not quarantined, draining, suspect or gone. */
export function placeableNodes(s: MembershipState): MemberRecord[] {
  return Object.values(s.nodes).filter((r) => r.status === 'up');
}
