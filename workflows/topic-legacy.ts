/**
 * The topic workflow as it ran before `topic-v2`, kept unchanged so that topics started by it replay
 * (their histories have every send of a publication in one workflow task, and subscriptions applied at
 * once). `topic()` runs this when its history has no `topic-v2` marker; its continue-as-new starts today's
 * topic, which reads this input (`subscribers`, `published`). Delete once no such topic runs.
 *
 * @module
 */
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentWorkflowId } from '../src/agent/agent-id.js';
import { signalMessage } from '../src/messages.js';
import { publishMessage, subscribeMessage, subscribersQuery, unsubscribeMessage, type TopicInput } from '../src/topic/index.js';

export async function legacyTopic(input: TopicInput): Promise<void> {
  const subscribers = new Set(input.subscribers ?? []);
  const queue: unknown[] = [];
  let published = input.published ?? 0;
  let inFlight = 0;

  const agentIdOf = (req: unknown): string | undefined => {
    const id = (req as { agentId?: unknown } | undefined)?.agentId;
    if (typeof id === 'string' && id.length > 0) return id;
    log.warn('topic request without an agentId ignored', { topic: input.topic });
    return undefined;
  };
  setHandler(subscribeMessage, (req) => {
    const id = agentIdOf(req);
    if (id !== undefined) subscribers.add(id);
  });
  setHandler(unsubscribeMessage, (req) => {
    const id = agentIdOf(req);
    if (id !== undefined) subscribers.delete(id);
  });
  setHandler(publishMessage, (signal) => void queue.push(signal));
  setHandler(subscribersQuery, () => [...subscribers]);

  for (;;) {
    await condition(() => queue.length > 0 || workflowInfo().continueAsNewSuggested);
    for (let signal = queue.shift(); signal !== undefined; signal = queue.shift()) {
      published++;
      for (const agentId of subscribers) {
        inFlight++;
        void getExternalWorkflowHandle(agentWorkflowId(agentId))
          .signal(signalMessage, signal)
          .then(
            () => inFlight--,
            (err: unknown) => {
              inFlight--;
              subscribers.delete(agentId);
              log.warn('topic subscriber gone; unsubscribed', { topic: input.topic, agentId, error: String(err) });
            },
          );
      }
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => inFlight === 0 && allHandlersFinished());
      if (queue.length > 0) continue;
      await continueAsNew<(input: TopicInput) => Promise<void>>({ topic: input.topic, subscribers: [...subscribers], published });
    }
  }
}
