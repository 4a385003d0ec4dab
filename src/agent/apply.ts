/**
 * The functional core of an agent: route a signal, validate its params, run the actions, validate the
 * outcome. Never throws; never touches Temporal. The entity workflow calls {@link applySignal} for every
 * signal and carries out the returned directives; its update validator calls {@link checkSignal}.
 *
 * A signal is applied atomically: when any routed action fails, or the resulting state or directives are
 * invalid, the whole signal is rejected and the state is left exactly as it was.
 *
 * @module
 */
import { z } from 'zod';
import { ErrorCode, isAgentClusterError } from '../errors.js';
import { isJsonValue, type Signal } from '../signal/index.js';
import type { ActionContext, AgentDefinition, RouteTarget } from './define-agent.js';
import { directiveSchema, type Directive } from './directives.js';
import { bytesOf, jsonByteLength, measureJson } from './json-size.js';
import { createStateChecker, type StateChecker } from './state-check.js';

/** Why a signal was not applied. JSON, so it can sit in a dead-letter list. */
export interface Rejection {
  code: ErrorCode;
  message: string;
}

export type Checked =
  | { ok: true; targets: ReadonlyArray<{ target: RouteTarget; params: unknown }> }
  | { ok: false; error: Rejection };

export type Applied<S> =
  | { ok: true; state: S; bytes: number; directives: Directive[]; result: unknown; actions: string[] }
  | { ok: false; error: Rejection };

/** A state that passed its checks: deep-frozen, with its JSON size in bytes. */
export type CheckedState<S> = { ok: true; state: S; bytes: number } | { ok: false; error: Rejection };

const checkers = new WeakMap<AgentDefinition, StateChecker<unknown>>();

function checkerOf<S>(def: AgentDefinition<S>): StateChecker<S> {
  let checker = checkers.get(def);
  if (checker === undefined) checkers.set(def, (checker = createStateChecker(def.state)));
  return checker as StateChecker<S>;
}

/**
 * Deep-freezes a JSON value and measures it, reusing what earlier calls measured (cost: the new parts).
 * For states trusted as they are (carried across continue-as-new, or a kind with `validateState: false`).
 */
export function adoptState<S>(state: S): CheckedState<S> {
  const size = measureJson(state, 0, [], true);
  if (typeof size === 'string') return { ok: false, error: { code: ErrorCode.INVALID_STATE, message: size } };
  return { ok: true, state, bytes: bytesOf(size) };
}

/**
 * Checks a state against its kind: the schema (only the parts that changed since the last check; see
 * ./state-check.ts), plain JSON, and the kind's `maxStateBytes`. On success the state is deep-frozen.
 */
export function checkState<S>(def: AgentDefinition<S>, next: unknown, maxBytes = def.options.maxStateBytes): CheckedState<S> {
  if (!def.options.validateState) {
    const adopted = adoptState(next as S);
    if (!adopted.ok || adopted.bytes <= maxBytes) return adopted;
    return { ok: false, error: tooLarge(def, adopted.bytes) };
  }
  const r = checkerOf(def).check(next, maxBytes);
  if (r.ok) return { ok: true, state: r.state, bytes: r.bytes };
  if (r.reason === 'too-large') return { ok: false, error: tooLarge(def, r.bytes ?? 0) };
  return { ok: false, error: { code: ErrorCode.INVALID_STATE, message: r.message } };
}

function tooLarge(def: AgentDefinition, bytes: number): Rejection {
  return {
    code: ErrorCode.STATE_TOO_LARGE,
    message: `the state would be ${bytes} bytes of JSON, over the maxStateBytes of "${def.name}" (${def.options.maxStateBytes}); keep large data outside the agent and hold a reference`,
  };
}

const directivesSchema = z.array(directiveSchema);

/**
 * `schema.safeParse` that never throws: zod 4 lets an exception from a user's `.refine`/`.transform`
 * escape `safeParse`; here it becomes a failed parse with that message.
 */
export function safeParse<T>(schema: z.ZodType<T>, value: unknown): { success: true; data: T } | { success: false; message: string } {
  try {
    const r = schema.safeParse(value);
    return r.success ? { success: true, data: r.data } : { success: false, message: z.prettifyError(r.error) };
  } catch (err) {
    return { success: false, message: `the schema threw: ${errorMessage(err)}` };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Routes a signal and parses its `data` against each routed action's params schema. */
export function checkSignal(def: AgentDefinition, signal: Signal): Checked {
  const routed = def.router.match(signal);
  if (routed.length === 0) {
    return { ok: false, error: { code: ErrorCode.NO_ROUTE, message: `agent kind "${def.name}" has no route for signal type "${signal.type}"` } };
  }
  const data = signal.data === undefined ? {} : signal.data;
  const targets: Array<{ target: RouteTarget; params: unknown }> = [];
  for (const target of routed) {
    const parsed = safeParse(target.action.params, data);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: ErrorCode.INVALID_PARAMS,
          message: `signal "${signal.type}" data fails the params of action "${target.action.name}": ${parsed.message}`,
        },
      };
    }
    targets.push({ target, params: parsed.data });
  }
  return { ok: true, targets };
}

