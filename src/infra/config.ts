/**
 * A node worker's configuration, from the environment, validated by zod. One process = one cluster node.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `NODE_ID` | (required) | this node's id: lowercase letters, digits and `-`; its activity queue is `node.<NODE_ID>` |
 * | `TEMPORAL_ADDRESS` | `localhost:7233` | Temporal frontend |
 * | `TEMPORAL_NAMESPACE` | `default` | namespace |
 * | `AGENT_TASK_QUEUE` | `agents` | the shared workflow task queue every node polls |
 * | `METRICS_PORT` | `0` (off) | Prometheus metrics of the Temporal Runtime on `0.0.0.0:<port>/metrics` |
 * | `LOG_LEVEL` | `info` | pino level |
 * | `WORKFLOW_BUNDLE_PATH` | (none) | a pre-built workflow bundle; without it the worker bundles `workflows/index.ts` at start |
 * | `MAX_CACHED_WORKFLOWS` | SDK default (from heap size) | sticky cache size |
 * | `SHUTDOWN_GRACE_MS` | `10000` | how long in-flight activities get on SIGINT/SIGTERM |
 * | `CLUSTER` | `on` | join the cluster (membership, lease, load reports); `off` for a bare worker |
 * | `CLUSTER_PRESET` | `production` | `development` or `production`: detector timing, report interval, recovery time (src/cluster/presets.ts) |
 * | `LOAD_REPORT_MS` | the preset's | the cluster's shortest load-report interval, if this node is the first (it starts the membership agent) |
 * | `STICKY_TIMEOUT_MS` | the preset's | how long a cached agent's task waits for this worker before any worker takes it |
 * | `CAPABILITIES` | (none) | comma-separated capabilities announced to the cluster (`gpu,ssd`) |
 * | `LABELS` | (none) | comma-separated `key=value` labels announced to the cluster (`zone=a,rack=3`) |
 * | `MAX_AGENTS` | `1000` | agents this node is willing to host (announced capacity) |
 * | `LOAD_SAMPLE_FILE` | (none) | a JSON file whose numbers override the node's load samples (tests and bench inject load this way) |
 *
 * @module
 */
import { z } from 'zod';
import { AgentClusterError, ErrorCode } from '../errors.js';

const port = z.coerce.number().int().min(0).max(65535);

export const nodeConfigSchema = z.object({
  NODE_ID: z
    .string({ error: 'NODE_ID is required (e.g. NODE_ID=node-a)' })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'NODE_ID must be 1-63 lowercase letters, digits or "-", starting with a letter or digit'),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  AGENT_TASK_QUEUE: z.string().min(1).default('agents'),
  METRICS_PORT: port.default(0),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().nonnegative().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  CLUSTER: z.enum(['on', 'off']).default('on'),
  CLUSTER_PRESET: z.enum(['development', 'production']).default('production'),
  STICKY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  LOAD_REPORT_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  CAPABILITIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
    .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, 'each capability is a letter then letters, digits, "_", ".", ":" or "-"')).max(64)),
  LABELS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const labels: Record<string, string> = {};
      for (const pair of v.split(',').map((x) => x.trim()).filter((x) => x.length > 0)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) {
          ctx.addIssue({ code: 'custom', message: `label "${pair}" must be key=value` });
          return z.NEVER;
        }
        labels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return labels;
    }),
  MAX_AGENTS: z.coerce.number().int().positive().default(1000),
  LOAD_SAMPLE_FILE: z.string().min(1).optional(),
});

export type NodeConfig = z.output<typeof nodeConfigSchema>;

/** Parses the environment; throws {@link ErrorCode.INVALID_CONFIG} listing every bad variable. */
export function loadNodeConfig(env: Record<string, string | undefined> = process.env): NodeConfig {
  const parsed = nodeConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new AgentClusterError(ErrorCode.INVALID_CONFIG, `invalid node configuration: ${lines.join('; ')}`, { details: { issues: lines } });
  }
  return parsed.data;
}
