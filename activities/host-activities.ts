/**
 * Activities over the node-local {@link AgentHost}. They run on the node's own task queue
 * (`node.<nodeId>`), so calling them is how a workflow reaches one particular node.
 *
 * @module
 */
import type { AgentHost, HostCheckpoint, HostedAgent } from './agent-host.js';

export function createHostActivities(host: AgentHost) {
  return {
    async hostMount(input: { agentId: string; kind: string; state: unknown }): Promise<{ node: string; version: number }> {
      const agent = host.mount(input.agentId, input.kind, input.state);
      return { node: host.nodeId, version: agent.version };
    },
    async hostCheckpoint(input: { agentId: string; state?: unknown }): Promise<HostCheckpoint> {
      return host.checkpoint(input.agentId, input.state);
    },
    async hostRestore(checkpoint: HostCheckpoint): Promise<{ node: string; version: number }> {
      const agent = host.restore(checkpoint);
      return { node: host.nodeId, version: agent.version };
    },
    async hostUnmount(input: { agentId: string }): Promise<{ node: string; wasMounted: boolean }> {
      return { node: host.nodeId, wasMounted: host.unmount(input.agentId) };
    },
    async hostList(): Promise<HostedAgent[]> {
      return host.list();
    },
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
