/**
 * Where installed tools live: one cache per user, outside any clone, so a fresh clone (or a second
 * worktree) reuses what an earlier one built.
 *
 * @module
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Environment variables that move the cache (each ignored when empty). */
export const CACHE_ENV = { root: 'AGENT_CLUSTER_CACHE', xdg: 'XDG_CACHE_HOME' } as const;

/**
 * The cache root: `$AGENT_CLUSTER_CACHE`, else `$XDG_CACHE_HOME/agent-cluster`, else
 * `~/.cache/agent-cluster`. A relative `XDG_CACHE_HOME` is ignored, as the XDG spec says.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[CACHE_ENV.root];
  if (explicit) return resolve(explicit);
  const xdg = env[CACHE_ENV.xdg];
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'agent-cluster');
}
