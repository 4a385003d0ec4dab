/**
 * `migrationManager` (`cluster/migration-manager`): the seeds' AgentMigrationManager. Accepts migration
 * requests and starts the saga `migration/<agentId>` for each (workflows/sagas/migration.ts), at most one
 * per agent at a time; hears how each ended; keeps the recent outcomes.
 *
 * - `cluster.migration.requested` `{ agentId, node?, reason? }` (a `jido.call`): refused with a reason that
 *   names the problem when a migration of that agent is already running, when the target node is unknown
 *   or not `up` (suspect, quarantined, draining, down, left), when no target is given (placement by the
 *   load balancer is the next capability), or when too many migrations run at once; otherwise the saga is
 *   started and the call answers `{ workflowId, to }`. Fifty concurrent requests for one agent: the first
 *   is accepted, the other 49 refused — the requests take their turn in this agent's inbox, and the saga's
 *   fixed workflow id would refuse a second start anyway.
 * - An agent moved less than `cooldownMs` (default 10 s) ago is not moved again: no ping-pong, and a late
 *   duplicate of a request that already ran is refused too.
 * - `cluster.migration.completed` / `.failed` from the saga (source `/migration/<agentId>`) end the record.
 * - `cluster.member.*` (topic `cluster.membership`) keep the node table current; the first node that
 *   starts this agent seeds it with the topology of the moment.
 *
 * Bounded: at most {@link MAX_RUNNING} migrations at once, the last {@link RECENT_KEPT} outcomes, and at
 * most 512 nodes.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { saga } from '../../agent/directives.js';
import { refuse } from '../../errors.js';
import { migrationWorkflowId, type MigrationInput } from '../../saga/migration.js';
import { rebalanceWorkflowId, type RebalanceInput } from '../../saga/rebalance.js';
import { CLUSTER_IDS, memberTransitionSchema, migrationCompletedSchema, migrationFailedSchema, migrationRequestedSchema, nodeStatusSchema, rebalanceCompletedSchema, rebalanceRequestedSchema } from '../signals.js';

export const MAX_RUNNING = 500;
export const RECENT_KEPT = 100;
const MAX_NODES = 512;

const text = z.string().max(256);

export const migrationManagerStateSchema = z.strictObject({
  nodes: z.record(z.string(), z.strictObject({ incarnation: z.number(), status: nodeStatusSchema })),
  running: z.record(z.string(), z.strictObject({ workflowId: z.string(), to: z.string(), reason: text.optional(), at: z.number() })),
  recent: z.array(
    z.strictObject({ agentId: z.string(), from: z.string().optional(), to: z.string(), outcome: z.enum(['completed', 'failed']), epoch: z.number().optional(), step: z.string().optional(), reason: text.optional(), at: z.number() }),
  ),
  counts: z.strictObject({ accepted: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
  /** An agent moved less than this long ago is not moved again (no ping-pong; late duplicates of a request are refused). */
  cooldownMs: z.number().int().nonnegative().max(86_400_000),
  /** Rebalance rounds started (names the next: `rebalance/<rounds + 1>`), and the last outcomes. */
  rounds: z.number().int().nonnegative().optional(),
  rebalances: z.array(z.strictObject({ round: z.string(), moved: z.number().int(), failed: z.number().int(), at: z.number() })).optional(),
});
export type MigrationManagerState = z.infer<typeof migrationManagerStateSchema>;
type S = MigrationManagerState;

export const MIGRATION_MANAGER_INITIAL: S = { nodes: {}, running: {}, recent: [], counts: { accepted: 0, completed: 0, failed: 0 }, cooldownMs: 10_000 };

/** What an accepted request is answered with. */
export interface MigrationAccepted {
  workflowId: string;
  agentId: string;
  to: string;
}

function ended(s: S, agentId: string, outcome: S['recent'][number]): S {
  const running = { ...s.running };
  delete running[agentId];
  const counts = { ...s.counts, [outcome.outcome]: s.counts[outcome.outcome] + 1 };
  return { ...s, running, counts, recent: [...s.recent, outcome].slice(-RECENT_KEPT) };
}

const requested = defineAction({
  name: 'requested',
  description: 'Starts the migration saga of one agent, or refuses with the reason.',
  params: migrationRequestedSchema,
  run: (s: S, p, _signal, ctx) => {
    const running = s.running[p.agentId];
    if (running !== undefined) throw refuse(`a migration of agent "${p.agentId}" is already running (${running.workflowId}, to ${running.to})`);
    const last = [...s.recent].reverse().find((r) => r.agentId === p.agentId && r.outcome === 'completed');
    if (last !== undefined && ctx.now - last.at < s.cooldownMs) {
      throw refuse(`agent "${p.agentId}" was moved to ${last.to} ${ctx.now - last.at} ms ago: it is not moved again within ${s.cooldownMs} ms (cooldown)`);
    }
    if (p.node === undefined) throw refuse(`no target node given for agent "${p.agentId}" (automatic placement comes with cluster/load-balancer)`);
    const node = s.nodes[p.node];
    if (node === undefined) throw refuse(`unknown node "${p.node}"`);
    if (node.status !== 'up') throw refuse(`node "${p.node}" is ${node.status}: only an up node can take an agent`);
    if (Object.keys(s.running).length >= MAX_RUNNING) throw refuse(`${MAX_RUNNING} migrations are running already; retry later`);
    const workflowId = migrationWorkflowId(p.agentId);
    const input: MigrationInput = { agentId: p.agentId, to: p.node, notify: CLUSTER_IDS.migrationManager };
    if (p.reason !== undefined) input.reason = p.reason.slice(0, 256);
    const entry: S['running'][string] = { workflowId, to: p.node, at: ctx.now };
    if (input.reason !== undefined) entry.reason = input.reason;
    const result: MigrationAccepted = { workflowId, agentId: p.agentId, to: p.node };
    return {
      state: { ...s, running: { ...s.running, [p.agentId]: entry }, counts: { ...s.counts, accepted: s.counts.accepted + 1 } },
      directives: [saga({ sagaType: 'migration', workflowId, input, onError: 'cluster.migration.unstarted', summary: `migrate ${p.agentId} to ${p.node}` })],
      result,
    };
  },
});

