/**
 * The node side of failure detection: the activities a node's failure detector (src/cluster/agents/
 * failure-detector.ts) runs on the node's own queue.
 *
 * - `clusterProbe`: answers at once, if this process is the incarnation asked for.
 * - `clusterLease`: heartbeats every `heartbeatEveryMs` until its term ends (→ `{ released: false }`), the
 *   node leaves (→ `{ released: true }`), or the server times it out (the node was frozen, or too slow:
 *   the cancellation says `TIMED_OUT` or `NOT_FOUND`, and the node hears that it lost its lease).
 *
 * Both refuse, with the non-retryable failure type `NodeFenced`, to act for an incarnation that is not this
 * process's: a restarted node never holds its predecessor's lease, so the predecessor is declared down.
 *
 * @module
 */
import { CancelledFailure, Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FENCED_ERROR_TYPE } from '../src/cluster/detector.js';
import type { LeaseInput, ProbeInput } from '../src/cluster/agents/failure-detector.js';

/** What the activities need from the node's membership (workers/member.ts). */
export interface LeaseHolder {
  readonly nodeId: string;
  /** This process's current incarnation, or undefined before it has one. */
  incarnation(): number | undefined;
  /** True once the node is leaving: leases return `{ released: true }`. */
  readonly leaving: boolean;
  /** Resolves when the node starts leaving. */
  readonly leavingSignal: Promise<void>;
  /** `lease` identifies one lease activity (a later lease supersedes an earlier one). */
  leaseStarted(incarnation: number, lease: string): void;
  leaseEnded(incarnation: number, lease: string): void;
  leaseLost(incarnation: number, lease: string, reason: string): void;
}

function fenced(holder: LeaseHolder | undefined, input: ProbeInput): ApplicationFailure | undefined {
  if (holder === undefined) return ApplicationFailure.nonRetryable('this worker is not a cluster member', FENCED_ERROR_TYPE);
  const mine = holder.incarnation();
  if (input.nodeId !== holder.nodeId || input.incarnation !== mine) {
    if (input.nodeId === holder.nodeId && mine !== undefined && input.incarnation > mine) {
      // Only a second live process with this NODE_ID joins under a newer incarnation: a misconfiguration
      // the two processes will fight over (each fences the other's probes).
      log.error('another process runs as this node under a newer incarnation: two processes share one NODE_ID', { nodeId: input.nodeId, ours: mine, theirs: input.incarnation });
    }
    return ApplicationFailure.nonRetryable(
      `node ${holder.nodeId} incarnation ${String(mine)} will not act for ${input.nodeId} incarnation ${input.incarnation}`,
      FENCED_ERROR_TYPE,
    );
  }
  return undefined;
}

export function createClusterActivities(holder: LeaseHolder | undefined) {
  return {
    async clusterProbe(input: ProbeInput): Promise<{ nodeId: string; incarnation: number; at: number }> {
      const refusal = fenced(holder, input);
      if (refusal !== undefined) throw refusal;
      return { nodeId: input.nodeId, incarnation: input.incarnation, at: Date.now() };
    },

    async clusterLease(input: LeaseInput): Promise<{ released: boolean }> {
      const refusal = fenced(holder, input);
      if (refusal !== undefined || holder === undefined) throw refusal;
      const ctx = Context.current();
      const lease = `${ctx.info.workflowExecution?.runId ?? ""}/${ctx.info.activityId}`;
      const until = Date.now() + input.termMs;
      const timeoutMs = ctx.info.heartbeatTimeoutMs ?? 0;
      let lastBeat = Date.now();
      // The process was frozen (or starved) past the heartbeat timeout: the server has failed this lease,
      // whatever comes next. Say so now — a completion after the term would be dropped as "not found".
      const overdue = (): boolean => timeoutMs > 0 && Date.now() - lastBeat >= timeoutMs;
      let lost = false;
      holder.leaseStarted(input.incarnation, lease);
      try {
        for (;;) {
          if (overdue()) {
            lost = true;
            holder.leaseLost(input.incarnation, lease, `lease paused ${Date.now() - lastBeat} ms, past its heartbeat timeout of ${timeoutMs} ms`);
            throw new CancelledFailure('TIMED_OUT');
          }
          if (Date.now() >= until) return { released: holder.leaving };
          if (holder.leaving) return { released: true };
          const again = fenced(holder, input);
          if (again !== undefined) throw again;
          ctx.heartbeat();
          lastBeat = Date.now();
          // ctx.sleep rejects with CancelledFailure when the server times the lease out.
          await Promise.race([ctx.sleep(input.heartbeatEveryMs), holder.leavingSignal]);
        }
      } catch (err) {
        if (!lost && err instanceof CancelledFailure && (err.message === 'TIMED_OUT' || err.message === 'NOT_FOUND')) {
          holder.leaseLost(input.incarnation, lease, `lease ${err.message}`);
        }
        throw err;
      } finally {
        holder.leaseEnded(input.incarnation, lease);
      }
    },
  };
}

export type ClusterActivities = ReturnType<typeof createClusterActivities>;
