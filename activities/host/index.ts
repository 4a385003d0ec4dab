/**
 * The node-local agent host and the activities over it.
 *
 * @module
 */
export { AgentHost, type HostCheckpoint, type HostedAgent } from './agent-host.js';
export { createHostActivities, type HostActivities } from './host-activities.js';
