/**
 * `bareCounter`, the baseline every runtime figure is divided by: a Temporal entity workflow that only
 * counts. Kept in a module of its own so that it can also be bundled alone — what one cached workflow
 * costs without the runtime's modules (zod, agent definitions) in its bundle. Also the `migration`
 * group's baseline: `bareMover` and `barePartner`, the live migration saga's shape in bare Temporal.
 * Sandbox code: imports only `@temporalio/workflow` and the shared message definitions.
 *
 * @module
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  bareCountQuery,
  bareHomeQuery,
  bareIncSignal,
  bareIncUpdate,
  bareMoveReplySignal,
  bareMoveSignal,
  bareNodeQueue,
  type BareMoveInput,
  type BareMoveReply,
  type BareMoveRequest,
  type BareMoveResult,
  type BareNodeActivities,
} from './bare-messages.js';

/**
 * Owns a counter. Answers signal `bare.inc` (increment), update `bare.incUpdate` (increment, return the
 * count) and query `bare.count`. Continues as new, carrying the count, when the server suggests it.
 */
export async function bareCounter(start = 0): Promise<never> {
  let count = start;
  setHandler(bareIncSignal, () => {
    count++;
  });
  setHandler(bareIncUpdate, () => ++count);
  setHandler(bareCountQuery, () => count);
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  return continueAsNew<typeof bareCounter>(count);
}

/**
 * The agent's side of a bare migration: an entity workflow homed on a bare node. Answers every
 * `bare.move` request from its main loop with a `bare.moveReply` signal to the mover (a `commit` first
 * moves its home and bumps its epoch), as an agent answers the saga's `jido.move`. Query `bare.home`.
 */
export async function barePartner(home: string, epoch = 0): Promise<never> {
  const requests: BareMoveRequest[] = [];
  setHandler(bareMoveSignal, (r) => void requests.push(r));
  setHandler(bareHomeQuery, () => ({ home, epoch }));
  for (;;) {
    await condition(() => requests.length > 0 || workflowInfo().continueAsNewSuggested);
    const r = requests.shift();
    if (r === undefined) break;
    if (r.op === 'commit' && r.target !== home) {
      home = r.target;
      epoch++;
    }
    await getExternalWorkflowHandle(r.replyTo).signal(bareMoveReplySignal, { op: r.op, home, epoch });
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof barePartner>(home, epoch);
}

/** The saga's timeouts and retries for a node step (workflows/sagas/migration.ts), kept the same here. */
const NODE_STEP_OPTIONS = {
  scheduleToStartTimeout: '10s',
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3, initialInterval: '250ms', backoffCoefficient: 2 },
} as const;
/** How long the mover waits for an answer of its partner (the saga's `ANSWER_MS`). */
const ANSWER_MS = 30_000;

/**
 * The live migration saga's shape in bare Temporal, nothing of the runtime: two signal round trips with
 * the partner (`prepare` → reply, `commit` → reply) and four sequential trivial activities on the two
 * bare nodes' queues, in the saga's order: checkpoint on the source, restore on the target, [commit],
 * release on the source, validate on the target.
 */
export async function bareMover(input: BareMoveInput): Promise<BareMoveResult> {
  const self = workflowInfo().workflowId;
  const replies: BareMoveReply[] = [];
  setHandler(bareMoveReplySignal, (r) => void replies.push(r));
  const partner = getExternalWorkflowHandle(input.partner);
  const node = (id: string) => proxyActivities<BareNodeActivities>({ taskQueue: bareNodeQueue(id), ...NODE_STEP_OPTIONS });
  const ask = async (op: BareMoveRequest['op']): Promise<BareMoveReply> => {
    const before = replies.length;
    await partner.signal(bareMoveSignal, { op, replyTo: self, target: input.to });
    const answered = await condition(() => replies.length > before, ANSWER_MS);
    const reply = replies[before];
    if (!answered || reply === undefined) throw ApplicationFailure.nonRetryable(`${op}: ${input.partner} did not answer within ${ANSWER_MS} ms`);
    return reply;
  };
  const prepared = await ask('prepare');
  await node(input.from).bareNodeStep({ step: 'checkpoint', partner: input.partner, epoch: prepared.epoch });
  await node(input.to).bareNodeStep({ step: 'restore', partner: input.partner, epoch: prepared.epoch + 1 });
  const committed = await ask('commit');
  await node(input.from).bareNodeStep({ step: 'release', partner: input.partner, epoch: committed.epoch });
  await node(input.to).bareNodeStep({ step: 'validate', partner: input.partner, epoch: committed.epoch });
  return { partner: input.partner, from: prepared.home, to: committed.home, epoch: committed.epoch };
}
