/**
 * Errors are data: every failure this project raises carries a stable `code` from {@link ErrorCode},
 * a message that says what to do, and (where there is one) a `cause`.
 *
 * Inside workflows the same codes become the `type` of an `ApplicationFailure`, so a caller in any
 * language can branch on them. Pure module: safe in the workflow sandbox.
 *
 * @module
 */

/** Every error code, with whether retrying the same request can ever succeed. */
export const ErrorCode = {
  /** A signal envelope breaks the Jido / CloudEvents 1.0.2 rules. */
  INVALID_SIGNAL: 'INVALID_SIGNAL',
  /** A router pattern is malformed (`a..b`, `a*`, `**.**`, …). */
  INVALID_PATTERN: 'INVALID_PATTERN',
  /** No route matches a signal type (Jido's `no_handlers_found`). */
  NO_ROUTE: 'NO_ROUTE',
  /** A signal's `data` fails the action's params schema. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  /** A state fails the agent kind's state schema. */
  INVALID_STATE: 'INVALID_STATE',
  /** An action threw, or returned something that is not `{ state, directives?, result? }`. */
  ACTION_FAILED: 'ACTION_FAILED',
  /** `defineAgent` was called with a malformed definition. */
  INVALID_DEFINITION: 'INVALID_DEFINITION',
  /** No agent kind of that name is registered. */
  UNKNOWN_KIND: 'UNKNOWN_KIND',
  /** An agent id is empty, too long, or has characters that are not allowed. */
  INVALID_AGENT_ID: 'INVALID_AGENT_ID',
  /** No running agent has that id. */
  AGENT_NOT_FOUND: 'AGENT_NOT_FOUND',
  /** The agent refused a signal (validation failed); the reason says why. */
  SIGNAL_REJECTED: 'SIGNAL_REJECTED',
  /**
   * The agent's home node did not pick up a task in time (schedule-to-start timeout): its worker is gone,
   * or overloaded. Retryable: the node may come back, or the agent may be moved.
   */
  NODE_UNAVAILABLE: 'NODE_UNAVAILABLE',
  /** A payload is over Temporal's 2 MB limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A signal would leave the agent's state over its kind's `maxStateBytes`; the state is left unchanged. */
  STATE_TOO_LARGE: 'STATE_TOO_LARGE',
  /**
   * A signal's timers and effects would overflow the agent's carry budget (what continue-as-new can carry).
   * Retryable: pending timers fire and queued effects finish.
   */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** The agent already has Temporal's maximum of 10 calls (updates) in flight. Retryable. */
  CALL_LIMIT: 'CALL_LIMIT',
  /**
   * Temporal refused a message for now: the agent is continuing-as-new ("workflow is closing"), or its run
   * is at a per-run message limit. Retryable, shortly.
   */
  AGENT_BUSY: 'AGENT_BUSY',
  /** A call whose signal id was already applied, and whose result is no longer kept (or was never a call). */
  DUPLICATE_SIGNAL: 'DUPLICATE_SIGNAL',
  /** A node host operation for an agent that is not mounted on that node. */
  AGENT_NOT_MOUNTED: 'AGENT_NOT_MOUNTED',
  /** An activity (or other operation) received input that fails its schema. */
  INVALID_INPUT: 'INVALID_INPUT',
  /**
   * A node-local operation carried a fencing epoch older than the agent's current one (the agent moved
   * after it was issued): refused by the node, or its result ignored by the agent. Terminal.
   */
  FENCED: 'FENCED',
  /** Automatic placement found no node that may take the agent (the reason names each node's problem), or no load balancer. */
  NO_NODE_FITS: 'NO_NODE_FITS',
  /** A move of an agent was refused (another is under way, wrong target, not prepared …); the reason says why. */
  MOVE_REFUSED: 'MOVE_REFUSED',
  /**
   * The agent's action refused the signal on its merits (an action threw {@link refuse}): a node announcing
   * under a stale incarnation, a load report from an unknown node. Nothing changed; the reason is in the
   * agent's dead letters. Terminal: the same signal would be refused again.
   */
  REFUSED: 'REFUSED',
  /** Configuration (environment, options) is invalid. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** A required tool (go, java, mvn) is missing. */
  TOOLCHAIN_MISSING: 'TOOLCHAIN_MISSING',
  /** A TCP port the project needs is already taken. */
  PORT_IN_USE: 'PORT_IN_USE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes for which retrying the identical request can never succeed. */
const TERMINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.INVALID_SIGNAL,
  ErrorCode.INVALID_PATTERN,
  ErrorCode.NO_ROUTE,
  ErrorCode.INVALID_PARAMS,
  ErrorCode.INVALID_STATE,
  ErrorCode.ACTION_FAILED,
  ErrorCode.INVALID_DEFINITION,
  ErrorCode.UNKNOWN_KIND,
  ErrorCode.INVALID_AGENT_ID,
  ErrorCode.SIGNAL_REJECTED,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.STATE_TOO_LARGE,
  ErrorCode.DUPLICATE_SIGNAL,
  ErrorCode.AGENT_NOT_MOUNTED,
  ErrorCode.INVALID_INPUT,
  ErrorCode.FENCED,
  ErrorCode.REFUSED,
  ErrorCode.INVALID_CONFIG,
  ErrorCode.TOOLCHAIN_MISSING,
]);

/** The one error class of the project. `name` is stable; branch on `code`. */
export class AgentClusterError extends Error {
  override readonly name = 'AgentClusterError';
  readonly code: ErrorCode;
  /** Extra structured facts (the offending attribute, the limit, …). JSON only. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  /** True when retrying the identical request can never succeed. */
  get terminal(): boolean {
    return TERMINAL.has(this.code);
  }

  /** Normalises anything thrown into an `AgentClusterError` (keeping it when it already is one). */
  static from(err: unknown, fallback: ErrorCode = ErrorCode.ACTION_FAILED): AgentClusterError {
    if (err instanceof AgentClusterError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new AgentClusterError(fallback, message, { cause: err });
  }
}

/** True when `err` is an {@link AgentClusterError}, optionally of one code. */
export function isAgentClusterError(err: unknown, code?: ErrorCode): err is AgentClusterError {
  return err instanceof AgentClusterError && (code === undefined || err.code === code);
}

/**
 * What an action throws to refuse a signal on its merits: the signal is dead-lettered with code
 * {@link ErrorCode.REFUSED} and this message, the state is left as it was, and a `call` is rejected with it.
 */
export function refuse(message: string, details?: Record<string, unknown>): AgentClusterError {
  return new AgentClusterError(ErrorCode.REFUSED, message, details === undefined ? undefined : { details });
}
