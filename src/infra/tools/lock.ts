/**
 * A cross-process lock file, so two processes (vitest workers, two npm commands) never build the same
 * tool at once: the second waits, then finds the first one's verified install.
 *
 * The lock is an optimisation, not what keeps installs sound: every build happens in a private temp
 * directory and is renamed into place, and the marker is written last. So if two processes ever both
 * take a lock judged stale, the worst outcome is one wasted build.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClusterError, ErrorCode } from '../../errors.js';

/** Tuning for {@link withLock}. */
export interface LockOptions {
  /** What is being built, for the waiting message. */
  what: string;
  log?: (line: string) => void;
  /** A lock whose file has not been touched for this long is stale (its holder refreshes it). Default 60 s. */
  staleMs?: number;
  /** How often the holder refreshes the lock's mtime. Default 5 s. */
  heartbeatMs?: number;
  /** Give up waiting after this long. Default 30 min (a cold Go build on two cores takes minutes). */
  timeoutMs?: number;
  /** Poll interval while waiting. Default 500 ms. */
  pollMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the lock at `path` is stale, or undefined when its holder looks alive (or the lock is gone). */
async function staleness(path: string, staleMs: number): Promise<string | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
  const age = Date.now() - mtimeMs;
  if (age > staleMs) return `not refreshed for ${Math.round(age / 1000)} s`;
  const owner = await readOwner(path);
  if (owner && owner.host === hostname() && !pidAlive(owner.pid)) return `holder pid ${owner.pid} is gone`;
  return undefined;
}

/** Runs `fn` while holding the lock file at `path`, waiting for (or breaking a stale) holder first. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const started = Date.now();
  let announced = false;
  await mkdir(dirname(path), { recursive: true });

  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stale = await staleness(path, staleMs);
    if (stale !== undefined) {
      options.log?.(`breaking stale lock on ${options.what} (${stale})`);
      await rm(path, { force: true });
      continue;
    }
    if (!announced) {
      const owner = await readOwner(path);
      options.log?.(`waiting for another process${owner ? ` (pid ${owner.pid})` : ''} to finish installing ${options.what}…`);
      announced = true;
    }
    if (Date.now() - started > timeoutMs) {
      throw new AgentClusterError(
        ErrorCode.TOOLCHAIN_MISSING,
        `agent-cluster: gave up after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${path} — if no other install is running, delete it`,
        { details: { lock: path } },
      );
    }
    await sleep(pollMs);
  }

  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    const owner = await readOwner(path);
    if (owner?.token === me.token) await rm(path, { force: true });
  }
}
