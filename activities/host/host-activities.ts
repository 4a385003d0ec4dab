/**
 * Activities over the node-local {@link AgentHost}. They run on the node's own task queue
 * (`node.<nodeId>`), so calling them is how a workflow reaches one particular node. Only the runtime and
 * the cluster's sagas call them: their names are reserved (`NODE_INTERNAL_ACTIVITIES`), and an action's
 * `run` directive naming one is refused before it is applied.
 *
 * Errors are data: input failing its schema, or an operation that cannot succeed (an agent not mounted),
 * is a non-retryable `ApplicationFailure` whose `type` is the error code, so Temporal does not retry it.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { AgentClusterError, ErrorCode } from '../../src/errors.js';
import type { AgentHost, HostCheckpoint, HostedAgent } from './agent-host.js';

const agentId = z.string().min(1);
const epoch = z.number().int().nonnegative();
const mountInput = z.object({ agentId, kind: z.string().min(1), state: z.unknown(), epoch: epoch.optional() });
const checkpointInput = z.object({ agentId, state: z.unknown().optional(), epoch: epoch.optional() });
const checkpointSchema = z.object({
  agentId,
  kind: z.string().min(1),
  state: z.unknown(),
  version: z.number().int().nonnegative(),
  node: z.string(),
  takenAt: z.number(),
  epoch: epoch.optional(),
  local: z.json().optional(),
});
const restoreInput = z.object({ checkpoint: checkpointSchema, epoch });
const unmountInput = z.object({ agentId, epoch: epoch.optional() });
const statusInput = z.object({ agentId });

function parse<T>(schema: z.ZodType<T>, input: unknown, activity: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw ApplicationFailure.create({ type: ErrorCode.INVALID_INPUT, message: `${activity}: ${z.prettifyError(r.error)}`, nonRetryable: true });
}

/** Runs a host operation; a terminal AgentClusterError becomes a non-retryable failure of its code. */
function hostOp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AgentClusterError) {
      throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: err.terminal, details: [err.details ?? {}] });
    }
    throw err;
  }
}

export function createHostActivities(host: AgentHost) {
  return {
    /** Mounts an agent (its first mount, or a remount after the node restarted), under its epoch. */
    async hostMount(input: { agentId: string; kind: string; state: unknown; epoch?: number }): Promise<{ node: string; version: number }> {
      const { agentId, kind, state, epoch } = parse(mountInput, input, 'hostMount');
      const agent = hostOp(() => host.mount(agentId, kind, state, epoch));
      return { node: host.nodeId, version: agent.version };
    },
    /** A move's source: the agent's state and dehydrated node-local part. */
    async hostCheckpoint(input: { agentId: string; state?: unknown; epoch?: number }): Promise<HostCheckpoint> {
      const { agentId, state, epoch } = parse(checkpointInput, input, 'hostCheckpoint');
      return hostOp(() => host.checkpoint(agentId, state, epoch));
    },
    /** A move's target: mounts the agent from a checkpoint under the move's new epoch. */
    async hostRestore(input: { checkpoint: HostCheckpoint; epoch: number }): Promise<{ node: string; version: number; epoch: number }> {
      const { checkpoint, epoch } = parse(restoreInput, input, 'hostRestore');
      const agent = hostOp(() => host.restore(checkpoint as HostCheckpoint, epoch));
      return { node: host.nodeId, version: agent.version, epoch: agent.epoch };
    },
    /** Unmounts an agent; with an epoch, the host refuses anything older for it from then on. */
    async hostUnmount(input: { agentId: string; epoch?: number }): Promise<{ node: string; wasMounted: boolean }> {
      const { agentId, epoch } = parse(unmountInput, input, 'hostUnmount');
      return { node: host.nodeId, wasMounted: hostOp(() => host.unmount(agentId, epoch)) };
    },
    /** Whether an agent is mounted here, under which epoch; and the newest epoch this node has seen for it. */
    async hostStatus(input: { agentId: string }): Promise<{ node: string; mounted: boolean; epoch?: number; version?: number; newestEpoch?: number }> {
      const { agentId } = parse(statusInput, input, 'hostStatus');
      const a = host.get(agentId);
      const out: { node: string; mounted: boolean; epoch?: number; version?: number; newestEpoch?: number } = { node: host.nodeId, mounted: a !== undefined };
      if (a !== undefined) Object.assign(out, { epoch: a.epoch, version: a.version });
      const newest = host.newestEpoch(agentId);
      if (newest !== undefined) out.newestEpoch = newest;
      return out;
    },
    async hostList(): Promise<HostedAgent[]> {
      return host.list();
    },
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
