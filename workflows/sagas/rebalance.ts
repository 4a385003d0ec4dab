/**
 * The rebalancing saga `rebalance/<round>`: takes a snapshot of the cluster (a control activity on the
 * shared queue: any node answers), plans with the pure planner (src/rebalance/planner.ts) — or checks a
 * plan it was given —, and carries the moves out through the migration saga, at most `parallelism` at
 * once, each as a child `migration/<agentId>` (one per agent at a time, so a move that collides with
 * another migration is skipped, not run twice). After failed moves it takes a new snapshot and plans again
 * (at most `replans` times), never moving an agent twice in one round.
 *
 * Bounded by construction: at most {@link MAX_MOVES_PER_ROUND} moves (a few events each) and
 * {@link MAX_PARALLEL_MIGRATIONS} children in flight; a snapshot is at most 10,000 agents (well under the
 * 2 MiB payload limit).
 *
 * @module
 */
import { ApplicationFailure, ParentClosePolicy, WorkflowIdReusePolicy, executeChild, getExternalWorkflowHandle, log, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentWorkflowId } from '../../src/agent/agent-id.js';
import { ErrorCode } from '../../src/errors.js';
import { signalMessage } from '../../src/messages.js';
import { planRebalance, type PlannerAgent } from '../../src/rebalance/planner.js';
import { migrationWorkflowId, type MigrationInput } from '../../src/saga/migration.js';
import {
  MAX_MOVES_PER_ROUND,
  rebalanceInputSchema,
  rebalanceProgressQuery,
  type MoveOutcome,
  type PlannedMove,
  type RebalanceInput,
  type RebalanceProgress,
  type RebalanceResult,
} from '../../src/saga/rebalance.js';
import { createSignal, newSignalId } from '../../src/signal/index.js';
import type { ClusterSnapshot, ControlActivities } from '../../activities/control-activities.js';

function message(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message !== '') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** A given plan, checked against the snapshot: every agent where the plan says, every target up. */
function checkPlan(moves: readonly PlannedMove[], snap: ClusterSnapshot): { ok: PlannedMove[]; skipped: MoveOutcome[] } {
  const where = new Map(snap.agents.map((a) => [a.agentId, a.node]));
  const up = new Set(snap.nodes.filter((n) => n.status === 'up').map((n) => n.nodeId));
  const ok: PlannedMove[] = [];
  const skipped: MoveOutcome[] = [];
  const seen = new Set<string>();
  for (const m of moves) {
    const at = where.get(m.agentId);
    const why =
      seen.has(m.agentId) ? 'moved once already in this round'
      : at === undefined ? 'not a running agent'
      : at !== m.from ? `it lives on ${at}, not ${m.from}`
      : !up.has(m.to) ? `node ${m.to} is not up`
      : m.to === m.from ? 'already there'
      : undefined;
    seen.add(m.agentId);
    if (why === undefined) ok.push(m);
    else skipped.push({ ...m, status: 'skipped', detail: why });
  }
  return { ok, skipped };
}

