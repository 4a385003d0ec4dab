/**
 * The state a run starts from: the kind's initial state, the state a client gave (checked against the
 * schema, the JSON rules and `maxStateBytes`), or the state carried over by continue-as-new (checked when
 * it was produced; re-checking could only lose an agent whose kind has changed since). Frozen and
 * measured. A bad fresh state fails the workflow (not the task): the client validates first, so it is a
 * raw-SDK caller's mistake.
 *
 * @module
 */
import { adoptState, checkState, safeParse } from '../../src/agent/apply.js';
import type { AgentDefinition } from '../../src/agent/define-agent.js';
import { carriedBytes } from '../../src/agent/json-size.js';
import { ErrorCode } from '../../src/errors.js';
import type { AgentWorkflowInput } from '../../src/messages.js';
import { failure } from './handlers.js';

/** The run's initial state and its JSON size. `legacy`: as runs before `runtime-v2` took it (parsed when fresh, never frozen). */
export function initialState<S>(def: AgentDefinition<S>, input: AgentWorkflowInput, legacy: boolean): { state: S; bytes: number } {
  if (legacy) return legacyInitialState(def, input);
  const checked = input.state === undefined ? adoptState(def.initialState) : input.carried !== undefined ? adoptState(input.state as S) : checkState(def, input.state);
  if (!checked.ok) throw failure({ code: checked.error.code, message: `initial state of "${def.name}" refused: ${checked.error.message}` });
  return { state: checked.state, bytes: checked.bytes };
}

function legacyInitialState<S>(def: AgentDefinition<S>, input: AgentWorkflowInput): { state: S; bytes: number } {
  let state: S;
  if (input.state === undefined) state = JSON.parse(JSON.stringify(def.initialState)) as S; // the kind's own is frozen now (preloaded)
  else if (input.carried !== undefined) state = input.state as S;
  else {
    const parsed = safeParse(def.state, input.state);
    if (!parsed.success) throw failure({ code: ErrorCode.INVALID_STATE, message: `initial state fails the schema of "${def.name}": ${parsed.message}` });
    state = parsed.data;
  }
  return { state, bytes: carriedBytes(state) };
}
