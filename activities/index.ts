/**
 * Every activity a node worker registers on its own task queue `node.<nodeId>`.
 *
 * @module
 */
import { createHostActivities, type AgentHost } from './host/index.js';
import { createClusterActivities, type LeaseHolder } from './cluster-activities.js';
import { createNodeActivities } from './node-activities.js';

export { AgentHost, type HostActivities, type HostCheckpoint, type HostedAgent } from './host/index.js';
export type { NodeActivities } from './node-activities.js';
export type { ClusterActivities, LeaseHolder } from './cluster-activities.js';

/** The activities of one node, bound to its host (and to its membership, when it is a cluster member). */
export function createActivities(host: AgentHost, member?: LeaseHolder) {
  return { ...createHostActivities(host), ...createNodeActivities(host), ...createClusterActivities(member) };
}

export type NodeActivityMap = ReturnType<typeof createActivities>;
