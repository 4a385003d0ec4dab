/**
 * Every activity a node worker registers on its own task queue `node.<nodeId>`.
 *
 * @module
 */
import { type AgentHost } from './agent-host.js';
import { createHostActivities } from './host-activities.js';
import { createNodeActivities } from './node-activities.js';

export { AgentHost, type HostCheckpoint, type HostedAgent } from './agent-host.js';
export type { HostActivities } from './host-activities.js';
export type { NodeActivities } from './node-activities.js';

/** The activities of one node, bound to its host. */
export function createActivities(host: AgentHost) {
  return { ...createHostActivities(host), ...createNodeActivities(host) };
}

export type NodeActivityMap = ReturnType<typeof createActivities>;
