/**
 * Node.js-only infrastructure (never loaded by workflow code): the pinned Temporal tools and the dev
 * server, workflow bundling, node worker processes and their configuration, logging, polling.
 *
 * @module
 */
export { bundleWorkflowsToFile } from './bundle.js';
export { hasExited, stopChild } from './child-process.js';
export { loadNodeConfig, nodeConfigSchema, type NodeConfig } from './config.js';
export { assertPortFree, searchAttributeArgs, startDevServer, type DevServer, type DevServerOptions } from './dev-server.js';
export { createLogger, temporalLogger, type Pino } from './logger.js';
export { spawnNodeProcess, type NodeProcess, type NodeProcessOptions } from './node-process.js';
export { ensureTools, type ToolPaths } from './tools/index.js';
export { waitFor } from './wait.js';
