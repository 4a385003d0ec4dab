/**
 * The client: start agents, send them Jido signals, call them, read them, stop them, subscribe them to
 * topics; errors mapped to stable codes. Node.js only.
 *
 * @module
 */
export { AgentClient, TEMPORAL_PAYLOAD_LIMIT_BYTES, type AgentClientOptions, type AgentRef, type SignalLike } from './agent-client.js';
export { toAgentError, type AgentOperation } from './errors.js';
export { OUTBOX_BATCH_BYTES } from './outbox.js';
