/**
 * The custom search attributes every agent carries, so the Temporal Web UI and visibility queries can
 * filter agents: `AgentKind = 'accumulator' AND AgentNode = 'node-a' AND AgentStatus = 'running'`.
 * They must be registered on the namespace before use (the dev server: `--search-attribute`; the
 * time-skipping server: `OperatorService.addSearchAttributes`; production: `temporal operator
 * search-attribute create`). Pure module.
 *
 * @module
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AgentKindKey = defineSearchAttributeKey('AgentKind', SearchAttributeType.KEYWORD);
export const AgentNodeKey = defineSearchAttributeKey('AgentNode', SearchAttributeType.KEYWORD);
export const AgentStatusKey = defineSearchAttributeKey('AgentStatus', SearchAttributeType.KEYWORD);

/** Name → type of every custom search attribute, for registering them. */
export const CUSTOM_SEARCH_ATTRIBUTES = {
  AgentKind: 'Keyword',
  AgentNode: 'Keyword',
  AgentStatus: 'Keyword',
} as const;

/** Lifecycle of an agent as shown in `AgentStatus`. */
export type AgentStatus = 'running' | 'stopping' | 'stopped';
