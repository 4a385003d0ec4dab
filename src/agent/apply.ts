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
import { ErrorCode } from '../errors.js';
import { isJsonValue, type Signal } from '../signal/index.js';
import type { ActionContext, AgentDefinition, RouteTarget } from './define-agent.js';
import { directiveSchema, type Directive } from './directives.js';

/** Why a signal was not applied. JSON, so it can sit in a dead-letter list. */
export interface Rejection {
  code: ErrorCode;
  message: string;
}

export type Checked =
  | { ok: true; targets: ReadonlyArray<{ target: RouteTarget; params: unknown }> }
  | { ok: false; error: Rejection };

export type Applied<S> =
  | { ok: true; state: S; directives: Directive[]; result: unknown; actions: string[] }
  | { ok: false; error: Rejection };

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
 * Applies one signal: every routed action runs in router order (specificity, priority, registration),
 * each seeing the state the previous one produced. The reply of a `call` is the first action's result.
 */
export function applySignal<S>(def: AgentDefinition<S>, state: S, signal: Signal, ctx: ActionContext): Applied<S> {
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
  if (def.options.validateState) {
    const parsed = safeParse(def.state, next);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: ErrorCode.INVALID_STATE, message: `actions [${actions.join(', ')}] produced a state that fails the schema of "${def.name}": ${parsed.message}` },
      };
    }
    if (!isJsonValue(parsed.data)) {
      // A Date, Map, undefined-in-array … would be mangled crossing Temporal (continue-as-new, queries).
      return { ok: false, error: { code: ErrorCode.INVALID_STATE, message: `actions [${actions.join(', ')}] produced a state that is not plain JSON` } };
    }
    next = parsed.data;
  }
  return { ok: true, state: next, directives, result, actions };
}
