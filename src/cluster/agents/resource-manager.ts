/**
 * `resourceManager` (`cluster/resource-manager`): the seeds' ResourceManager. Holds the cluster's resource
 * limits (src/placement/resources.ts): the thresholds above which a node takes no new agents (the seeds'
 * cpu 0.8, memory 0.85), a cap on agents per node, and quotas per agent kind. A `jido.call` of
 * `cluster.resources.set` changes them (answered with the whole config) and hands them to the load
 * balancer (`cluster.placement.configure`), whose table every placement reads: a node over a threshold or
 * at the cap is excluded with the reason, and a kind at its quota is refused (`NO_NODE_FITS` /
 * `REFUSED`) instead of overloading a node. Quotas per tenant are in the maths but not enforced yet: agents
 * carry no tenant yet.
 *
 * @module
 */
import { z } from 'zod';
import { defineAction, defineAgent } from '../../agent/define-agent.js';
import { emit } from '../../agent/directives.js';
import { RESOURCE_DEFAULTS, resourceConfigSchema, type ResourceConfig } from '../../placement/resources.js';
import type { JsonValue } from '../../signal/index.js';
import { CLUSTER_IDS, resourcesSetSchema } from '../signals.js';

export const resourceManagerStateSchema = z.strictObject({ config: resourceConfigSchema, changes: z.number().int().nonnegative() });
export type ResourceManagerState = z.infer<typeof resourceManagerStateSchema>;
type S = ResourceManagerState;

const set = defineAction({
  name: 'set',
  description: 'Changes thresholds, the per-node cap or the per-kind quotas; the load balancer gets them at once.',
  params: resourcesSetSchema,
  run: (s: S, p) => {
    const config: ResourceConfig = { ...s.config, quotas: { ...s.config.quotas } };
    if (p.thresholds !== undefined) config.thresholds = { ...config.thresholds, ...p.thresholds };
    if (p.maxAgentsPerNode === null) delete config.maxAgentsPerNode;
    else if (p.maxAgentsPerNode !== undefined) config.maxAgentsPerNode = p.maxAgentsPerNode;
    if (p.quotas?.perKind !== undefined) config.quotas.perKind = { ...(config.quotas.perKind ?? {}), ...p.quotas.perKind };
    if (p.quotas?.perTenant !== undefined) config.quotas.perTenant = { ...(config.quotas.perTenant ?? {}), ...p.quotas.perTenant };
    const limits: Record<string, JsonValue> = { thresholds: config.thresholds, quotas: config.quotas as JsonValue };
    if (config.maxAgentsPerNode !== undefined) limits.maxAgentsPerNode = config.maxAgentsPerNode;
    return {
      state: { config, changes: s.changes + 1 },
      directives: [emit.toAgent(CLUSTER_IDS.loadBalancer, { type: 'cluster.placement.configure', data: { resources: limits } })],
      result: config,
    };
  },
});

export const resourceManagerAgent = defineAgent({
  name: 'resourceManager',
  description: 'Resource thresholds, the per-node agent cap and per-kind quotas, handed to the load balancer.',
  state: resourceManagerStateSchema,
  initialState: { config: RESOURCE_DEFAULTS, changes: 0 },
  routes: { 'cluster.resources.set': set },
});
