/**
 * The topic workflow (`topic/<name>`): owns a topic's subscribers and fans each published signal out to
 * them. Answers `topic.subscribe`, `topic.unsubscribe`, `topic.publish` (signals), `topic.subscribers`
 * and `topic.info` (queries).
 *
 * Each publication is forwarded unchanged (same id, so the receivers' exactly-once window applies) to
 * every subscriber's `jido.signal`, in publication order, in bounded chunks: never more than
 * {@link TOPIC_SENDS_IN_FLIGHT} sends in flight, so a topic with thousands of subscribers stays inside
 * Temporal's 2,000 pending outgoing signals. The fan-out (src/topic/fanout.ts) is carried across
 * continue-as-new, which happens between sends. A subscriber that no longer exists is dropped.
 *
 * @module
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentWorkflowId } from '../src/agent/agent-id.js';
import { DEFAULT_RUN_LIMITS, continueDecision } from '../src/agent/limits.js';
import { signalMessage } from '../src/messages.js';
import { carriedBytes } from '../src/agent/json-size.js';
import {
  Fanout,
  TOPIC_BUDGET,
  publishMessage,
  subscribeMessage,
  subscribersQuery,
  topicInfoQuery,
  unsubscribeMessage,
  type SubscriptionRequest,
  type TopicInput,
} from '../src/topic/index.js';
import { legacyTopic } from './topic-legacy.js';

/**
 * Sends in flight at most: their completions must not overflow the server's buffer of 100 events per
 * workflow task (see EFFECTS_IN_FLIGHT in src/agent/limits.ts), far below the 2,000 pending signals allowed.
 */
export const TOPIC_SENDS_IN_FLIGHT = 64;
const size = carriedBytes;

/** The failure type core gives a signal to a workflow that does not exist (or has closed). */
const NOT_FOUND = 'ExternalWorkflowExecutionNotFound';

/** Topics started before bounded fan-out replay their old behaviour (./topic-legacy.ts) until they continue-as-new. */
export const PATCH_TOPIC_V2 = 'topic-v2';

export async function topic(input: TopicInput): Promise<void> {
  if (!patched(PATCH_TOPIC_V2)) return legacyTopic(input);
  const fanout = new Fanout(size, input.fanout ?? { subscribers: input.subscribers ?? [], published: input.published ?? 0 });
  const stats = { duplicatesIgnored: 0, refused: 0, generation: 0, ...input.stats };
  const refusals: string[] = [];
  let inFlight = 0;
  let signalsThisRun = 0;
  let draining = false;

  const refuse = (reason: string): void => {
    stats.refused++;
    refusals.push(reason);
    if (refusals.length > 10) refusals.shift();
    log.warn('topic request refused', { topic: input.topic, reason });
  };
  // Malformed requests (raw SDK, CLI) are refused with a warning: a throwing handler would wedge the topic.
  const agentIds = (req: unknown): string[] | undefined => {
    const r = req as Partial<{ agentId: unknown; agentIds: unknown }> | null | undefined;
    const ids = Array.isArray(r?.agentIds) ? (r.agentIds as unknown[]) : [r?.agentId];
    if (ids.length > 0 && ids.every((id) => typeof id === 'string' && id.length > 0)) return ids as string[];
    refuse('a subscription request needs { agentId } or { agentIds: [...] } of non-empty strings');
    return undefined;
  };
  setHandler(subscribeMessage, (req: SubscriptionRequest) => {
    signalsThisRun++;
    const ids = agentIds(req);
    if (ids !== undefined && fanout.subscribe(ids) === 'too-large') refuse(`subscription of ${ids.length} agents refused: the subscriber list would pass ${TOPIC_BUDGET.subscribersBytes} bytes`);
  });
  setHandler(unsubscribeMessage, (req: SubscriptionRequest) => {
    signalsThisRun++;
    const ids = agentIds(req);
    if (ids !== undefined && fanout.unsubscribe(ids) === 'too-large') refuse('unsubscription refused: too many operations queued');
  });
  setHandler(publishMessage, (signal) => {
    signalsThisRun++;
    const outcome = fanout.publish(signal);
    if (outcome === 'duplicate') stats.duplicatesIgnored++;
    else if (outcome === 'too-large') refuse(`publication refused: queued publications would pass ${TOPIC_BUDGET.opsBytes} bytes`);
  });
  setHandler(subscribersQuery, () => fanout.list());
  setHandler(topicInfoQuery, () => ({
    topic: input.topic,
    subscribers: fanout.list().length,
    published: fanout.published,
    pending: fanout.pending,
    inFlight,
    duplicatesIgnored: stats.duplicatesIgnored,
    refused: stats.refused,
    lastRefusals: [...refusals],
    generation: stats.generation,
  }));

  const pump = (): void => {
    while (!draining && inFlight < TOPIC_SENDS_IN_FLIGHT) {
      const send = fanout.next();
      if (send === undefined) return;
      inFlight++;
      getExternalWorkflowHandle(agentWorkflowId(send.agentId))
        .signal(signalMessage, send.signal)
        .then(
          () => inFlight--,
          (err: unknown) => {
            inFlight--;
            if (err instanceof ApplicationFailure && err.type === NOT_FOUND) {
              fanout.drop(send.agentId);
              log.warn('topic subscriber gone; unsubscribed', { topic: input.topic, agentId: send.agentId });
            } else {
              // Not retried (that would reorder the receiver's signals): counted and reported in topic.info.
              refuse(`send of a publication to ${send.agentId} failed: ${String(err)}`);
            }
          },
        );
    }
  };
  const due = () => {
    const info = workflowInfo();
    return continueDecision(
      { historyLength: info.historyLength, historySize: info.historySize, continueAsNewSuggested: info.continueAsNewSuggested, signals: signalsThisRun, updates: 0, childBudgetSpent: false },
      DEFAULT_RUN_LIMITS,
    );
  };

  for (;;) {
    pump();
    await condition(() => (fanout.pending > 0 && inFlight < TOPIC_SENDS_IN_FLIGHT) || due() !== undefined);
    if (due() === undefined) continue;
    draining = true;
    await condition(() => inFlight === 0 && allHandlersFinished());
    await continueAsNew<typeof topic>({ topic: input.topic, fanout: fanout.toJSON(), stats: { ...stats, generation: stats.generation + 1 } });
  }
}
