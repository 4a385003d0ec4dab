/**
 * The agent core: define agent kinds, route and apply signals, and the bounded data structures the
 * entity runtime (workflows/agent/) keeps. Pure modules, safe in the workflow sandbox, unit-tested
 * without a server.
 *
 * ```ts
 * const add = defineAction({ name: 'add', params: z.object({ amount: z.number() }), run: (s, p) => ({ state: { total: s.total + p.amount } }) });
 * export const counterAgent = defineAgent({ name: 'counter', state: z.object({ total: z.number() }), initialState: { total: 0 }, routes: { 'counter.add': add } });
 * ```
 *
 * - defining: {@link defineAgent}, {@link defineAction}, directives ({@link emit}, {@link run}, {@link schedule}, {@link spawn}, {@link stop});
 * - applying: {@link applySignal} (route → params → actions → state check), {@link checkState} (incremental, ./state-check.ts);
 * - limits: {@link continueDecision} and the budgets of ./limits.ts and ./budget.ts;
 * - runtime data: {@link EffectQueue}, {@link TimerTable}, {@link CallResults}, {@link DedupeWindow}.
 *
 * @module
 */
export { AGENT_WORKFLOW_PREFIX, MAX_AGENT_ID_BYTES, agentIdOf, agentWorkflowId, assertAgentId, nodeTaskQueue } from './agent-id.js';
export { adoptState, applySignal, checkSignal, checkState, safeParse, type Applied, type CheckedState, type Rejection } from './apply.js';
export { checkPool, poolBytes, type PoolUsage } from './budget.js';
export { CallResults, type CallOutcome, type CallResultEntry } from './call-results.js';
export { normaliseCarried, type Carried } from './carry.js';
export { DedupeWindow } from './dedupe-window.js';
export {
  DEFAULT_AGENT_OPTIONS,
  defineAction,
  defineAgent,
  type Action,
  type ActionContext,
  type ActionOutcome,
  type AgentDefinition,
  type AgentOptions,
  type CallParams,
  type CallResult,
  type RouteSpec,
  type StateOf,
} from './define-agent.js';
export {
  NODE_INTERNAL_ACTIVITIES,
  directiveSchema,
  emit,
  run,
  schedule,
  spawn,
  stop,
  type Directive,
  type EmitDirective,
  type OutboundSignal,
  type RunDirective,
  type ScheduleDirective,
  type SpawnDirective,
  type StopDirective,
} from './directives.js';
export { EffectQueue, type EffectEntry, type QueuedEffect } from './effect-queue.js';
export { jsonByteLength } from './json-size.js';
export {
  CARRY_BUDGET_BYTES,
  CHILDREN_PER_RUN,
  DEFAULT_MAX_STATE_BYTES,
  DEFAULT_RUN_LIMITS,
  EFFECTS_IN_FLIGHT,
  TEMPORAL_LIMITS,
  checkHistoryLimits,
  continueDecision,
  runLimits,
  type ContinueDecision,
  type RunLimits,
  type RunUsage,
} from './limits.js';
export { createStateChecker, type StateChecker, type StateCheckResult } from './state-check.js';
export { TimerTable, type TimerEntry } from './timer-table.js';
