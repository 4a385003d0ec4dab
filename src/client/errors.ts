/**
 * Temporal client errors → {@link AgentClusterError}s with stable codes, by error class, gRPC status and
 * failure type — never by message text.
 *
 * | what Temporal says | code |
 * |---|---|
 * | `WorkflowNotFoundError`, gRPC NOT_FOUND | `AGENT_NOT_FOUND` |
 * | an update rejected by the agent (`ApplicationFailure` whose type is one of our codes) | that code |
 * | RESOURCE_EXHAUSTED with cause CONCURRENT_LIMIT on an update (10 calls in flight) | `CALL_LIMIT` (retryable) |
 * | any other RESOURCE_EXHAUSTED (e.g. BUSY_WORKFLOW: "workflow is closing"), FAILED_PRECONDITION on an update (2,000 calls in one run), INVALID_ARGUMENT on a signal (10,000 signals in one run) | `AGENT_BUSY` (retryable) |
 *
 * The TS client already retries RESOURCE_EXHAUSTED (about 40 s) and UNAVAILABLE before throwing, so
 * what arrives here has outlasted those retries. Anything else is returned unchanged.
 *
 * @module
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: named imports do not resolve under Node's ESM loader
import { AgentClusterError, ErrorCode, isAgentClusterError } from '../errors.js';

const { google, temporal } = proto;

/** gRPC status codes used below (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9 } as const;
const CONCURRENT_LIMIT = temporal.api.enums.v1.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT;
const RESOURCE_EXHAUSTED_FAILURE = 'temporal.api.errordetails.v1.ResourceExhaustedFailure';

/** The RPC that failed: signals and updates map a few statuses differently. */
export type AgentOperation = 'signal' | 'update' | 'query' | 'stop';

interface GrpcLike {
  code: number;
  details?: string;
  metadata?: { get(key: string): Array<string | Buffer> };
}

/** The gRPC status behind a client error: the error itself, or its `cause` (ServiceError wraps it). */
function grpcStatus(err: unknown): GrpcLike | undefined {
  if (isGrpcServiceError(err)) return err as unknown as GrpcLike;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return isGrpcServiceError(cause) ? (cause as unknown as GrpcLike) : undefined;
}

/** The `cause` of a ResourceExhaustedFailure in the status details, if there is one. */
export function resourceExhaustedCause(status: GrpcLike): number | undefined {
  const bin = status.metadata?.get('grpc-status-details-bin')[0];
  if (bin === undefined || typeof bin === 'string') return undefined;
  try {
    for (const detail of google.rpc.Status.decode(bin).details ?? []) {
      if (detail.type_url?.endsWith(RESOURCE_EXHAUSTED_FAILURE) && detail.value) {
        return temporal.api.errordetails.v1.ResourceExhaustedFailure.decode(detail.value).cause ?? undefined;
      }
    }
  } catch {
    // Undecodable details: no cause.
  }
  return undefined;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** Maps an error from a Temporal client call on agent `agentId` to an AgentClusterError (or returns it unchanged). */
export function toAgentError(agentId: string, err: unknown, op: AgentOperation): unknown {
  if (isAgentClusterError(err)) return err;
  if (err instanceof WorkflowNotFoundError) {
    return new AgentClusterError(ErrorCode.AGENT_NOT_FOUND, `no running agent "${agentId}"`, { cause: err });
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? '') : '';
    const code = KNOWN_CODES.has(type) ? (type as ErrorCode) : ErrorCode.SIGNAL_REJECTED;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new AgentClusterError(code, `agent "${agentId}" rejected the signal: ${message}`, { cause: err, details: { rejectedAs: type } });
  }
  const status = grpcStatus(err);
  if (status === undefined) return err;
  const server = status.details ?? '';
  switch (status.code) {
    case GRPC.NOT_FOUND:
      return new AgentClusterError(ErrorCode.AGENT_NOT_FOUND, `no running agent "${agentId}"`, { cause: err });
    case GRPC.RESOURCE_EXHAUSTED:
      if (op === 'update' && resourceExhaustedCause(status) === CONCURRENT_LIMIT) {
        return new AgentClusterError(ErrorCode.CALL_LIMIT, `agent "${agentId}" already has 10 calls in flight (Temporal's limit); retry when one has finished`, {
          cause: err,
          details: { server },
        });
      }
      return busy(agentId, server, err);
    case GRPC.FAILED_PRECONDITION:
      return op === 'update' ? busy(agentId, server, err) : err;
    case GRPC.INVALID_ARGUMENT:
      return op === 'signal' ? busy(agentId, server, err) : err;
    default:
      return err;
  }
}

function busy(agentId: string, server: string, cause: unknown): AgentClusterError {
  return new AgentClusterError(ErrorCode.AGENT_BUSY, `agent "${agentId}" cannot take this now (server: ${server || 'busy'}); retry shortly`, { cause, details: { server } });
}
