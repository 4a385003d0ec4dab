/**
 * The live migration saga's data: its input, its steps, and the progress it answers to a query. Plain
 * JSON; the workflow is workflows/sagas/migration.ts. Pure module.
 *
 * Steps, in order (each visible in the Web UI as the summary of its activity or signal, and in the
 * `migration.progress` query):
 *
 * | step | what | compensation once it has happened |
 * |---|---|---|
 * | `prepare` | the agent holds new node-local work and answers once none is in flight (quiesced) | `abort`: the agent resumes on its source |
 * | `checkpoint` | hosted agents: state and dehydrated node-local part, taken on the source under the current epoch | — |
 * | `restore` | hosted agents: mounted on the target from the checkpoint under the next epoch; others: the target is asked whether it answers | unmount from the target (under the next epoch) |
 * | `switch` | the agent's home node and epoch change (`AgentNode`); held work goes to the target | none: from here on the move stands |
 * | `release` | hosted agents: unmounted from the source under the next epoch, which fences the source | — (a source that does not answer is fenced by the epoch anyway) |
 * | `validate` | the target holds the agent under the next epoch, and the agent says it is homed there | — |
 *
 * @module
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { nodeIdSchema } from '../cluster/signals.js';

export const MIGRATION_STEPS = ['prepare', 'checkpoint', 'restore', 'switch', 'release', 'validate'] as const;
export type MigrationStep = (typeof MIGRATION_STEPS)[number];

/** The workflow id of the one migration of an agent that may run at a time. */
export function migrationWorkflowId(agentId: string): string {
  return `migration/${agentId}`;
}

export const migrationInputSchema = z.strictObject({
  agentId: z.string().min(1).max(900),
  /** The target node. */
  to: nodeIdSchema,
  reason: z.string().max(256).optional(),
  /** An agent to tell how it ended (`cluster.migration.completed` / `.failed`), e.g. the migration manager. */
  notify: z.string().min(1).max(900).optional(),
  /** How long the agent may take to quiesce (its runs in flight to finish), ms. Default 60 s. */
  quiesceTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  /** How long a node may take to pick up a step's activity before the step fails, ms. Default 10 s. */
  nodeTimeoutMs: z.number().int().min(100).max(300_000).optional(),
});
export type MigrationInput = z.infer<typeof migrationInputSchema>;

export type StepStatus = 'running' | 'done' | 'skipped' | 'failed' | 'compensated';

export interface StepRecord {
  step: MigrationStep | 'compensate';
  status: StepStatus;
  /** Workflow time, epoch ms. */
  at: number;
  detail?: string;
}

export interface MigrationProgress {
  agentId: string;
  to: string;
  /** Known once the agent answered `prepare`. */
  from?: string;
  kind?: string;
  hosted?: boolean;
  /** The epoch the agent had, and the one it moves under. */
  epoch?: number;
  nextEpoch?: number;
  status: 'running' | 'compensating' | 'completed' | 'failed';
  step: MigrationStep | 'compensate' | 'done';
  steps: StepRecord[];
  /** Why it failed (the step and the reason). */
  error?: string;
}

/** What a migration returns when it completes (a failed one fails its workflow, after compensating). */
export interface MigrationResult {
  agentId: string;
  from: string;
  to: string;
  epoch: number;
  steps: StepRecord[];
}

/** The saga's progress (a query: writes no history). */
export const migrationProgressQuery = defineQuery<MigrationProgress>('migration.progress');
