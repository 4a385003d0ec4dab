/**
 * The wire contract of the bench-only bare counter: the baseline every runtime figure is divided by.
 * Imports only `@temporalio/workflow`, so the workflow and the harness share these definitions.
 *
 * @module
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Increments the counter; nothing else. */
export const bareIncSignal = defineSignal('bare.inc');
/** Increments the counter and returns the new count. */
export const bareIncUpdate = defineUpdate<number>('bare.incUpdate');
/** The current count. */
export const bareCountQuery = defineQuery<number>('bare.count');
/** Workflow type name of the bare counter. */
export const BARE_COUNTER = 'bareCounter';

// ---- the migration group's bare baseline (bare-workflows.ts: `bareMover`, `barePartner`) ----------------

/** Workflow type names of the bare migration's two sides: the mover (the saga's shape) and its partner (the agent's). */
export const BARE_MOVER = 'bareMover';
export const BARE_PARTNER = 'barePartner';

/** One of the mover's two round trips with its partner: `prepare`, then `commit` (which moves the partner's home). */
export interface BareMoveRequest {
  op: 'prepare' | 'commit';
  /** The mover's workflow id: where the reply goes. */
  replyTo: string;
  /** The node the partner's home moves to on `commit`. */
  target: string;
}

/** The partner's answer: where it is homed now, under which epoch (one more per commit). */
export interface BareMoveReply {
  op: BareMoveRequest['op'];
  home: string;
  epoch: number;
}

/** What the mover gives its partner: a request, answered with {@link bareMoveReplySignal}. */
export const bareMoveSignal = defineSignal<[BareMoveRequest]>('bare.move');
/** The partner's answer to the mover. */
export const bareMoveReplySignal = defineSignal<[BareMoveReply]>('bare.moveReply');
/** Where a partner is homed now (a query, like `jido.info`'s `node`). */
export const bareHomeQuery = defineQuery<{ home: string; epoch: number }>('bare.home');

/** The input of a bare migration: the partner workflow to move, and between which bare nodes. */
export interface BareMoveInput {
  partner: string;
  from: string;
  to: string;
}

/** What a bare migration returns. */
export interface BareMoveResult {
  partner: string;
  from: string;
  to: string;
  epoch: number;
}

/** The bare nodes' one trivial activity (bench/bare-worker.ts), run on a node's own queue ({@link bareNodeQueue}). */
export interface BareNodeActivities {
  bareNodeStep(input: { step: string; partner: string; epoch: number }): Promise<{ step: string; queue: string }>;
}

/** The activity queue of a bare node, like `node.<id>` of a cluster node. */
export function bareNodeQueue(node: string): string {
  return `bare-node.${node}`;
}
