/**
 * The workflows module of the benchmark worker: every workflow of agent-cluster plus `bareCounter`
 * (bench/bare-workflows.ts), a bare Temporal entity workflow that only counts, and `ballast`
 * (bench/ballast-agent.ts), a bench-only agent kind carrying a large state. Runtime and baseline run on
 * the same worker and task queue, so their ratio measures what the agent runtime adds on top of Temporal.
 * Sandbox code: only workflow modules are imported here.
 *
 * @module
 */
import { agentWorkflow } from '../workflows/agent/index.js';
import { ballastAgent } from './ballast-agent.js';

export * from '../workflows/index.js';
export { bareCounter } from './bare-workflows.js';
export const ballast = agentWorkflow(ballastAgent);