export async function rebalance(rawInput: RebalanceInput): Promise<RebalanceResult> {
  const parsed = rebalanceInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({ type: ErrorCode.INVALID_INPUT, message: `rebalance input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`, nonRetryable: true });
  }
  const input = parsed.data;
  const self = workflowInfo().workflowId;
  const parallelism = input.parallelism ?? 4;
  const progress: RebalanceProgress = { round: input.round, status: 'planning', plans: 0, planned: 0, moved: 0, failed: 0, skipped: 0, moves: [] };
  setHandler(rebalanceProgressQuery, () => progress);
  const control = proxyActivities<ControlActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '60s',
    retry: { maximumAttempts: 5, initialInterval: '1s' },
    summary: `snapshot of the cluster for rebalance ${input.round}`,
  });
  const details = (): void => setCurrentDetails(`**${progress.status}** plans ${progress.plans}, planned ${progress.planned}, moved ${progress.moved}, failed ${progress.failed}, skipped ${progress.skipped}`);

  /** Agents already moved (or tried) in this round: never again. */
  const touched = new Set<string>();
  const failedTargets = new Set<string>();

  const plan = async (): Promise<PlannedMove[]> => {
    progress.status = 'planning';
    progress.plans++;
    details();
    let snap: ClusterSnapshot;
    try {
      snap = await control.clusterSnapshot({});
    } catch (err) {
      throw ApplicationFailure.create({ type: ErrorCode.NODE_UNAVAILABLE, message: `rebalance ${input.round}: no snapshot of the cluster (${message(err)})`, nonRetryable: true });
    }
    if (input.moves !== undefined && progress.plans === 1) {
      const { ok, skipped } = checkPlan(input.moves, snap);
      for (const s of skipped) touched.add(s.agentId);
      progress.moves.push(...skipped);
      progress.skipped += skipped.length;
      return ok;
    }
    const agents: PlannerAgent[] = snap.agents.map((a) => ({ agentId: a.agentId, node: a.node, kind: a.kind, pinned: touched.has(a.agentId) }));
    const nodes = snap.nodes.map((n) => (failedTargets.has(n.nodeId) ? { ...n, breaker: 'open' as const } : n));
    const result = planRebalance({ nodes, agents, config: input.planner ?? {}, now: Date.now() });
    if (result.moves.length === 0) progress.note = result.reason ?? 'balanced: nothing to move';
    else if (result.limitedBy !== undefined) progress.note = `limited by ${result.limitedBy}`;
    if (snap.truncated) progress.note = `${progress.note ?? ''} (the snapshot held only the first ${snap.agents.length} agents)`.trim();
    return result.moves.slice(0, MAX_MOVES_PER_ROUND - progress.planned).map((m) => ({ agentId: m.agentId, from: m.from, to: m.to, reason: m.reason }));
  };

  const migrate = async (m: PlannedMove): Promise<void> => {
    touched.add(m.agentId);
    const outcome: MoveOutcome = { ...m, status: 'failed' };
    progress.moves.push(outcome);
    const args: MigrationInput = { agentId: m.agentId, to: m.to, reason: `rebalance ${input.round}${m.reason === undefined ? '' : `: ${m.reason}`}` };
    if (input.nodeTimeoutMs !== undefined) args.nodeTimeoutMs = input.nodeTimeoutMs;
    try {
      await executeChild('migration', {
        workflowId: migrationWorkflowId(m.agentId),
        args: [args],
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `move ${m.agentId} ${m.from} → ${m.to} (rebalance ${input.round})`,
      });
      outcome.status = 'moved';
      progress.moved++;
    } catch (err) {
      const detail = message(err);
      if (/already started|already running/i.test(detail)) {
        outcome.status = 'skipped';
        outcome.detail = 'another migration of this agent is running';
        progress.skipped++;
      } else {
        outcome.detail = detail.slice(0, 256);
        progress.failed++;
        if (/restore: node|switch:/.test(detail)) failedTargets.add(m.to);
      }
    }
    outcome.at = Date.now();
    details();
  };

  /** Runs moves with at most `parallelism` in flight. */
  const execute = async (moves: readonly PlannedMove[]): Promise<void> => {
    progress.status = 'moving';
    progress.planned += moves.length;
    details();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < moves.length) await migrate(moves[next++] as PlannedMove);
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, moves.length) }, lane));
  };

  await execute(await plan());
  for (let r = 0; r < (input.replans ?? 2) && progress.failed > 0 && progress.planned < MAX_MOVES_PER_ROUND; r++) {
    const failedBefore = progress.failed;
    const more = await plan();
    if (more.length === 0) break;
    await execute(more);
    if (progress.failed === failedBefore) break;
  }
  progress.status = 'completed';
  details();
  log.info('rebalance round done', { round: input.round, moved: progress.moved, failed: progress.failed, skipped: progress.skipped });
  if (input.notify !== undefined) {
    const signal = createSignal('cluster.rebalance.completed', { rebalanceId: input.round, moved: progress.moved, failed: progress.failed }, { source: `/${self}`, id: newSignalId(Math.random), time: new Date().toISOString() });
    await getExternalWorkflowHandle(agentWorkflowId(input.notify))
      .signal(signalMessage, signal)
      .catch((err: unknown) => log.warn('rebalance outcome not delivered', { notify: input.notify, error: message(err) }));
  }
  return { ...progress, status: 'completed' };
}
