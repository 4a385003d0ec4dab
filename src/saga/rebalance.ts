/**
 * The rebalancing saga's data: input, progress, result. Plain JSON; the workflow is
 * workflows/sagas/rebalance.ts. Pure module.
 *
 * @module
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { nodeIdSchema } from '../cluster/signals.js';

/** The workflow id of one rebalance round. */
export function rebalanceWorkflowId(round: string): string {
  return `rebalance/${round}`;
}

/** Most moves one round may make (each is a migration child: a few events each, far under 51,200). */
export const MAX_MOVES_PER_ROUND = 1_000;
/** Most migrations one round runs at once. */
export const MAX_PARALLEL_MIGRATIONS = 16;

export const plannedMoveSchema = z.strictObject({ agentId: z.string().min(1).max(900), from: nodeIdSchema, to: nodeIdSchema, reason: z.string().max(256).optional() });
export type PlannedMove = z.infer<typeof plannedMoveSchema>;

export const rebalanceInputSchema = z.strictObject({
  /** Names the round: the workflow id is `rebalance/<round>`. */
  round: z.string().min(1).max(200),
  reason: z.string().max(256).optional(),
  /** A plan to carry out as it is (checked against the cluster first); without one the planner makes it. */
  moves: z.array(plannedMoveSchema).max(MAX_MOVES_PER_ROUND).optional(),
  /** Migrations at once (default 4). */
  parallelism: z.number().int().min(1).max(MAX_PARALLEL_MIGRATIONS).optional(),
  /** Planner overrides (src/rebalance/planner.ts). */
  planner: z.record(z.string(), z.number()).optional(),
  /** Times the round plans again after failed moves (default 2). */
  replans: z.number().int().min(0).max(5).optional(),
  /** An agent to tell how the round ended (`cluster.rebalance.completed`). */
  notify: z.string().min(1).max(900).optional(),
  /** Passed to each migration (ms). */
  nodeTimeoutMs: z.number().int().min(100).max(300_000).optional(),
});
export type RebalanceInput = z.infer<typeof rebalanceInputSchema>;

export interface MoveOutcome extends PlannedMove {
  status: 'moved' | 'failed' | 'skipped';
  detail?: string;
  /** Workflow time the migration ended. */
  at?: number;
}

export interface RebalanceProgress {
  round: string;
  status: 'planning' | 'moving' | 'completed' | 'failed';
  /** Plans made (the first, then one per re-plan). */
  plans: number;
  planned: number;
  moved: number;
  failed: number;
  skipped: number;
  /** Why the planner stopped short, or why nothing was planned. */
  note?: string;
  moves: MoveOutcome[];
}

export type RebalanceResult = Omit<RebalanceProgress, 'status'> & { status: 'completed' };

export const rebalanceProgressQuery = defineQuery<RebalanceProgress>('rebalance.progress');
