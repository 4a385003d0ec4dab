/**
 * Topics: the topic workflow's messages and its pure fan-out. Pure modules, shared by the topic workflow
 * and the client.
 *
 * @module
 */
export {
  TOPIC_WORKFLOW_PREFIX,
  publishMessage,
  subscribeMessage,
  subscribersQuery,
  topicInfoQuery,
  topicWorkflowId,
  unsubscribeMessage,
  type SubscriptionRequest,
  type TopicInfo,
  type TopicInput,
} from './messages.js';
export { Fanout, TOPIC_BUDGET, TOPIC_DEDUPE_WINDOW, type FanoutOutcome, type FanoutState, type TopicOp } from './fanout.js';
