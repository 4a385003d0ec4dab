/**
 * Client-side placement: `startAgent` without a node asks this. It reads the load balancer's placement
 * table by query (`jido.state` of `cluster/load-balancer`: no history, no workflow on the hot path of every
 * start), caches it for `tableTtlMs`, and places with the same pure library the load balancer uses. Each
 * decision counts the agent it placed into its cached copy at once, so a burst of starts between two
 * refreshes spreads out instead of piling onto one node. The decision, with its inputs, goes into the
 * started agent's input (`AgentWorkflowInput.placement`): it is in the first event of the agent's history,
 * where it can be explained and re-computed (`replayDecision`).
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import { agentWorkflowId } from '../agent/agent-id.js';
import { CLUSTER_IDS, placementTable, quotaRefusal, type LoadBalancerState } from '../cluster/index.js';
import { AgentClusterError, ErrorCode } from '../errors.js';
import { stateQuery } from '../messages.js';
import { place, type PlacementDecision, type PlacementRequest, type PlacementTable, type StrategyName } from '../placement/index.js';

export interface PlacerOptions {
  /** The strategy to use (default: the load balancer's). */
  strategy?: StrategyName;
  /** How long a read table is used before it is read again (default 1,000 ms). */
  tableTtlMs?: number;
}

export class Placer {
  private cached: { readAt: number; table: PlacementTable; state: LoadBalancerState } | undefined;
  /** Decision counter: starts anywhere, so that clients do not all begin a round robin at the same node. */
  private seq = Math.floor(Math.random() * 1_000_000);

  constructor(
    private readonly client: Client,
    private readonly options: PlacerOptions = {},
  ) {}

  private async table(): Promise<{ table: PlacementTable; state: LoadBalancerState }> {
    const now = Date.now();
    if (this.cached !== undefined && now - this.cached.readAt < (this.options.tableTtlMs ?? 1_000)) return this.cached;
    let state: LoadBalancerState;
    try {
      state = (await this.client.workflow.getHandle(agentWorkflowId(CLUSTER_IDS.loadBalancer)).query(stateQuery)) as LoadBalancerState;
    } catch (err) {
      throw new AgentClusterError(ErrorCode.NO_NODE_FITS, `cannot place automatically: the load balancer (${CLUSTER_IDS.loadBalancer}) does not answer (${err instanceof Error ? err.message : String(err)}); is a cluster node running?`);
    }
    this.cached = { readAt: now, table: placementTable(state, now), state };
    return this.cached;
  }

  /** Places one agent; throws {@link ErrorCode.NO_NODE_FITS} naming why no node fits. */
  async place(request: PlacementRequest): Promise<PlacementDecision> {
    const { table, state } = await this.table();
    const overQuota = quotaRefusal(state, request);
    if (overQuota !== undefined) throw new AgentClusterError(ErrorCode.NO_NODE_FITS, `agent "${request.agentId}" not placed: ${overQuota}`);
    const decision = place(table, request, this.options.strategy ?? state.config.strategy, { seq: this.seq++ }, state.config.thresholds);
    if (!decision.ok) throw new AgentClusterError(ErrorCode.NO_NODE_FITS, decision.reason, { details: { excluded: decision.excluded } });
    const row = table.nodes.find((n) => n.nodeId === decision.node);
    if (row !== undefined) row.agents++;
    // Counted at once against the kind's quota too (the next read of the table brings the real counts).
    const lbRow = state.nodes[decision.node];
    if (lbRow !== undefined) lbRow.agentsByKind = { ...lbRow.agentsByKind, [request.kind]: (lbRow.agentsByKind?.[request.kind] ?? 0) + 1 };
    return decision;
  }
}
