/**
 * `failureDetector`: the failure detector of one node incarnation, as an agent
 * (`cluster/failure-detector/<node>/<incarnation>`), homed on the node it watches so that its `run`
 * directives (the probe and the lease) go to that node's own queue. The node-discovery agent spawns it
 * when the incarnation joins; it ends when the node is down or has left. See ../detector.ts for the
 * lease/probe design and the state machine.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { emit, run, stop, type Directive } from '../../agent/directives.js';
import { detectorStateSchema, stepDetector, type DetectorCommand, type DetectorEvent, type DetectorState } from '../detector.js';
import { CLUSTER_IDS } from '../signals.js';

/** The node activities the detector runs (workers/member.ts implements them). */
export const LEASE_ACTIVITY = 'clusterLease';
export const PROBE_ACTIVITY = 'clusterProbe';

export interface LeaseInput {
  nodeId: string;
  incarnation: number;
  termMs: number;
  heartbeatEveryMs: number;
}
export interface ProbeInput {
  nodeId: string;
  incarnation: number;
}

function directivesFor(s: DetectorState, commands: readonly DetectorCommand[]): Directive[] {
  const ref = { nodeId: s.nodeId, incarnation: s.incarnation };
  const c = s.config;
  const toMembership = (type: string, data: Record<string, unknown>): Directive =>
    emit.toAgent(CLUSTER_IDS.nodeDiscovery, { type, data: { ...ref, ...data } as never, subject: s.nodeId });
  return commands.map((cmd): Directive => {
    switch (cmd.do) {
      case 'probe':
        return run({
          activity: PROBE_ACTIVITY,
          input: ref,
          onResult: 'cluster.detector.probed',
          scheduleToStartMs: c.confirmTimeoutMs,
          startToCloseMs: c.confirmTimeoutMs,
          retry: { maximumAttempts: 1 },
        });
      case 'lease':
        return run({
          activity: LEASE_ACTIVITY,
          input: { ...ref, termMs: c.leaseTermMs, heartbeatEveryMs: c.heartbeatEveryMs },
          onResult: 'cluster.detector.lease.ended',
          onError: 'cluster.detector.lease.lost',
          scheduleToStartMs: c.confirmTimeoutMs,
          startToCloseMs: c.leaseTermMs + 2 * c.heartbeatTimeoutMs,
          heartbeatTimeoutMs: c.heartbeatTimeoutMs,
          // A retry would hide the timeout from the detector: one attempt, always.
          retry: { maximumAttempts: 1 },
        });
      case 'granted':
        return toMembership('cluster.lease.granted', cmd.refuted ? { refuted: true } : {});
      case 'expired':
        return toMembership('cluster.lease.expired', { reason: cmd.reason });
      case 'released':
        return toMembership('cluster.lease.released', {});
      case 'failed':
        return toMembership('cluster.node.failure', { cause: cmd.cause, reason: cmd.reason });
      case 'stop':
        return stop(cmd.reason);
    }
  });
}

function on<P>(name: string, params: z.ZodType<P>, event: (p: P) => DetectorEvent) {
  return defineAction({
    name,
    params,
    run: (s: DetectorState, p: P) => {
      const step = stepDetector(s, event(p));
      return { state: step.state, directives: directivesFor(step.state, step.commands) };
    },
  });
}

const activityError = z.object({ error: z.object({ message: z.string(), type: z.string().nullable() }) });

export const failureDetectorAgent = defineAgent({
  name: 'failureDetector',
  description: 'Holds one node incarnation\'s lease (a heartbeating activity on the node\'s queue) and confirms its failures with a probe.',
  state: detectorStateSchema,
  initialState: {
    nodeId: 'unset',
    incarnation: 1,
    config: { heartbeatTimeoutMs: 2_500, heartbeatEveryMs: 400, confirmTimeoutMs: 1_500, leaseTermMs: 600_000 },
    phase: 'starting',
    leases: 0,
    suspicions: 0,
  },
  routes: {
    'cluster.detector.start': on('start', z.object({}).optional(), () => ({ on: 'start' })),
    'cluster.detector.probed': on('probed', z.object({ result: z.unknown() }), () => ({ on: 'probe-ok' })),
    'cluster.detector.probed.failed': on('probeFailed', activityError, (p) => ({ on: 'probe-failed', error: p.error })),
    'cluster.detector.lease.ended': on('leaseEnded', z.object({ result: z.object({ released: z.boolean() }) }), (p) => ({ on: 'lease-ended', released: p.result.released })),
    'cluster.detector.lease.lost': on('leaseLost', activityError, (p) => ({ on: 'lease-failed', error: p.error })),
  },
});
