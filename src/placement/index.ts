/**
 * Placement: the table, the constraints, one strategy per file, decisions that record their inputs, and
 * circuit breakers. Pure and sandbox-safe: the load balancer agent and the client use the same code.
 *
 * @module
 */
export * from './table.js';
export * from './constraints.js';
export * from './breakers.js';
export * from './place.js';
export * from './strategies/index.js';
