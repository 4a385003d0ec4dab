/**
 * The child processes the harness owns (dev server, workers): each is tracked from the moment it is
 * spawned, so every exit path — an error, Ctrl-C in the middle of a start, a crash — can stop them and
 * nothing outlives a run.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { stopChild } from '../src/infra/child-process.js';

const live = new Set<ChildProcess>();

/** Tracks `child` until it exits. Returns it. */
export function track<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function killProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  await stopChild(child, graceMs);
}

/** Stops every tracked process still running. */
export async function killTracked(graceMs = 3_000): Promise<void> {
  await Promise.all([...live].map((child) => killProcess(child, graceMs)));
}

// Last resort when the harness exits without cleaning up (process.exit from elsewhere): no orphans.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