/**
 * How a run recorded before `runtime-v2` checked a new state, kept so that its history replays: a full
 * schema parse and a JSON check when `validateState` is on, nothing otherwise; no size limit, no freezing.
 */
function legacyCheckState<S>(def: AgentDefinition<S>, next: S, actions: string[]): CheckedState<S> {
  if (!def.options.validateState) return { ok: true, state: next, bytes: jsonByteLength(next) ?? 0 };
  const parsed = safeParse(def.state, next);
  if (!parsed.success) {
    return { ok: false, error: { code: ErrorCode.INVALID_STATE, message: `actions [${actions.join(', ')}] produced a state that fails the schema of "${def.name}": ${parsed.message}` } };
  }
  if (!isJsonValue(parsed.data)) {
    return { ok: false, error: { code: ErrorCode.INVALID_STATE, message: `actions [${actions.join(', ')}] produced a state that is not plain JSON` } };
  }
  return { ok: true, state: parsed.data, bytes: jsonByteLength(parsed.data) ?? 0 };
}

/** How {@link applySignal} checks the new state. */
export interface ApplyOptions {
  /** Check it as runs before `runtime-v2` did (see legacyCheckState). */
  legacy?: boolean;
  /**
   * The size the new state may reach; default the kind's `maxStateBytes`. The runtime passes the larger
   * of that and the current state's size, so a state already over the limit (carried from an older
   * runtime, or a kind whose limit was lowered) may shrink or stay, but not grow.
   */
  maxStateBytes?: number;
}

/**
 * Applies one signal: every routed action runs in router order (specificity, priority, registration),
 * each seeing the state the previous one produced. The reply of a `call` is the first action's result.
 */
export function applySignal<S>(def: AgentDefinition<S>, state: S, signal: Signal, ctx: ActionContext, options: ApplyOptions = {}): Applied<S> {
  const checked = checkSignal(def, signal);
  if (!checked.ok) return checked;
  let next = state;
  const directives: Directive[] = [];
  const actions: string[] = [];
  let result: unknown;
  for (const [i, { target, params }] of checked.targets.entries()) {
    let outcome: unknown;
    try {
      outcome = target.action.run(next, params, signal, ctx);
    } catch (err) {
      if (isAgentClusterError(err, ErrorCode.REFUSED)) return { ok: false, error: { code: ErrorCode.REFUSED, message: err.message } };
      return { ok: false, error: { code: ErrorCode.ACTION_FAILED, message: `action "${target.action.name}" failed: ${errorMessage(err)}` } };
    }
    if (typeof outcome !== 'object' || outcome === null || !('state' in outcome)) {
      return {
        ok: false,
        error: { code: ErrorCode.ACTION_FAILED, message: `action "${target.action.name}" must return { state, directives?, result? }` },
      };
    }
    const o = outcome as { state: S; directives?: unknown; result?: unknown };
    if (o.directives !== undefined) {
      const parsed = directivesSchema.safeParse(o.directives);
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: ErrorCode.ACTION_FAILED, message: `action "${target.action.name}" returned invalid directives: ${z.prettifyError(parsed.error)}` },
        };
      }
      directives.push(...parsed.data);
    }
    next = o.state;
    if (i === 0) result = o.result;
    actions.push(target.action.name);
  }
  if (options.legacy) {
    const old = legacyCheckState(def, next, actions);
    return old.ok ? { ok: true, state: old.state, bytes: old.bytes, directives, result, actions } : old;
  }
  // Directives become plain JSON (zod keeps a key present with `undefined`, which JSON drops): what is
  // measured for the carry budget is then exactly what crosses Temporal.
  const plain = JSON.parse(JSON.stringify(directives)) as Directive[];
  // Not plain JSON (a Date, Map, undefined-in-array …) would be mangled crossing Temporal; checked too.
  const outcome = checkState(def, next, options.maxStateBytes);
  if (!outcome.ok) {
    const { code, message } = outcome.error;
    return { ok: false, error: { code, message: code === ErrorCode.INVALID_STATE ? `actions [${actions.join(', ')}] produced a state that fails "${def.name}": ${message}` : message } };
  }
  return { ok: true, state: outcome.state, bytes: outcome.bytes, directives: plain, result, actions };
}
