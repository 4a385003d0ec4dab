/**
 * The topic workflow (`topic/<name>`): owns a topic's subscriber list; answers `topic.subscribe`,
 * `topic.unsubscribe`, `topic.publish` (signals) and `topic.subscribers` (query). Each published signal is
 * forwarded unchanged (same id, so the receivers' exactly-once window still applies) to every subscriber's
 * `jido.signal`, in publication order. A subscriber that no longer exists is dropped from the list.
 *
 * @module
 */
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { agentWorkflowId } from '../src/agent/agent-id.js';
import { signalMessage } from '../src/messages.js';
import { publishMessage, subscribeMessage, subscribersQuery, unsubscribeMessage, type TopicInput } from '../src/topic.js';

export async function topic(input: TopicInput): Promise<void> {
  const subscribers = new Set(input.subscribers ?? []);
  const queue: unknown[] = [];
  let published = input.published ?? 0;
  let inFlight = 0;

  // Malformed requests (raw SDK, CLI) are ignored with a warning: a throwing handler would wedge the topic.
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
      await continueAsNew<typeof topic>({ topic: input.topic, subscribers: [...subscribers], published });
    }
  }
}
