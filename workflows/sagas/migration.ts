/**
 * The live migration saga `migration/<agentId>`: moves one agent's home node, with its node-local part,
 * to another node, and compensates from every step so that a failure leaves the agent whole on its
 * source. The steps and their compensations are in src/saga/migration.ts; the agent's half of the
 * protocol is workflows/agent/moving.ts.
 *
 * One at a time per agent: the workflow id is `migration/<agentId>`, so Temporal itself refuses a second
 * start while one runs. Signals sent to the agent during the move keep being applied, in order, exactly
 * once: only its node-local work (activities, the hosted part) is held and moved.
 *
 * Bounded: a handful of activities and signals per run, whatever the agent.
 *
 * @module
 */
import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { agentWorkflowId, nodeTaskQueue } from '../../src/agent/agent-id.js';
import { CLUSTER_IDS } from '../../src/cluster/signals.js';
import { ErrorCode } from '../../src/errors.js';
import { moveMessage, moveReplyMessage, signalMessage, type MoveReply, type MoveRequest } from '../../src/messages.js';
import {
  migrationInputSchema,
  migrationProgressQuery,
  type MigrationInput,
  type MigrationProgress,
  type MigrationResult,
  type MigrationStep,
  type StepRecord,
} from '../../src/saga/migration.js';
import { createSignal, newSignalId } from '../../src/signal/index.js';
import type { HostActivities, HostCheckpoint } from '../../activities/index.js';

const QUIESCE_DEFAULT_MS = 60_000;
const NODE_DEFAULT_MS = 10_000;
/** How long the agent may take to answer a commit or an abort (its workflow task; it does no other work). */
const ANSWER_MS = 30_000;

/** A step failed: the saga compensates what happened and fails with this. */
class StepFailed extends Error {
  constructor(
    readonly step: MigrationStep,
    readonly reason: string,
    readonly code: string = ErrorCode.MOVE_REFUSED,
  ) {
    super(`${step}: ${reason}`);
  }
}

