/**
 * The agent's message handlers: `jido.signal`, `jido.signals`, `jido.stop` (signals), `jido.call`
 * (update), `jido.state`, `jido.info` (queries). Registered before the first `await`, so no message is
 * buffered and reordered.
 *
 * Handlers never rely on the update validator having run: Temporal does not run validators on replay,
 * so the `jido.call` handler re-reads its argument itself, and applies an envelope accepted by an older
 * validator even when today's parser would refuse it (what was accepted stays accepted).
 *
 * @module
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { checkSignal, type Rejection } from '../../src/agent/apply.js';
import { DEDUPE_ID_MAX_LENGTH } from '../../src/agent/budget.js';
import type { CallOutcome, CallResults } from '../../src/agent/call-results.js';
import type { DedupeWindow } from '../../src/agent/dedupe-window.js';
import type { AgentDefinition } from '../../src/agent/define-agent.js';
import { ErrorCode } from '../../src/errors.js';
import { callUpdate, infoQuery, moveMessage, remountMessage, signalMessage, signalsMessage, stateQuery, stopMessage, type AgentInfo } from '../../src/messages.js';
import type { AgentStatus } from '../../src/search-attributes.js';
import { safeParseSignal, type Signal } from '../../src/signal/index.js';
import type { Inbox } from './inbox.js';

/** What the handlers need from the agent. */
export interface HandlerHost {
  readonly agentId: string;
  readonly def: AgentDefinition;
  readonly inbox: Inbox;
  readonly seen: DedupeWindow;
  readonly results: CallResults;
  status(): AgentStatus;
  state(): unknown;
  info(): AgentInfo;
  /** Counts one Temporal signal / one accepted update of this run (run limits). */
  countSignal(): void;
  countUpdate(): void;
  /** A re-delivered signal was ignored. */
  duplicateIgnored(): void;
}

export function failure(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({ type: rejection.code, message: rejection.message, nonRetryable: true });
}

/**
 * The signal of an accepted call: today's strict parse, or, for an envelope an earlier validator accepted
 * (a replayed history), the object itself when it has what routing and de-duplication need.
 */
function acceptedCallSignal(raw: unknown): Signal | undefined {
  const parsed = safeParseSignal(raw);
  if (parsed.ok) return parsed.signal;
  const r = raw as Partial<Record<keyof Signal, unknown>> | null;
  const id = r?.id;
  if (typeof r === 'object' && r !== null && typeof r.type === 'string' && typeof id === 'string' && id.length > 0 && id.length <= DEDUPE_ID_MAX_LENGTH && typeof r.source === 'string') {
    return r as Signal;
  }
  return undefined;
}

/** The answer to a call retried with the id of one already applied, from the recorded outcome. */
function replay(agentId: string, id: string, outcome: CallOutcome): unknown {
  if (!outcome.ok) throw failure({ code: outcome.code as ErrorCode, message: outcome.message });
  if (outcome.omitted !== undefined) {
    throw failure({
      code: ErrorCode.DUPLICATE_SIGNAL,
      message: `signal ${id} was already applied by agent "${agentId}"; its result (${outcome.omitted} bytes) was too large to keep for retries`,
    });
  }
  return outcome.result;
}

function duplicate(agentId: string, id: string): ApplicationFailure {
  return failure({
    code: ErrorCode.DUPLICATE_SIGNAL,
    message: `signal ${id} was already accepted by agent "${agentId}" (as a signal, or as a call whose result is no longer kept)`,
  });
}

export function registerHandlers(rt: HandlerHost): void {
  const accept = (raw: unknown): void => {
    const parsed = safeParseSignal(raw);
    if (!parsed.ok) {
      // Queued, so the dead-letter list reads in arrival order.
      rt.inbox.push({ rejected: raw, rejection: { code: ErrorCode.INVALID_SIGNAL, message: parsed.error.message } });
    } else if (!rt.seen.add(parsed.signal.id)) {
      rt.duplicateIgnored();
    } else {
      rt.inbox.push({ signal: parsed.signal, external: true });
    }
  };

  setHandler(signalMessage, (raw) => {
    rt.countSignal();
    accept(raw);
  });
  setHandler(signalsMessage, (batch) => {
    rt.countSignal();
    if (!Array.isArray(batch)) {
      rt.inbox.push({ rejected: batch, rejection: { code: ErrorCode.INVALID_SIGNAL, message: 'jido.signals expects an array of signals' } });
      return;
    }
    for (const raw of batch) accept(raw);
  });
  setHandler(moveMessage, (req) => {
    rt.countSignal();
    rt.inbox.push({ move: req });
  });
  setHandler(remountMessage, (req) => {
    rt.countSignal();
    rt.inbox.push({ remount: req });
  });
  setHandler(stopMessage, (req) => {
    rt.countSignal();
    const reason = (req as { reason?: unknown } | undefined)?.reason;
    rt.inbox.push({ stop: typeof reason === 'string' ? { reason } : {} });
  });
  setHandler(
    callUpdate,
    (raw) => {
      rt.countUpdate();
      const signal = acceptedCallSignal(raw);
      if (signal === undefined) throw failure({ code: ErrorCode.INVALID_SIGNAL, message: 'jido.call expects a Jido signal { id, source, type, … }' });
      const recorded = rt.results.get(signal.id);
      if (recorded !== undefined) return replay(rt.agentId, signal.id, recorded);
      if (!rt.seen.add(signal.id)) throw duplicate(rt.agentId, signal.id);
      return new Promise((resolve, reject) => rt.inbox.push({ signal, external: true, reply: { resolve, reject } }));
    },
    {
      // Synchronous: throws to reject before anything is written to history.
      validator: (raw) => {
        const parsed = safeParseSignal(raw);
        if (!parsed.ok) throw failure({ code: ErrorCode.INVALID_SIGNAL, message: parsed.error.message });
        const { id } = parsed.signal;
        const recorded = rt.results.get(id);
        if (recorded !== undefined) {
          if (!recorded.ok) throw failure({ code: recorded.code as ErrorCode, message: recorded.message });
          return; // the handler answers with the recorded result
        }
        if (rt.status() !== 'running') throw failure({ code: ErrorCode.SIGNAL_REJECTED, message: `agent "${rt.agentId}" is ${rt.status()}` });
        if (rt.seen.has(id)) throw duplicate(rt.agentId, id);
        const checked = checkSignal(rt.def, parsed.signal);
        if (!checked.ok) throw failure(checked.error);
      },
    },
  );
  setHandler(stateQuery, () => rt.state());
  setHandler(infoQuery, () => rt.info());
}
