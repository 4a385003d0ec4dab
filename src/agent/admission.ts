/**
 * Admission of an action's directives, before anything is committed: everything a directive names must be
 * something Temporal will accept, or the signal is refused (state unchanged, a dead letter with the
 * reason). Without this, one bad name would fail the agent's workflow task on every retry — Temporal
 * refuses a command with a workflow id over 1,000 bytes, and an outgoing signal the envelope rules reject
 * would fail when it is sent — and the agent would be stuck for good.
 *
 * Checked here (runs from `runtime-v2` on; older runs replay their old behaviour): emitted and scheduled
 * signals form valid Jido envelopes; agent ids, topic names and node names fit Temporal's limits and have
 * no whitespace; a run does not name a node-internal activity; a spawn names a known kind with a valid
 * initial state. Pure module.
 *
 * @module
 */
import { ErrorCode } from '../errors.js';
import { createSignal } from '../signal/index.js';
import { ID_CHARS, MAX_AGENT_ID_BYTES, utf8Length } from './agent-id.js';
import type { Rejection } from './apply.js';
import type { AgentDefinition } from './define-agent.js';
import { NODE_INTERNAL_ACTIVITIES, SAGA_TYPES, type Directive, type OutboundSignal } from './directives.js';
import { TEMPORAL_MAX_ID_BYTES } from './agent-id.js';

/** Longest node name and activity name (they become task queue names and activity types). */
export const MAX_NAME_BYTES = 255;
/** A fixed valid id and time, to check that an outbound signal makes a valid envelope. */
const PROBE = { id: '00000000-0000-7000-8000-000000000000', time: '2000-01-01T00:00:00.000Z' };

function badName(what: string, name: string, maxBytes: number): string | undefined {
  if (!ID_CHARS.test(name)) return `${what} ${JSON.stringify(name.slice(0, 80))} has whitespace or control characters`;
  const bytes = utf8Length(name);
  return bytes > maxBytes ? `${what} is ${bytes} bytes, over the limit of ${maxBytes}` : undefined;
}

function badSignal(s: OutboundSignal): string | undefined {
  try {
    createSignal(s.type, s.data, { source: s.source ?? '/agent', ...(s.subject !== undefined ? { subject: s.subject } : {}), ...PROBE });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Why one directive would fail once carried out, or undefined. */
function problem(d: Directive, kind: (name: string) => AgentDefinition | undefined): string | undefined {
  switch (d.kind) {
    case 'emit': {
      const target = 'agent' in d.to ? badName('agent id', d.to.agent, MAX_AGENT_ID_BYTES) : badName('topic name', d.to.topic, MAX_AGENT_ID_BYTES);
      return target ?? badSignal(d.signal);
    }
    case 'schedule':
      return badSignal(d.signal);
    case 'run':
      if (NODE_INTERNAL_ACTIVITIES.includes(d.activity)) return `activity "${d.activity}" is node-internal; actions may not run it`;
      return badName('activity name', d.activity, MAX_NAME_BYTES);
    case 'spawn': {
      const def = kind(d.agentKind);
      if (def === undefined) return `unknown agent kind "${d.agentKind}"`;
      const name = badName('agent id', d.agentId, MAX_AGENT_ID_BYTES) ?? (d.node === undefined ? undefined : badName('node name', d.node, MAX_NAME_BYTES));
      if (name !== undefined) return name;
      return d.state !== undefined && !def.state.safeParse(d.state).success ? `the state of ${d.agentKind} "${d.agentId}" fails its schema` : undefined;
    }
    case 'saga':
      if (!SAGA_TYPES.includes(d.sagaType)) return `unknown saga type "${d.sagaType}" (one of ${SAGA_TYPES.join(', ')})`;
      return badName('saga workflow id', d.workflowId, TEMPORAL_MAX_ID_BYTES);
    case 'stop':
      return undefined;
  }
}

/** The first directive that would fail once carried out, as a rejection of the whole signal; undefined when all are fine. */
export function checkDirectives(directives: readonly Directive[], kind: (name: string) => AgentDefinition | undefined): Rejection | undefined {
  for (const [i, d] of directives.entries()) {
    const why = problem(d, kind);
    if (why === undefined) continue;
    const code = d.kind === 'spawn' && kind(d.agentKind) === undefined ? ErrorCode.UNKNOWN_KIND : d.kind === 'spawn' && why.includes('fails its schema') ? ErrorCode.INVALID_STATE : ErrorCode.ACTION_FAILED;
    return { code, message: `directive ${i} (${d.kind}) refused: ${why}` };
  }
  return undefined;
}
