/**
 * Topics: `emit.toTopic(name, signal)` reaches every agent subscribed to `name`. A topic is itself an
 * entity workflow (`topic/<name>`) holding its subscriber list and fanning each published signal out to
 * the subscribers' `jido.signal`. Subscribing starts the topic on demand (signal-with-start), so a topic
 * exists exactly when someone has subscribed to it; publishing to a topic nobody ever subscribed to is
 * reported to the publisher as a dead letter rather than silently dropped.
 *
 * Imports only `@temporalio/workflow`: shared by the topic workflow and the client.
 *
 * @module
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Prefix of every topic's workflow id. */
export const TOPIC_WORKFLOW_PREFIX = 'topic/';

export function topicWorkflowId(topic: string): string {
  return TOPIC_WORKFLOW_PREFIX + topic;
}

/** Adds an agent to a topic (idempotent). */
export const subscribeMessage = defineSignal<[{ agentId: string }]>('topic.subscribe');
/** Removes an agent from a topic (idempotent). */
export const unsubscribeMessage = defineSignal<[{ agentId: string }]>('topic.unsubscribe');
/** Publishes one Jido signal to every subscriber. */
export const publishMessage = defineSignal<[unknown]>('topic.publish');
/** The subscribers, in subscription order. */
export const subscribersQuery = defineQuery<string[]>('topic.subscribers');

/** Input of the topic workflow (carried across continue-as-new). */
export interface TopicInput {
  topic: string;
  subscribers?: string[];
  published?: number;
}
