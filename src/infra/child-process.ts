/**
 * Stopping child processes the project starts (dev server, node workers): politely, then firmly.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';

/** True once the child has exited (by code or by signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Sends SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed by a signal)
 * once the process has exited. Safe to call more than once.
 */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (hasExited(child)) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
