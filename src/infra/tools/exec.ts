/**
 * Running the external build tools (go, mvn, java) and finding them on PATH.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** What a finished command left behind. Output is capped (its tail is kept). */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const OUTPUT_CAP = 256 * 1024;

/** Runs `cmd args…` to completion, collecting output; never rejects for a non-zero exit. */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    const keepTail = (acc: string, chunk: Buffer): string => {
      const next = acc + chunk.toString('utf8');
      return next.length > OUTPUT_CAP ? next.slice(-OUTPUT_CAP) : next;
    };
    child.stdout.on('data', (c: Buffer) => (stdout = keepTail(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keepTail(stderr, c)));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** The last `lines` non-empty lines of a command's output, indented, for an error message. */
export function outputTail(result: RunResult, lines = 20): string {
  const all = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return all.slice(-lines).map((l) => `    ${l}`).join('\n');
}

/** True when `path` is a regular file this process may execute. */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on `env.PATH` (like `command -v`), or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
