/**
 * Agent ids and the workflow ids derived from them. Pure module.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../errors.js';

/** Prefix of every agent's workflow id: agent `acc-1` runs as workflow `agent/acc-1`. */
export const AGENT_WORKFLOW_PREFIX = 'agent/';

/** Temporal's default `limit.maxIDLength` (bytes) for workflow ids. */
export const TEMPORAL_MAX_ID_BYTES = 1000;

/** Longest agent id, in UTF-8 bytes, so that `agent/<id>` fits Temporal's workflow id limit. */
export const MAX_AGENT_ID_BYTES = TEMPORAL_MAX_ID_BYTES - AGENT_WORKFLOW_PREFIX.length;

/** Bytes of `s` in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Printable, no whitespace: ids appear in the Web UI, in logs and in visibility queries. */
export const ID_CHARS = /^[^\s\p{Cc}]+$/u;

/** Throws {@link ErrorCode.INVALID_AGENT_ID} naming the problem; returns the id unchanged otherwise. */
export function assertAgentId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new AgentClusterError(ErrorCode.INVALID_AGENT_ID, 'invalid agent id: must be a non-empty string');
  }
  const bytes = utf8Length(id);
  if (bytes > MAX_AGENT_ID_BYTES) {
    throw new AgentClusterError(
      ErrorCode.INVALID_AGENT_ID,
      `invalid agent id: ${bytes} bytes is over the limit of ${MAX_AGENT_ID_BYTES} (Temporal's workflow id limit is ${TEMPORAL_MAX_ID_BYTES} bytes, including the "${AGENT_WORKFLOW_PREFIX}" prefix)`,
      { details: { bytes, limit: MAX_AGENT_ID_BYTES } },
    );
  }
  if (!ID_CHARS.test(id)) {
    throw new AgentClusterError(ErrorCode.INVALID_AGENT_ID, `invalid agent id ${JSON.stringify(id)}: whitespace and control characters are not allowed`);
  }
  return id;
}

/** The workflow id of an agent. */
export function agentWorkflowId(agentId: string): string {
  return AGENT_WORKFLOW_PREFIX + agentId;
}

/** The agent id of an agent workflow id, or `undefined` when it is not one. */
export function agentIdOf(workflowId: string): string | undefined {
  return workflowId.startsWith(AGENT_WORKFLOW_PREFIX) ? workflowId.slice(AGENT_WORKFLOW_PREFIX.length) : undefined;
}

/** The activity task queue of a node: the worker-specific task queue pattern. */
export function nodeTaskQueue(nodeId: string): string {
  return `node.${nodeId}`;
}
