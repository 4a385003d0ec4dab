/**
 * Every activity a node worker registers on its own task queue `node.<nodeId>`.
 *
 * @module
 */
import { createHostActivities, type AgentHost } from './host/index.js';
import { createClusterActivities, type LeaseHolder } from './cluster-activities.js';
import { createNodeActivities } from './node-activities.js';
import { createMemoActivities, memoRuntime } from './examples/memo.js';
import type { HostedRuntimes } from './host/agent-host.js';

/** The node-local runtimes of the kinds this package ships (see activities/host/agent-host.ts). */
export const HOSTED_RUNTIMES: HostedRuntimes = { memo: memoRuntime };

export { AgentHost, type HostActivities, type HostCheckpoint, type HostedAgent } from './host/index.js';
export type { HostedRuntime, HostedRuntimes, HostedContext } from './host/agent-host.js';
export type { NodeActivities } from './node-activities.js';
export type { ClusterActivities, LeaseHolder } from './cluster-activities.js';

/** The activities of one node, bound to its host (and to its membership, when it is a cluster member). */
export function createActivities(host: AgentHost, member?: LeaseHolder) {
  return { ...createHostActivities(host), ...createNodeActivities(host), ...createMemoActivities(host), ...createClusterActivities(member) };
}

export type NodeActivityMap = ReturnType<typeof createActivities>;
