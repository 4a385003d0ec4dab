/**
 * Hosting: a hosted agent (`options.hosted`) is mounted in its home node's in-memory agent host while it
 * runs, through activities on the node's own queue. The agent applies signals meanwhile; its `run`
 * effects wait for the mount, so an activity always finds the agent on its node. A node that never picks
 * the mount up is reported as a `NODE_UNAVAILABLE` dead letter, not a crash.
 *
 * @module
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Rejection } from '../../src/agent/apply.js';
import { nodeTaskQueue } from '../../src/agent/agent-id.js';
import { ErrorCode } from '../../src/errors.js';
import type { HostActivities } from '../../activities/index.js';
import { activityError } from './effects.js';

/** What hosting needs from the agent. */
export interface HostingHost {
  readonly agentId: string;
  /** The home node now, and its fencing epoch (both change when the agent moves). */
  node(): string;
  epoch(): number;
  readonly kind: string;
  state(): unknown;
  deadLetter(raw: unknown, rejection: Rejection): void;
  /** Holds an activity slot of the effect budget while a host operation runs; returns the release. */
  reserveActivity(): () => void;
  /** The mount finished (well or not): runs held for it may go. */
  mounted(): void;
}

/** A failed host activity: NODE_UNAVAILABLE when the node never picked it up. */
function nodeProblem(node: string, what: string, err: unknown): Rejection {
  const { message, type } = activityError(err);
  return type === 'SCHEDULE_TO_START'
    ? { code: ErrorCode.NODE_UNAVAILABLE, message: `${what} on node ${node} failed: the node did not pick up the task in time` }
    : { code: ErrorCode.ACTION_FAILED, message: `${what} on node ${node} failed: ${message}` };
}

export class Hosting {
  /** The mount is under way: runs wait for it. */
  pending = false;

  constructor(private readonly host: HostingHost) {}

  /** The mount may wait a minute for a node that is starting; the unmount of a stopping agent is short. */
  private activities(kind: 'mount' | 'unmount'): HostActivities {
    return proxyActivities<HostActivities>({
      taskQueue: nodeTaskQueue(this.host.node()),
      startToCloseTimeout: kind === 'mount' ? '30s' : '10s',
      scheduleToStartTimeout: kind === 'mount' ? '60s' : '30s',
      // The node answers a hopeless request with a non-retryable failure; anything else gets a few tries.
      retry: { maximumAttempts: kind === 'mount' ? 5 : 2 },
    });
  }

  /** Mounts the agent on its node without waiting (continue-as-new waits for it like any effect). */
  mount(): void {
    this.pending = true;
    const release = this.host.reserveActivity();
    this.activities('mount')
      .hostMount({ agentId: this.host.agentId, kind: this.host.kind, state: this.host.state(), epoch: this.host.epoch() })
      .catch((err: unknown) => this.host.deadLetter(undefined, nodeProblem(this.host.node(), 'mount', err)))
      .finally(() => {
        release();
        this.pending = false;
        this.host.mounted();
      });
  }

  /** Unmounts the agent from its node (when it stops); a failure is a dead letter. */
  async unmount(): Promise<void> {
    const release = this.host.reserveActivity();
    try {
      await this.activities('unmount').hostUnmount({ agentId: this.host.agentId, epoch: this.host.epoch() });
    } catch (err) {
      this.host.deadLetter(undefined, nodeProblem(this.host.node(), 'unmount', err));
    } finally {
      release();
    }
  }
}
