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
const mountInput = z.object({ agentId, kind: z.string().min(1), state: z.unknown() });
const checkpointInput = z.object({ agentId, state: z.unknown().optional() });
const checkpointSchema = z.object({ agentId, kind: z.string().min(1), state: z.unknown(), version: z.number().int().nonnegative(), node: z.string(), takenAt: z.number() });
const unmountInput = z.object({ agentId });

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
    async hostMount(input: { agentId: string; kind: string; state: unknown }): Promise<{ node: string; version: number }> {
      const { agentId, kind, state } = parse(mountInput, input, 'hostMount');
      const agent = hostOp(() => host.mount(agentId, kind, state));
      return { node: host.nodeId, version: agent.version };
    },
    async hostCheckpoint(input: { agentId: string; state?: unknown }): Promise<HostCheckpoint> {
      const { agentId, state } = parse(checkpointInput, input, 'hostCheckpoint');
      return hostOp(() => host.checkpoint(agentId, state));
    },
    async hostRestore(checkpoint: HostCheckpoint): Promise<{ node: string; version: number }> {
      const cp = parse(checkpointSchema, checkpoint, 'hostRestore');
      const agent = hostOp(() => host.restore(cp));
      return { node: host.nodeId, version: agent.version };
    },
    async hostUnmount(input: { agentId: string }): Promise<{ node: string; wasMounted: boolean }> {
      const { agentId } = parse(unmountInput, input, 'hostUnmount');
      return { node: host.nodeId, wasMounted: host.unmount(agentId) };
    },
    async hostList(): Promise<HostedAgent[]> {
      return host.list();
    },
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