/** The saga's outcomes come from the saga itself. */
function fromSaga(source: string, agentId: string): void {
  if (source !== `/${migrationWorkflowId(agentId)}`) throw refuse(`a migration outcome for "${agentId}" came from "${source}", not from ${migrationWorkflowId(agentId)}`);
}

const completed = defineAction({
  name: 'completed',
  params: migrationCompletedSchema,
  run: (s: S, p, signal, ctx) => {
    fromSaga(signal.source, p.agentId);
    return { state: ended(s, p.agentId, { agentId: p.agentId, from: p.from, to: p.to, outcome: 'completed', epoch: p.epoch, at: ctx.now }) };
  },
});

const failed = defineAction({
  name: 'failed',
  params: migrationFailedSchema,
  run: (s: S, p, signal, ctx) => {
    fromSaga(signal.source, p.agentId);
    return { state: ended(s, p.agentId, { agentId: p.agentId, from: p.from, to: p.to, outcome: 'failed', step: p.step, reason: p.reason.slice(0, 256), at: ctx.now }) };
  },
});

/** The saga could not start (one was already running under its id, started by someone else). */
const unstarted = defineAction({
  name: 'unstarted',
  params: z.object({ workflowId: z.string(), error: z.string() }),
  run: (s: S, p, _signal, ctx) => {
    const agentId = Object.keys(s.running).find((id) => s.running[id]?.workflowId === p.workflowId);
    if (agentId === undefined) return { state: s };
    const to = s.running[agentId]?.to ?? '';
    return { state: ended(s, agentId, { agentId, to, outcome: 'failed', step: 'start', reason: p.error.slice(0, 256), at: ctx.now }) };
  },
});

const rebalanceRequested = defineAction({
  name: 'rebalanceRequested',
  description: 'Starts a rebalance round (the planner\'s, or the plan given).',
  params: rebalanceRequestedSchema,
  run: (s: S, p) => {
    const n = (s.rounds ?? 0) + 1;
    const round = String(n);
    const workflowId = rebalanceWorkflowId(round);
    const input: RebalanceInput = { round, reason: p.reason.slice(0, 256), notify: CLUSTER_IDS.migrationManager };
    if (p.moves !== undefined) input.moves = p.moves;
    if (p.planner !== undefined) input.planner = p.planner;
    if (p.parallelism !== undefined) input.parallelism = p.parallelism;
    return {
      state: { ...s, rounds: n },
      directives: [saga({ sagaType: 'rebalance', workflowId, input, onError: 'cluster.migration.unstarted', summary: `rebalance round ${round}: ${p.reason.slice(0, 120)}` })],
      result: { workflowId, round },
    };
  },
});

const rebalanceCompleted = defineAction({
  name: 'rebalanceCompleted',
  params: rebalanceCompletedSchema,
  run: (s: S, p, signal, ctx) => {
    if (signal.source !== `/${rebalanceWorkflowId(p.rebalanceId)}`) throw refuse(`a rebalance outcome came from "${signal.source}", not from ${rebalanceWorkflowId(p.rebalanceId)}`);
    return { state: { ...s, rebalances: [...(s.rebalances ?? []), { round: p.rebalanceId, moved: p.moved, failed: p.failed, at: ctx.now }].slice(-20) } };
  },
});

const member = defineAction({
  name: 'member',
  params: memberTransitionSchema,
  run: (s: S, p) => {
    const known = s.nodes[p.nodeId];
    if (known !== undefined && known.incarnation > p.incarnation) return { state: s }; // a late transition of an older incarnation
    const nodes = { ...s.nodes, [p.nodeId]: { incarnation: p.incarnation, status: p.to } };
    const ids = Object.keys(nodes);
    if (ids.length > MAX_NODES) {
      // Forget departed nodes first.
      for (const id of ids) if (Object.keys(nodes).length > MAX_NODES && (nodes[id]?.status === 'down' || nodes[id]?.status === 'left')) delete nodes[id];
    }
    return { state: { ...s, nodes } };
  },
});

export const migrationManagerAgent = defineAgent({
  name: 'migrationManager',
  description: 'Accepts migration requests and runs one migration saga per agent at a time.',
  state: migrationManagerStateSchema,
  initialState: MIGRATION_MANAGER_INITIAL,
  routes: {
    'cluster.migration.requested': requested,
    'cluster.migration.completed': completed,
    'cluster.migration.failed': failed,
    'cluster.migration.unstarted': unstarted,
    'cluster.rebalance.requested': rebalanceRequested,
    'cluster.rebalance.completed': rebalanceCompleted,
    'cluster.member.*': member,
  },
  options: { maxStateBytes: 768 * 1024 },
});
