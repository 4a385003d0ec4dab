/**
 * The wire contract of the bench-only bare counter: the baseline every runtime figure is divided by.
 * Imports only `@temporalio/workflow`, so the workflow and the harness share these definitions.
 *
 * @module
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Increments the counter; nothing else. */
export const bareIncSignal = defineSignal('bare.inc');
/** Increments the counter and returns the new count. */
export const bareIncUpdate = defineUpdate<number>('bare.incUpdate');
/** The current count. */
export const bareCountQuery = defineQuery<number>('bare.count');
/** Workflow type name of the bare counter. */
export const BARE_COUNTER = 'bareCounter';
