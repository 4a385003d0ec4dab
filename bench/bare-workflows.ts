/**
 * `bareCounter`, the baseline every runtime figure is divided by: a Temporal entity workflow that only
 * counts. Kept in a module of its own so that it can also be bundled alone — what one cached workflow
 * costs without the runtime's modules (zod, agent definitions) in its bundle. Sandbox code: imports only
 * `@temporalio/workflow` and the shared message definitions.
 *
 * @module
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { bareCountQuery, bareIncSignal, bareIncUpdate } from './bare-messages.js';

/**
 * Owns a counter. Answers signal `bare.inc` (increment), update `bare.incUpdate` (increment, return the
 * count) and query `bare.count`. Continues as new, carrying the count, when the server suggests it.
 */
export async function bareCounter(start = 0): Promise<never> {
  let count = start;
  setHandler(bareIncSignal, () => {
    count++;
  });
  setHandler(bareIncUpdate, () => ++count);
  setHandler(bareCountQuery, () => count);
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  return continueAsNew<typeof bareCounter>(count);
}
