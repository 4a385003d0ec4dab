/**
 * Every activity a node worker registers on its own task queue `node.<nodeId>`.
 *
 * @module
 */
import { createHostActivities, type AgentHost } from './host/index.js';
import { createNodeActivities } from './node-activities.js';

export { AgentHost, type HostActivities, type HostCheckpoint, type HostedAgent } from './host/index.js';
export type { NodeActivities } from './node-activities.js';

/** The activities of one node, bound to its host. */
export function createActivities(host: AgentHost) {
  return { ...createHostActivities(host), ...createNodeActivities(host) };
}

export type NodeActivityMap = ReturnType<typeof createActivities>;
