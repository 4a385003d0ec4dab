/**
 * The node-local agent host: the agents mounted on this node, in memory, keyed by agent id. Activities on
 * the node's queue use it to mount an agent, checkpoint it, restore it from a checkpoint and unmount it;
 * the migration saga moves agents between hosts through those four operations.
 *
 * **Node-local runtimes.** A kind may declare a {@link HostedRuntime}: what the agent keeps in this node's
 * memory (a loaded model, a cache, open connections), with hooks to create it on mount, dehydrate it to
 * JSON for a move, rehydrate it on the target, and release it on unmount — the counterpart of Orleans'
 * migration participant (grain dehydrate/rehydrate). A kind without one is mounted with its state only.
 *
 * **Fencing.** Every operation carries the agent's fencing epoch (it grows with every move). The host
 * remembers the highest epoch it has seen per agent, also after an unmount, and refuses (`FENCED`) an
 * operation that carries an older one: a node that missed a move can never act for the agent again.
 * The memory of epochs is bounded ({@link FENCE_MEMORY}, oldest forgotten first).
 *
 * A checkpoint is plain JSON (`HostCheckpoint`), so it can travel in a workflow payload to another node.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../../src/errors.js';
import type { JsonValue } from '../../src/signal/index.js';

/** What a hook is told about the agent it serves. */
export interface HostedContext {
  agentId: string;
  kind: string;
  /** This node. */
  node: string;
  /** The agent's state as the workflow last gave it to the host. */
  state: unknown;
}

/** The node-side hooks of a kind whose agents keep something in the node's memory. */
export interface HostedRuntime<L = unknown> {
  /** Creates the node-local part from the agent's state (a first mount, or a remount after the node restarted). */
  mount(ctx: HostedContext): L;
  /** The node-local part as JSON, for a checkpoint (a move). At most a few hundred KiB: it travels in a payload. */
  dehydrate(local: L, ctx: HostedContext): JsonValue;
  /** The node-local part rebuilt on another node from what {@link dehydrate} gave. */
  rehydrate(data: JsonValue, ctx: HostedContext): L;
  /** Releases what the node-local part holds (called on unmount, and before a remount replaces it). */
  unmount?(local: L, ctx: HostedContext): void;
}

/** Node-local runtimes by kind. */
export type HostedRuntimes = Readonly<Record<string, HostedRuntime<unknown>>>;

/** A mounted agent, as the host lists it (JSON: what `hostList` answers). */
export interface HostedAgent {
  agentId: string;
  kind: string;
  state: unknown;
  /** Epoch ms on this node's clock. */
  mountedAt: number;
  /** Increases with each checkpoint. */
  version: number;
  /** The fencing epoch it was mounted under. */
  epoch: number;
  /** Whether it has a node-local part (its kind declares a {@link HostedRuntime}). */
  local: boolean;
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
  /** The fencing epoch it was taken under. */
  epoch?: number;
  /** The dehydrated node-local part, when the kind has one. */
  local?: JsonValue;
}

/** How many agents' last epochs a host remembers after they leave it. */
export const FENCE_MEMORY = 100_000;

/** A mounted agent as the host keeps it: its listing, with the node-local part itself. */
interface Mounted extends Omit<HostedAgent, 'local'> {
  local: unknown;
  hasLocal: boolean;
}

export class AgentHost {
  private readonly agents = new Map<string, Mounted>();
  /** Highest epoch seen per agent (insertion order = age, for forgetting). */
  private readonly fences = new Map<string, number>();

  constructor(
    readonly nodeId: string,
    private readonly runtimes: HostedRuntimes = {},
  ) {}

  get size(): number {
    return this.agents.size;
  }

  /** Refuses an operation whose epoch is older than the newest this host has seen for the agent. */
  checkEpoch(agentId: string, epoch: number, what: string): void {
    const newest = this.fences.get(agentId);
    if (newest !== undefined && epoch < newest) {
      throw new AgentClusterError(ErrorCode.FENCED, `${what} of agent "${agentId}" on node ${this.nodeId} refused: epoch ${epoch} is older than ${newest}, the agent has moved since`, {
        details: { agentId, node: this.nodeId, epoch, newest },
      });
    }
  }

  /** The newest epoch this host has seen for an agent (mounted or not), if it remembers one. */
  newestEpoch(agentId: string): number | undefined {
    return this.fences.get(agentId);
  }

  private remember(agentId: string, epoch: number): void {
    const newest = this.fences.get(agentId);
    this.fences.delete(agentId);
    this.fences.set(agentId, Math.max(epoch, newest ?? epoch));
    if (this.fences.size > FENCE_MEMORY) {
      for (const id of this.fences.keys()) {
        if (this.fences.size <= FENCE_MEMORY) break;
        if (!this.agents.has(id)) this.fences.delete(id);
      }
    }
  }

  private ctx(a: { agentId: string; kind: string; state: unknown }): HostedContext {
    return { agentId: a.agentId, kind: a.kind, node: this.nodeId, state: a.state };
  }

