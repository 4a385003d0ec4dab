/**
 * Control activities: what the cluster's sagas need to read from outside their own workflow — the
 * topology and where agents live — which a workflow cannot query itself. They run on the **shared**
 * workflow queue (every node's workflow worker registers them), so any live node answers and no saga
 * depends on one particular node.
 *
 * `clusterSnapshot` reads the membership agent's state (a query: no history) and lists running agents by
 * `AgentNode` through visibility (eventually consistent: an agent started or moved a moment ago may be
 * missing or shown at its old node; the migration saga checks the agent's real home itself). Bounded:
 * at most `maxAgents` agents (default 5,000, at most 10,000) and 1 MiB of them, so the result stays under the
 * 2 MiB payload limit; `truncated` says when more exist.
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/activity';
import { agentIdOf } from '../src/agent/agent-id.js';
import { CLUSTER_IDS, type MembershipState } from '../src/cluster/index.js';
import { ErrorCode } from '../src/errors.js';
import { stateQuery } from '../src/messages.js';
import type { PlacementNode } from '../src/placement/table.js';
import { AgentKindKey, AgentNodeKey } from '../src/search-attributes.js';
import { agentWorkflowId } from '../src/agent/agent-id.js';

/** One running agent and where visibility says it lives. */
export interface AgentLocation {
  agentId: string;
  kind: string;
  node: string;
}

export interface ClusterSnapshot {
  /** Epoch ms (the answering node's clock). */
  at: number;
  nodes: PlacementNode[];
  agents: AgentLocation[];
  truncated: boolean;
}

export const SNAPSHOT_MAX_AGENTS = 10_000;
/** Bytes of JSON the agent list may take (long agent ids): the result stays under Temporal's 2 MiB payload limit. */
export const SNAPSHOT_MAX_AGENT_BYTES = 1024 * 1024;

/** The placement table's rows from the membership's records (agents counted from `agents`). */
export function placementNodes(topology: MembershipState, agents: readonly AgentLocation[]): PlacementNode[] {
  const count: Record<string, number> = {};
  const byKind: Record<string, Record<string, number>> = {};
  for (const a of agents) {
    count[a.node] = (count[a.node] ?? 0) + 1;
    const k = (byKind[a.node] ??= {});
    k[a.kind] = (k[a.kind] ?? 0) + 1;
  }
  return Object.values(topology.nodes).map((r) => {
    const n: PlacementNode = {
      nodeId: r.nodeId,
      incarnation: r.incarnation,
      status: r.status,
      capabilities: r.info.capabilities,
      labels: r.info.labels,
      kinds: r.info.kinds,
      capacity: r.info.capacity,
      agents: count[r.nodeId] ?? 0,
      agentsByKind: byKind[r.nodeId] ?? {},
    };
    if (r.lastLoad !== undefined) n.load = r.lastLoad;
    return n;
  });
}

export function createControlActivities(client: Client) {
  return {
    async clusterSnapshot(input: { maxAgents?: number; kinds?: string[] } = {}): Promise<ClusterSnapshot> {
      const max = Math.min(Math.max(1, input.maxAgents ?? 5_000), SNAPSHOT_MAX_AGENTS);
      let topology: MembershipState;
      try {
        topology = (await client.workflow.getHandle(agentWorkflowId(CLUSTER_IDS.nodeDiscovery)).query(stateQuery)) as MembershipState;
      } catch (err) {
        throw ApplicationFailure.create({ type: ErrorCode.AGENT_NOT_FOUND, message: `cannot read the membership (${CLUSTER_IDS.nodeDiscovery}): ${err instanceof Error ? err.message : String(err)}`, nonRetryable: false });
      }
      const agents: AgentLocation[] = [];
      let truncated = false;
      let bytes = 0;
      const kinds = input.kinds === undefined ? '' : ` AND ${AgentKindKey.name} IN (${input.kinds.map((k) => `'${k.replace(/'/g, '')}'`).join(', ')})`;
      const query = `ExecutionStatus = 'Running' AND ${AgentNodeKey.name} IS NOT NULL${kinds}`;
      for await (const wf of client.workflow.list({ query })) {
        const agentId = agentIdOf(wf.workflowId);
        if (agentId === undefined || agentId.startsWith('cluster/')) continue; // the cluster's own agents stay where they are
        const sa = wf.typedSearchAttributes;
        const location: AgentLocation = { agentId, kind: sa.get(AgentKindKey) ?? wf.type, node: sa.get(AgentNodeKey) ?? '' };
        bytes += Buffer.byteLength(JSON.stringify(location)) + 1;
        if (agents.length >= max || bytes > SNAPSHOT_MAX_AGENT_BYTES) {
          truncated = true;
          break;
        }
        agents.push(location);
      }
      return { at: Date.now(), nodes: placementNodes(topology, agents), agents, truncated };
    },
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
