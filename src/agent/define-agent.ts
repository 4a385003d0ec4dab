/**
 * `defineAgent` and `defineAction`: an agent kind is a name, a state schema, an initial state and routes
 * from Jido signal types to pure actions.
 *
 * ```ts
 * const add = defineAction({
 *   name: 'add',
 *   params: z.object({ amount: z.number() }),
 *   run: (state: Counter, { amount }) => ({ state: { total: state.total + amount }, result: state.total + amount }),
 * });
 * export const accumulator = defineAgent({
 *   name: 'accumulator',
 *   state: z.object({ total: z.number() }),
 *   initialState: { total: 0 },
 *   routes: { 'accumulator.add': add },
 * });
 * ```
 *
 * Both check their shape when called and throw {@link ErrorCode.INVALID_DEFINITION} saying exactly what
 * to fix. Pure module: the same definition object is used by the workflow runtime (in the sandbox), the
 * client (to validate before sending) and unit tests.
 *
 * @module
 */
/* eslint-disable @typescript-eslint/no-explicit-any --
 * `any` here is deliberate: Action is contravariant in its state and params (they are `run`'s
 * arguments), so "an action of any kind" and the type-level lookups below (`infer R`) need `any`, not
 * `unknown`. No value is ever typed `any` at run time. */
import { z } from 'zod';
import { AgentClusterError, ErrorCode } from '../errors.js';
import { createRouter, type Router } from '../router/index.js';
import type { Signal } from '../signal/index.js';
import type { Directive } from './directives.js';
import { DEFAULT_MAX_STATE_BYTES, MAX_HISTORY_CEILING, MAX_STATE_BYTES_LIMIT, MIN_CEILING_GAP } from './limits.js';

/** What an action knows besides its state and params. */
export interface ActionContext {
  readonly agentId: string;
  readonly kind: string;
  /** The agent's home node. */
  readonly node: string;
  /** Epoch milliseconds; inside a workflow this is workflow time (deterministic). */
  readonly now: number;
}

/** What an action returns: the new state, outbound effects, and the reply a `call` receives. */
export interface ActionOutcome<S, R = unknown> {
  state: S;
  directives?: Directive[];
  result?: R;
}

/** A pure action: `(state, params, signal, ctx) → { state, directives?, result? }`. */
export interface Action<S = any, P = any, R = any> {
  readonly name: string;
  readonly description?: string;
  /** Validates the signal's `data`; the parsed value is the action's params. */
  readonly params: z.ZodType<P>;
  readonly run: (state: S, params: P, signal: Signal, ctx: ActionContext) => ActionOutcome<S, R>;
}

/** A route: a Jido pattern's target, with optional priority in [-100, 100] and match function. */
export interface RouteSpec<A extends Action = Action> {
  action: A;
  priority?: number;
  match?: (signal: Signal) => boolean;
}

export type RouteValue = Action | RouteSpec | ReadonlyArray<Action | RouteSpec>;

/** Per-kind runtime options; every field has a documented default. */
export interface AgentOptions {
  /**
   * How many recent signal ids are remembered to ignore re-deliveries (exactly-once effect). Carried across
   * continue-as-new. Default 2,048 (about 80 KB in the continue-as-new input), at most 8,192.
   */
  dedupeWindow: number;
  /** How many dead letters are kept (oldest dropped first; also at most 64 KiB of them). Default 100. */
  deadLetterLimit: number;
  /** Continue-as-new at this history length even if the server has not suggested it yet. Default 10,000, at most 29,500. */
  maxHistoryEvents: number;
  /**
   * Largest state, in bytes of JSON. A signal whose actions would produce a larger state is dead-lettered
   * with `STATE_TOO_LARGE` and the state is left unchanged. Default 256 KiB, at most 768 KiB.
   */
  maxStateBytes: number;
  /**
   * Validate the state against the schema after every signal (only the parts that changed; see
   * src/agent/state-check.ts). Default true. When false, the state is still checked to be plain JSON
   * within `maxStateBytes`.
   */
  validateState: boolean;
  /**
   * Mount the agent in its node's in-memory host on start (and unmount on stop), for agents that keep
   * node-local resources. Default false.
   */
  hosted: boolean;
}

export const DEFAULT_AGENT_OPTIONS: AgentOptions = {
  dedupeWindow: 2048,
  deadLetterLimit: 100,
  maxHistoryEvents: 10_000,
  maxStateBytes: DEFAULT_MAX_STATE_BYTES,
  validateState: true,
  hosted: false,
};

/** Upper bounds of the numeric options: each part of the continue-as-new input must fit its budget. */
const OPTION_MAX: Record<'dedupeWindow' | 'deadLetterLimit' | 'maxHistoryEvents' | 'maxStateBytes', number> = {
  dedupeWindow: 8_192,
  deadLetterLimit: 1_000,
  maxHistoryEvents: MAX_HISTORY_CEILING - MIN_CEILING_GAP,
  maxStateBytes: MAX_STATE_BYTES_LIMIT,
};

/** The routed target: the action plus the route it came from. */
export interface RouteTarget {
  readonly path: string;
  readonly action: Action;
}

/** An agent kind. Create with {@link defineAgent}. */
export interface AgentDefinition<S = any, Routes extends Record<string, RouteValue> = Record<string, RouteValue>> {
  readonly name: string;
  readonly description?: string;
  readonly state: z.ZodType<S>;
  readonly initialState: S;
  readonly routes: Routes;
  readonly router: Router<RouteTarget>;
  readonly options: AgentOptions;
}

