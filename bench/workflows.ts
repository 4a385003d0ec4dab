/**
 * The workflows module of the benchmark worker: every workflow of agent-cluster plus `bareCounter`
 * (bench/bare-workflows.ts), a bare Temporal entity workflow that only counts. Runtime and baseline run on
 * the same worker and task queue, so their ratio measures what the agent runtime adds on top of Temporal.
 * Sandbox code: only workflow modules are imported here.
 *
 * @module
 */
export * from '../workflows/index.js';
export { bareCounter } from './bare-workflows.js';
