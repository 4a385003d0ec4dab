/**
 * Activities that read this node: its load sample (the probe agent's `measureNode`).
 *
 * @module
 */
import os from 'node:os';
import type { NodeSample } from '../src/examples/probe.js';
import type { AgentHost } from './host/index.js';

export function createNodeActivities(host: AgentHost) {
  return {
    async measureNode(): Promise<NodeSample> {
      const cores = os.cpus().length || 1;
      return {
        nodeId: host.nodeId,
        cpu: (os.loadavg()[0] ?? 0) / cores,
        memory: 1 - os.freemem() / os.totalmem(),
        rss: process.memoryUsage.rss(),
        hostedAgents: host.size,
        at: Date.now(),
      };
    },
  };
}

export type NodeActivities = ReturnType<typeof createNodeActivities>;
