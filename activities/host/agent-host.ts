/**
 * The node-local agent host: the agents mounted on this node, in memory, keyed by agent id. Activities on
 * the node's queue use it to mount an agent, checkpoint it, restore it from a checkpoint and unmount it;
 * migration and failover sagas move agents between hosts through those four operations.
 *
 * A checkpoint is plain JSON (`HostCheckpoint`), so it can travel in a workflow payload to another node.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../../src/errors.js';

/** A mounted agent. */
export interface HostedAgent {
  agentId: string;
  kind: string;
  state: unknown;
  /** Epoch ms on this node's clock. */
  mountedAt: number;
  /** Increases with each checkpoint. */
  version: number;
}

/** A durable snapshot of a hosted agent, taken on one node and restorable on any. */
export interface HostCheckpoint {
  agentId: string;
  kind: string;
  state: unknown;
  version: number;
  /** The node the checkpoint was taken on. */
  node: string;
  /** Epoch ms on that node's clock. */
  takenAt: number;
}

export class AgentHost {
  private readonly agents = new Map<string, HostedAgent>();

  constructor(readonly nodeId: string) {}

  get size(): number {
    return this.agents.size;
  }

  /** Mounts an agent; mounting a mounted agent replaces its state (idempotent for retries). */
  mount(agentId: string, kind: string, state: unknown): HostedAgent {
    const existing = this.agents.get(agentId);
    const agent: HostedAgent = { agentId, kind, state, mountedAt: existing?.mountedAt ?? Date.now(), version: existing?.version ?? 0 };
    this.agents.set(agentId, agent);
    return agent;
  }

  get(agentId: string): HostedAgent | undefined {
    return this.agents.get(agentId);
  }

  /** Snapshots a mounted agent, optionally with a newer state first. Throws `AGENT_NOT_MOUNTED` when it is not mounted. */
  checkpoint(agentId: string, state?: unknown): HostCheckpoint {
    const agent = this.agents.get(agentId);
    if (agent === undefined) {
      throw new AgentClusterError(ErrorCode.AGENT_NOT_MOUNTED, `agent "${agentId}" is not mounted on node ${this.nodeId}`, { details: { agentId, node: this.nodeId } });
    }
    if (state !== undefined) agent.state = state;
    agent.version++;
    return { agentId, kind: agent.kind, state: structuredClone(agent.state), version: agent.version, node: this.nodeId, takenAt: Date.now() };
  }

  /** Mounts an agent from a checkpoint (taken here or on another node). */
  restore(cp: HostCheckpoint): HostedAgent {
    const agent: HostedAgent = { agentId: cp.agentId, kind: cp.kind, state: structuredClone(cp.state), mountedAt: Date.now(), version: cp.version };
    this.agents.set(cp.agentId, agent);
    return agent;
  }

  /** Unmounts an agent; returns whether it was mounted (idempotent). */
  unmount(agentId: string): boolean {
    return this.agents.delete(agentId);
  }

  list(): HostedAgent[] {
    return [...this.agents.values()];
  }
}
