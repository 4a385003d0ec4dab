/**
 * Cluster nodes: one process is one node (`node.ts` is the entry point, `npm run worker`);
 * `createNodeWorker` builds the node's two Temporal workers for embedding (tests, the bench).
 *
 * @module
 */
export { WORKFLOWS_PATH, createNodeWorker, installRuntime, type NodeWorker } from './node-worker.js';
