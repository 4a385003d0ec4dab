/**
 * Fencing of an agent's `run` activities on its node. A moved agent (epoch ≥ 1) gives each run an
 * activity id `e<epoch>.<n>` (workflows/agent/effects.ts); an agent never moved keeps Temporal's default
 * ids (its histories replay unchanged). This node refuses, without running it, an activity for an agent
 * whose newest epoch it knows (the move's release told it, ./agent-host.ts) to be newer than the one the
 * activity carries — no prefix counting as epoch 0. So a node that missed a move can never act for the
 * agent again, whatever is still queued for it there.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { agentIdOf } from '../../src/agent/agent-id.js';
import { NODE_INTERNAL_ACTIVITIES } from '../../src/agent/directives.js';
import { epochOfActivityId } from '../../src/agent/fencing.js';
import { ErrorCode } from '../../src/errors.js';
import type { AgentHost } from './agent-host.js';

export function fencingInterceptor(host: AgentHost): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const { activityType, activityId, workflowExecution } = ctx.info;
        const agentId = workflowExecution === undefined ? undefined : agentIdOf(workflowExecution.workflowId);
        if (agentId !== undefined && !NODE_INTERNAL_ACTIVITIES.includes(activityType)) {
          const newest = host.newestEpoch(agentId);
          const epoch = epochOfActivityId(activityId);
          if (newest !== undefined && epoch < newest) {
            throw ApplicationFailure.create({
              type: ErrorCode.FENCED,
              message: `activity "${activityType}" of agent "${agentId}" refused on node ${host.nodeId}: it carries epoch ${epoch}, the agent has moved under epoch ${newest}`,
              nonRetryable: true,
            });
          }
        }
        return next(input);
      },
    },
  });
}
