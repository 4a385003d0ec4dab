/**
 * The agent entity runtime, split by concept: `runtime.ts` (the loop, applying signals, stop),
 * `handlers.ts` (messages), `inbox.ts`, `effects.ts` (emit / run / spawn within Temporal's limits),
 * `timers.ts` (timers as data, one durable sleep), `hosting.ts` (node-local mount), `continue-as-new.ts`
 * (when and what to carry), `kinds.ts` (the kinds of this bundle). The pure parts live in src/agent/.
 *
 * @module
 */
import type { AgentDefinition } from '../../src/agent/define-agent.js';
import type { AgentResult, AgentWorkflowInput } from '../../src/messages.js';
import { kinds } from './kinds.js';
import { AgentRuntime } from './runtime.js';

export { PATCH_RUNTIME_V2 } from './runtime.js';

/**
 * Turns an agent kind into its workflow function. Export the result under the kind's name from the
 * workflows module, so the Temporal UI shows the kind as the workflow type:
 * `export const accumulator = agentWorkflow(accumulatorAgent);`
 */
export function agentWorkflow<S>(def: AgentDefinition<S>): (input: AgentWorkflowInput) => Promise<AgentResult> {
  kinds.set(def.name, def as AgentDefinition);
  const workflow = async (input: AgentWorkflowInput): Promise<AgentResult> => new AgentRuntime(def, input).run();
  Object.defineProperty(workflow, 'name', { value: def.name });
  return workflow;
}