  /** Runs a kind's hook; a hook that throws fails the operation without retry. */
  private hook<T>(kind: string, name: string, agentId: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new AgentClusterError(ErrorCode.ACTION_FAILED, `the ${name} hook of kind "${kind}" failed for agent "${agentId}" on node ${this.nodeId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private release(a: Mounted): void {
    const runtime = this.runtimes[a.kind] as HostedRuntime | undefined;
    if (a.hasLocal && runtime?.unmount !== undefined) this.hook(a.kind, 'unmount', a.agentId, () => runtime.unmount?.(a.local, this.ctx(a)));
  }

  /**
   * Mounts an agent. Mounting an agent mounted under the same epoch refreshes its state and keeps its
   * node-local part (idempotent for retries); a newer epoch replaces it.
   */
  mount(agentId: string, kind: string, state: unknown, epoch = 0): HostedAgent {
    this.checkEpoch(agentId, epoch, 'mount');
    const existing = this.agents.get(agentId);
    const runtime = this.runtimes[kind] as HostedRuntime | undefined;
    let local: unknown;
    if (existing !== undefined && existing.epoch === epoch && existing.kind === kind) {
      local = existing.local;
    } else {
      if (existing !== undefined) this.release(existing);
      local = runtime === undefined ? undefined : this.hook(kind, 'mount', agentId, () => runtime.mount({ agentId, kind, node: this.nodeId, state }));
    }
    const agent: Mounted = { agentId, kind, state, mountedAt: existing?.mountedAt ?? Date.now(), version: existing?.version ?? 0, epoch, local, hasLocal: runtime !== undefined };
    this.agents.set(agentId, agent);
    this.remember(agentId, epoch);
    return this.view(agent);
  }

  get(agentId: string): HostedAgent | undefined {
    const a = this.agents.get(agentId);
    return a === undefined ? undefined : this.view(a);
  }

  /** The node-local part of a mounted agent (what its kind's `mount`/`rehydrate` hook made), for the kind's activities. */
  local<L>(agentId: string): L | undefined {
    return this.agents.get(agentId)?.local as L | undefined;
  }

  /** Snapshots a mounted agent, optionally with a newer state first. Throws `AGENT_NOT_MOUNTED` when it is not mounted. */
  checkpoint(agentId: string, state?: unknown, epoch?: number): HostCheckpoint {
    if (epoch !== undefined) this.checkEpoch(agentId, epoch, 'checkpoint');
    const agent = this.agents.get(agentId);
    if (agent === undefined) {
      throw new AgentClusterError(ErrorCode.AGENT_NOT_MOUNTED, `agent "${agentId}" is not mounted on node ${this.nodeId}`, { details: { agentId, node: this.nodeId } });
    }
    if (state !== undefined) agent.state = state;
    agent.version++;
    const runtime = this.runtimes[agent.kind] as HostedRuntime | undefined;
    const cp: HostCheckpoint = { agentId, kind: agent.kind, state: structuredClone(agent.state), version: agent.version, node: this.nodeId, takenAt: Date.now(), epoch: agent.epoch };
    if (runtime !== undefined && agent.hasLocal) cp.local = this.hook(agent.kind, 'dehydrate', agentId, () => runtime.dehydrate(agent.local, this.ctx(agent)));
    return cp;
  }

  /** Mounts an agent from a checkpoint (taken here or on another node), under `epoch` (default: the checkpoint's). */
  restore(cp: HostCheckpoint, epoch = cp.epoch ?? 0): HostedAgent {
    this.checkEpoch(cp.agentId, epoch, 'restore');
    const existing = this.agents.get(cp.agentId);
    if (existing !== undefined) this.release(existing);
    const runtime = this.runtimes[cp.kind] as HostedRuntime | undefined;
    const state = structuredClone(cp.state);
    const ctx = { agentId: cp.agentId, kind: cp.kind, node: this.nodeId, state };
    let local: unknown;
    if (runtime !== undefined) {
      local = cp.local === undefined ? this.hook(cp.kind, 'mount', cp.agentId, () => runtime.mount(ctx)) : this.hook(cp.kind, 'rehydrate', cp.agentId, () => runtime.rehydrate(cp.local as JsonValue, ctx));
    }
    const agent: Mounted = { agentId: cp.agentId, kind: cp.kind, state, mountedAt: Date.now(), version: cp.version, epoch, local, hasLocal: runtime !== undefined };
    this.agents.set(cp.agentId, agent);
    this.remember(cp.agentId, epoch);
    return this.view(agent);
  }

  /**
   * Unmounts an agent; returns whether it was mounted (idempotent). With an epoch, it is also remembered:
   * releasing the source of a move under the new epoch fences the source for good.
   */
  unmount(agentId: string, epoch?: number): boolean {
    if (epoch !== undefined) this.checkEpoch(agentId, epoch, 'unmount');
    const agent = this.agents.get(agentId);
    try {
      if (agent !== undefined) this.release(agent);
    } finally {
      // Gone from the host even when its unmount hook failed (the failure is still reported).
      this.agents.delete(agentId);
      if (epoch !== undefined) this.remember(agentId, epoch);
    }
    return agent !== undefined;
  }

  list(): HostedAgent[] {
    return [...this.agents.values()].map((a) => this.view(a));
  }

  private view(a: Mounted): HostedAgent {
    return { agentId: a.agentId, kind: a.kind, state: a.state, mountedAt: a.mountedAt, version: a.version, epoch: a.epoch, local: a.hasLocal };
  }
}