function message(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message !== '') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export async function migration(rawInput: MigrationInput): Promise<MigrationResult> {
  const parsed = migrationInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.create({ type: ErrorCode.INVALID_INPUT, message: `migration input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`, nonRetryable: true });
  }
  const input = parsed.data;
  const { agentId, to } = input;
  const self = workflowInfo().workflowId;
  const moveId = `${self}@${workflowInfo().runId}`;
  const nodeTimeout = input.nodeTimeoutMs ?? NODE_DEFAULT_MS;
  const quiesceTimeout = input.quiesceTimeoutMs ?? QUIESCE_DEFAULT_MS;

  const progress: MigrationProgress = { agentId, to, status: 'running', step: 'prepare', steps: [] };
  const replies: MoveReply[] = [];
  setHandler(migrationProgressQuery, () => progress);
  setHandler(moveReplyMessage, (r) => {
    if (r?.moveId === moveId) replies.push(r);
  });

  const record = (step: StepRecord['step'], status: StepRecord['status'], detail?: string): void => {
    const r: StepRecord = { step, status, at: Date.now() };
    if (detail !== undefined) r.detail = detail;
    progress.steps.push(r);
    if (step !== 'compensate' && status === 'running') progress.step = step;
    setCurrentDetails(`**${step}** ${status}${detail === undefined ? '' : `: ${detail}`}`);
  };
  const agent = getExternalWorkflowHandle(agentWorkflowId(agentId));
  const node = (nodeId: string, summary: string, attempts = 3): HostActivities =>
    proxyActivities<HostActivities>({
      taskQueue: nodeTaskQueue(nodeId),
      scheduleToStartTimeout: nodeTimeout,
      startToCloseTimeout: '30s',
      retry: { maximumAttempts: attempts, initialInterval: '250ms', backoffCoefficient: 2, nonRetryableErrorTypes: [ErrorCode.FENCED, ErrorCode.AGENT_NOT_MOUNTED, ErrorCode.INVALID_INPUT] },
      summary,
    });

  /** Sends a move step to the agent and waits for its answer (undefined when none came in time). */
  const ask = async (req: MoveRequest, timeoutMs: number): Promise<MoveReply | undefined> => {
    const before = replies.length;
    await agent.signal(moveMessage, req);
    const answered = (): MoveReply | undefined => replies.slice(before).find((r) => r.op === req.op || (req.op === 'prepare' && !r.ok));
    await condition(() => answered() !== undefined, timeoutMs);
    return answered();
  };

  // ---- prepare ----
  record('prepare', 'running', `asking agent ${agentId} to quiesce for node ${to}`);
  let prepared: MoveReply | undefined;
  try {
    // The agent gives up by itself if no commit comes: long enough for every later step.
    prepared = await ask({ op: 'prepare', moveId, replyTo: self, target: to, timeoutMs: quiesceTimeout + 4 * nodeTimeout + 3 * ANSWER_MS }, quiesceTimeout);
  } catch (err) {
    return fail(new StepFailed('prepare', `agent "${agentId}" is not running (${message(err)})`, ErrorCode.AGENT_NOT_FOUND));
  }
  if (prepared === undefined) {
    // It may still quiesce later: tell it to stop waiting (its own timeout would do so too).
    await abort('not quiesced in time').catch(() => undefined);
    return fail(new StepFailed('prepare', `agent "${agentId}" did not quiesce within ${quiesceTimeout} ms`));
  }
  if (!prepared.ok) return fail(new StepFailed('prepare', prepared.reason ?? 'refused'));
  const from = prepared.node;
  const epoch = prepared.epoch;
  const next = epoch + 1;
  Object.assign(progress, { from, kind: prepared.kind, hosted: prepared.hosted, epoch, nextEpoch: next });
  record('prepare', 'done', `quiesced on ${from} (epoch ${epoch})`);
  log.info('migration prepared', { agentId, from, to, epoch });

  const compensations: Array<{ what: string; run: () => Promise<void> }> = [{ what: `agent resumes on ${from}`, run: () => abort('migration failed') }];
  try {
    // ---- checkpoint, restore ----
    if (prepared.hosted) {
      record('checkpoint', 'running', `on ${from}`);
      let cp: HostCheckpoint;
      try {
        cp = await node(from, `checkpoint agent ${agentId} on ${from} (epoch ${epoch})`).hostCheckpoint({ agentId, epoch });
      } catch (err) {
        throw new StepFailed('checkpoint', `node ${from}: ${message(err)}`);
      }
      record('checkpoint', 'done', `version ${cp.version}${cp.local === undefined ? '' : ', with its node-local part'}`);
      record('restore', 'running', `on ${to}`);
      compensations.push({
        what: `unmount from ${to}`,
        run: async () => void (await node(to, `compensate: unmount agent ${agentId} from ${to} (epoch ${next})`, 5).hostUnmount({ agentId, epoch: next })),
      });
      try {
        await node(to, `restore agent ${agentId} on ${to} (epoch ${next})`).hostRestore({ checkpoint: cp, epoch: next });
      } catch (err) {
        throw new StepFailed('restore', `node ${to}: ${message(err)}`);
      }
      record('restore', 'done', `mounted on ${to} under epoch ${next}`);
    } else {
      record('checkpoint', 'skipped', 'not a hosted agent: nothing node-local to carry');
      record('restore', 'running', `is ${to} answering?`);
      try {
        await node(to, `is ${to} answering? (agent ${agentId})`).hostStatus({ agentId });
      } catch (err) {
        throw new StepFailed('restore', `node ${to}: ${message(err)}`);
      }
      record('restore', 'done', `${to} answers`);
    }

    // ---- switch ----
    record('switch', 'running', `home ${from} → ${to}, epoch ${next}`);
    const commit: MoveRequest = { op: 'commit', moveId, replyTo: self, node: to, epoch: next };
    let switched = await ask(commit, ANSWER_MS);
    if (switched === undefined) switched = await ask(commit, ANSWER_MS); // a lost answer: a commit is idempotent
    if (switched === undefined || !switched.ok) throw new StepFailed('switch', switched?.reason ?? `agent "${agentId}" did not answer the commit`);
  } catch (err) {
    const failure = err instanceof StepFailed ? err : new StepFailed(progress.step as MigrationStep, message(err));
    // A target that did not do its part feeds its circuit breaker at the load balancer.
    if (failure.step === 'restore') await tellBalancer('cluster.placement.failed', { nodeId: to, reason: failure.reason.slice(0, 256) });
    if (failure.step !== 'switch') return compensate(failure, compensations);
    // The commit may have been applied with its answers lost: the abort's answer says where the agent is.
    const where = await ask({ op: 'abort', moveId, replyTo: self, reason: 'commit not confirmed' }, ANSWER_MS).catch(() => undefined);
    if (!(where?.node === to && where.epoch === next)) return compensate(failure, compensations.slice(1));
    record('switch', 'done', `the commit had been applied (its answer was lost)`);
  }
  if (!progress.steps.some((r) => r.step === 'switch' && r.status === 'done')) record('switch', 'done', `homed on ${to} under epoch ${next}`);
  await tellBalancer('cluster.placement.succeeded', { nodeId: to });
  progress.step = 'release';

  // ---- release: past the point of no return, nothing fails the migration any more ----
  if (prepared.hosted) {
    record('release', 'running', `unmount from ${from}`);
    try {
      await node(from, `release agent ${agentId} from ${from} (fence at epoch ${next})`).hostUnmount({ agentId, epoch: next });
      record('release', 'done', `unmounted from ${from}; ${from} refuses epoch ${epoch} from now on`);
    } catch (err) {
      record('release', 'skipped', `node ${from} did not answer (${message(err)}); it is fenced by epoch ${next} all the same`);
    }
  } else {
    // Nothing mounted there, but the source learns the new epoch: it refuses the agent's older runs.
    record('release', 'running', `fence ${from} at epoch ${next}`);
    try {
      await node(from, `fence agent ${agentId} on ${from} (epoch ${next})`).hostUnmount({ agentId, epoch: next });
      record('release', 'done', `${from} refuses epoch ${epoch} from now on`);
    } catch (err) {
      record('release', 'skipped', `node ${from} did not answer (${message(err)}); the agent's workflow ignores its results all the same`);
    }
  }

  // ---- validate ----
  record('validate', 'running', `on ${to}`);
  const problems: string[] = [];
  try {
    const status = await node(to, `validate agent ${agentId} on ${to}`).hostStatus({ agentId });
    if (prepared.hosted && !(status.mounted && status.epoch === next)) problems.push(`${to} holds it ${status.mounted ? `under epoch ${status.epoch}` : 'not at all'}`);
  } catch (err) {
    problems.push(`${to} did not answer (${message(err)})`);
  }
  record('validate', problems.length === 0 ? 'done' : 'failed', problems.length === 0 ? `on ${to} under epoch ${next}` : problems.join('; '));
  progress.status = 'completed';
  progress.step = 'done';
  if (problems.length > 0) log.warn('migration validated with problems', { agentId, to, problems });
  await notify('cluster.migration.completed', { agentId, from, to, epoch: next });
  return { agentId, from, to, epoch: next, steps: progress.steps };

  // ---- helpers that need the saga's scope ----

  async function abort(reason: string): Promise<void> {
    const answer = await ask({ op: 'abort', moveId, replyTo: self, reason }, ANSWER_MS);
    if (answer === undefined) throw new Error(`agent "${agentId}" did not answer the abort (its own move timeout resumes it)`);
  }

  async function compensate(failure: StepFailed, stack: Array<{ what: string; run: () => Promise<void> }>): Promise<never> {
    progress.status = 'compensating';
    record(failure.step, 'failed', failure.reason);
    for (const c of stack.reverse()) {
      try {
        await c.run();
        record('compensate', 'compensated', c.what);
      } catch (err) {
        record('compensate', 'failed', `${c.what}: ${message(err)}`);
      }
    }
    return fail(failure);
  }

  async function fail(failure: StepFailed): Promise<never> {
    progress.status = 'failed';
    progress.error = failure.message;
    if (progress.steps.at(-1)?.status !== 'failed') record(failure.step, 'failed', failure.reason);
    await notify('cluster.migration.failed', { agentId, from: progress.from ?? to, to, step: failure.step, reason: failure.reason.slice(0, 256) });
    throw ApplicationFailure.create({ type: failure.code, message: `migration of agent "${agentId}" to ${to} failed at ${failure.message}`, nonRetryable: true });
  }

  async function notify(type: string, data: Record<string, unknown>): Promise<void> {
    if (input.notify !== undefined) await tell(input.notify, type, data);
  }

  /** Best effort: a cluster without a load balancer (a bare test) just does not hear it. */
  async function tellBalancer(type: string, data: Record<string, unknown>): Promise<void> {
    await tell(CLUSTER_IDS.loadBalancer, type, data);
  }

  async function tell(to: string, type: string, data: Record<string, unknown>): Promise<void> {
    const signal = createSignal(type, data, { source: `/${self}`, id: newSignalId(Math.random), time: new Date().toISOString() });
    await getExternalWorkflowHandle(agentWorkflowId(to))
      .signal(signalMessage, signal)
      .catch((err: unknown) => log.warn('migration signal not delivered', { agentId, to, type, error: message(err) }));
  }
}
