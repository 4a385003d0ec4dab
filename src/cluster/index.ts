/**
 * The cluster layer's pure core: the signal catalogue, the membership and detector state machines, the
 * health maths, the presets, and the cluster agents built on them. Sandbox-safe.
 *
 * @module
 */
export * from './signals.js';
export * from './detector.js';
export * from './membership.js';
export * from './health.js';
export * from './presets.js';
export { failureDetectorAgent, LEASE_ACTIVITY, PROBE_ACTIVITY, type LeaseInput, type ProbeInput } from './agents/failure-detector.js';
export { nodeDiscoveryAgent, type AnnounceReply } from './agents/node-discovery.js';
export { healthMonitorAgent, healthMonitorStateSchema, ALERTS_KEPT, type HealthMonitorState } from './agents/health-monitor.js';
export { loadBalancerAgent, loadBalancerStateSchema, LOAD_BALANCER_INITIAL, DECISIONS_KEPT, placementTable, quotaRefusal, agentImbalance, type LoadBalancerState } from './agents/load-balancer.js';
export { resourceManagerAgent, resourceManagerStateSchema, type ResourceManagerState } from './agents/resource-manager.js';
export { migrationManagerAgent, migrationManagerStateSchema, MIGRATION_MANAGER_INITIAL, MAX_RUNNING, RECENT_KEPT, type MigrationAccepted, type MigrationManagerState } from './agents/migration-manager.js';

import { failureDetectorAgent } from './agents/failure-detector.js';
import { healthMonitorAgent } from './agents/health-monitor.js';
import { migrationManagerAgent } from './agents/migration-manager.js';
import { loadBalancerAgent } from './agents/load-balancer.js';
import { resourceManagerAgent } from './agents/resource-manager.js';
import { nodeDiscoveryAgent } from './agents/node-discovery.js';

/** Every cluster agent kind (what a node's bundle must run, and a client must know to start them). */
export const CLUSTER_KINDS = [nodeDiscoveryAgent, healthMonitorAgent, failureDetectorAgent, migrationManagerAgent, loadBalancerAgent, resourceManagerAgent] as const;
