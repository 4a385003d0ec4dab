/**
 * The resource manager's maths (`cluster/resource-manager`): thresholds per node (the seeds' cpu 0.8 and
 * memory 0.85, agents per node) and quotas per agent kind and per tenant. Placement refuses with the
 * reason instead of overloading a node or going over a quota. Pure.
 *
 * @module
 */
import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from './constraints.js';
import type { PlacementNode, PlacementRequest } from './table.js';

const count = z.number().int().nonnegative();

export const resourceConfigSchema = z.strictObject({
  thresholds: z.strictObject({ cpu: z.number().min(0).max(1), memory: z.number().min(0).max(1) }),
  /** At most this many agents on any node (besides each node's own `maxAgents`). */
  maxAgentsPerNode: count.optional(),
  quotas: z.strictObject({ perKind: z.record(z.string(), count).optional(), perTenant: z.record(z.string(), count).optional() }),
});
export type ResourceConfig = z.infer<typeof resourceConfigSchema>;

export const RESOURCE_DEFAULTS: ResourceConfig = { thresholds: { ...DEFAULT_THRESHOLDS }, quotas: {} };

/** Agents placed now, per kind and per tenant. */
export interface ResourceUsage {
  byKind: Record<string, number>;
  byTenant: Record<string, number>;
}

/** Whether one more agent of this request stays inside the quotas; the reason names the quota when not. */
export function checkQuota(config: ResourceConfig, usage: ResourceUsage, request: PlacementRequest): { ok: true } | { ok: false; reason: string } {
  const kindQuota = config.quotas.perKind?.[request.kind];
  const kindUsed = usage.byKind[request.kind] ?? 0;
  if (kindQuota !== undefined && kindUsed >= kindQuota) return { ok: false, reason: `quota for kind "${request.kind}" reached (${kindUsed} of ${kindQuota})` };
  if (request.tenant !== undefined) {
    const tenantQuota = config.quotas.perTenant?.[request.tenant];
    const tenantUsed = usage.byTenant[request.tenant] ?? 0;
    if (tenantQuota !== undefined && tenantUsed >= tenantQuota) return { ok: false, reason: `quota for tenant "${request.tenant}" reached (${tenantUsed} of ${tenantQuota})` };
  }
  return { ok: true };
}

/** What a node is over (what `cluster.overload.detected` reports). */
export function overloaded(node: PlacementNode, config: ResourceConfig = RESOURCE_DEFAULTS): Array<{ metric: 'cpu' | 'memory' | 'agents'; value: number; threshold: number }> {
  const out: Array<{ metric: 'cpu' | 'memory' | 'agents'; value: number; threshold: number }> = [];
  if (node.load !== undefined && node.load.cpu > config.thresholds.cpu) out.push({ metric: 'cpu', value: node.load.cpu, threshold: config.thresholds.cpu });
  if (node.load !== undefined && node.load.memory > config.thresholds.memory) out.push({ metric: 'memory', value: node.load.memory, threshold: config.thresholds.memory });
  const maxAgents = Math.min(node.capacity.maxAgents, config.maxAgentsPerNode ?? Number.POSITIVE_INFINITY);
  if (node.agents >= maxAgents) out.push({ metric: 'agents', value: node.agents, threshold: maxAgents });
  return out;
}

/** A node may take one more agent under these limits. */
export function nodeFits(node: PlacementNode, config: ResourceConfig = RESOURCE_DEFAULTS): boolean {
  return overloaded(node, config).length === 0;
}
