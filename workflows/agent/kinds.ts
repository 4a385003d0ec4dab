/**
 * The agent kinds turned into workflows in this bundle, by name, so that a `spawn` can check the kind and
 * its initial state before starting it.
 *
 * @module
 */
import type { AgentDefinition } from '../../src/agent/define-agent.js';

export const kinds = new Map<string, AgentDefinition>();
