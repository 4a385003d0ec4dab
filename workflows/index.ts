/**
 * The workflow types of agent-cluster. Every export here becomes a workflow type (named after the export),
 * so export only workflows: one per agent kind, named as the kind, plus the topic workflow and the sagas.
 *
 * @module
 */
import { failureDetectorAgent, healthMonitorAgent, loadBalancerAgent, migrationManagerAgent, nodeDiscoveryAgent, resourceManagerAgent } from '../src/cluster/index.js';
import { accumulatorAgent, memoAgent, probeAgent } from '../src/examples/index.js';
import { agentWorkflow } from './agent/index.js';

export { topic } from './topic.js';
export const accumulator = agentWorkflow(accumulatorAgent);
export const probe = agentWorkflow(probeAgent);
export const memo = agentWorkflow(memoAgent);
export const nodeDiscovery = agentWorkflow(nodeDiscoveryAgent);
export const healthMonitor = agentWorkflow(healthMonitorAgent);
export const failureDetector = agentWorkflow(failureDetectorAgent);
export const migrationManager = agentWorkflow(migrationManagerAgent);
export const loadBalancer = agentWorkflow(loadBalancerAgent);
export const resourceManager = agentWorkflow(resourceManagerAgent);
export { migration } from './sagas/migration.js';
export { rebalance } from './sagas/rebalance.js';