/** Result type of the action behind an exact route key (`unknown` for patterns). */
export type CallResult<D, T extends string> =
  D extends AgentDefinition<any, infer Routes>
    ? T extends keyof Routes
      ? Routes[T] extends Action<any, any, infer R>
        ? R
        : Routes[T] extends RouteSpec<infer A>
          ? A extends Action<any, any, infer R>
            ? R
            : unknown
          : unknown
      : unknown
    : unknown;

/** Params (signal `data`) type of the action behind an exact route key (`unknown` for patterns). */
export type CallParams<D, T extends string> =
  D extends AgentDefinition<any, infer Routes>
    ? T extends keyof Routes
      ? Routes[T] extends Action<any, infer P, any>
        ? P
        : Routes[T] extends RouteSpec<infer A>
          ? A extends Action<any, infer P, any>
            ? P
            : unknown
          : unknown
      : unknown
    : unknown;

/** The state type of an agent definition. */
export type StateOf<D> = D extends AgentDefinition<infer S, any> ? S : never;

const KIND_NAME = /^[a-z][a-zA-Z0-9_]*$/;

function invalid(where: string, message: string): AgentClusterError {
  return new AgentClusterError(ErrorCode.INVALID_DEFINITION, `${where}: ${message}`);
}

function isZodSchema(x: unknown): x is z.ZodType {
  return typeof x === 'object' && x !== null && typeof (x as { safeParse?: unknown }).safeParse === 'function';
}

function isAction(x: unknown): x is Action {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Action).name === 'string' &&
    typeof (x as Action).run === 'function' &&
    isZodSchema((x as Action).params)
  );
}

/** Defines a pure action, checking its shape. */
export function defineAction<S, PS extends z.ZodType, R = undefined>(spec: {
  name: string;
  description?: string;
  params: PS;
  run: (state: S, params: z.output<PS>, signal: Signal, ctx: ActionContext) => ActionOutcome<S, R>;
}): Action<S, z.output<PS>, R> {
  const where = `defineAction(${JSON.stringify(spec?.name ?? '?')})`;
  if (typeof spec !== 'object' || spec === null) throw invalid('defineAction', 'expected an object { name, params, run }');
  if (typeof spec.name !== 'string' || spec.name.length === 0) throw invalid(where, '"name" must be a non-empty string');
  if (!isZodSchema(spec.params)) throw invalid(where, '"params" must be a zod schema (use z.object({}) for none)');
  if (typeof spec.run !== 'function') throw invalid(where, '"run" must be a function (state, params, signal, ctx) => { state, directives?, result? }');
  return Object.freeze({ ...spec }) as unknown as Action<S, z.output<PS>, R>;
}

/** Defines an agent kind, checking its shape and compiling its routes. */
export function defineAgent<S, Routes extends Record<string, RouteValue>>(spec: {
  name: string;
  description?: string;
  state: z.ZodType<S>;
  initialState: NoInfer<S>;
  routes: Routes;
  options?: Partial<AgentOptions>;
}): AgentDefinition<S, Routes> {
  if (typeof spec !== 'object' || spec === null) throw invalid('defineAgent', 'expected an object { name, state, initialState, routes }');
  const where = `defineAgent(${JSON.stringify(spec.name ?? '?')})`;
  if (typeof spec.name !== 'string' || !KIND_NAME.test(spec.name)) {
    throw invalid(where, '"name" must start with a lowercase letter and contain only letters, digits and _ (it is the workflow type)');
  }
  if (!isZodSchema(spec.state)) throw invalid(where, '"state" must be a zod schema');
  const initial = spec.state.safeParse(spec.initialState);
  if (!initial.success) {
    throw invalid(where, `"initialState" fails the state schema: ${z.prettifyError(initial.error)}`);
  }
  if (typeof spec.routes !== 'object' || spec.routes === null || Object.keys(spec.routes).length === 0) {
    throw invalid(where, '"routes" must map at least one signal pattern to an action');
  }
  const options: AgentOptions = { ...DEFAULT_AGENT_OPTIONS, ...spec.options };
  for (const key of ['dedupeWindow', 'deadLetterLimit', 'maxHistoryEvents', 'maxStateBytes'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1 || options[key] > OPTION_MAX[key]) {
      throw invalid(where, `options.${key} must be an integer from 1 to ${OPTION_MAX[key]} (got ${String(options[key])})`);
    }
  }
  if (options.maxHistoryEvents < 100) throw invalid(where, `options.maxHistoryEvents must be at least 100 (got ${options.maxHistoryEvents})`);

  const router = createRouter<RouteTarget>();
  for (const [path, value] of Object.entries(spec.routes)) {
    const entries = Array.isArray(value) ? value : [value];
    if (entries.length === 0) throw invalid(where, `route "${path}" has no action`);
    for (const entry of entries as Array<Action | RouteSpec>) {
      const route: RouteSpec = isAction(entry) ? { action: entry } : (entry as RouteSpec);
      if (!isAction(route?.action)) {
        throw invalid(where, `route "${path}" must map to an action made with defineAction (or { action, priority?, match? })`);
      }
      if (route.match !== undefined && typeof route.match !== 'function') {
        throw invalid(where, `route "${path}": "match" must be a function (signal) => boolean`);
      }
      try {
        router.add({ path, target: { path, action: route.action }, priority: route.priority, match: route.match });
      } catch (err) {
        throw invalid(where, `route "${path}": ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    state: spec.state,
    initialState: initial.data as S,
    routes: spec.routes,
    router,
    options,
  });
}
