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
import type { FanoutState } from './fanout.js';

/** Prefix of every topic's workflow id. */
export const TOPIC_WORKFLOW_PREFIX = 'topic/';

export function topicWorkflowId(topic: string): string {
  return TOPIC_WORKFLOW_PREFIX + topic;
}

/** Who to add or remove: one agent, or many in one message (`agentIds`). */
export type SubscriptionRequest = { agentId: string } | { agentIds: string[] };

/** Adds agents to a topic (idempotent). */
export const subscribeMessage = defineSignal<[SubscriptionRequest]>('topic.subscribe');
/** Removes agents from a topic (idempotent). */
export const unsubscribeMessage = defineSignal<[SubscriptionRequest]>('topic.unsubscribe');
/** Publishes one Jido signal to every subscriber (a signal id already published is ignored). */
export const publishMessage = defineSignal<[unknown]>('topic.publish');
/** The subscribers, in subscription order. */
export const subscribersQuery = defineQuery<string[]>('topic.subscribers');
/** Counters of a topic. */
export const topicInfoQuery = defineQuery<TopicInfo>('topic.info');

export interface TopicInfo {
  topic: string;
  subscribers: number;
  /** Publications fanned out to every subscriber. */
  published: number;
  /** Operations waiting (publications, subscription changes), the one under way included. */
  pending: number;
  /** Sends in flight. */
  inFlight: number;
  /** Re-delivered publications ignored. */
  duplicatesIgnored: number;
  /**
   * Requests refused (malformed, or over the topic's size budget) and sends that failed for a reason other
   * than the subscriber being gone (not retried: that would reorder its signals), with the last reasons.
   */
  refused: number;
  lastRefusals: string[];
  generation: number;
}

/** Input of the topic workflow (carried across continue-as-new). */
export interface TopicInput {
  topic: string;
  subscribers?: string[];
  published?: number;
  /** Carried by today's topic: the fan-out under way and the operations after it. */
  fanout?: FanoutState;
  stats?: { duplicatesIgnored: number; refused: number; generation: number };
}
