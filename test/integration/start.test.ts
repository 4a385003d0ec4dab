/**
 * The main job (`npm start`) as a user runs it: dev server with Web UI, node processes, demo agents;
 * Ctrl-C (SIGINT) stops everything it started and leaves no process behind.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/tools/port.js';

const START = path.resolve(import.meta.dirname, '../../scripts/start.ts');

function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = out.split('\n').filter(Boolean).map(Number);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** `pid command` of each process, for a readable failure. */
function commands(pids: number[]): string[] {
  if (pids.length === 0) return [];
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '-p', pids.join(',')], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.trim().slice(0, 120));
  } catch {
    return [];
  }
}

/** Waits (up to `ms`) for the processes to be gone; returns the ones still alive. */
async function survivors(pids: number[], ms = 10_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('brings up the Web UI and the demo agents, and Ctrl-C stops everything it started', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'ac-start-')), 'dev.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', START, '--port', String(port), '--ui-port', String(uiPort), '--db', db], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${lines.join('\n')}`)), 150_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.includes('agent-cluster ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exit.then(() => reject(new Error(`exited early:\n${lines.join('\n')}`)));
    });
    const out = lines.join('\n');
    expect(out).toContain(`Temporal Web UI:      http://localhost:${uiPort}`);
    expect(out).toMatch(/demo-acc-2.*node-b.*total=15 count=2/);
    expect(out).toMatch(/probe-node-a.*on node-a/);
    // Both node processes joined the cluster: the membership table shows them up (or quarantined, when
    // the machine is saturated: the nodes report their real load to the health monitor).
    expect(out).toContain('Cluster membership');
    expect(out).toMatch(/'node-a'.*'(up|quarantined)'/);
    expect(out).toMatch(/'node-b'.*'(up|quarantined)'/);
    const ui = await fetch(`http://localhost:${uiPort}/`);
    expect(ui.status).toBe(200);

    const started = descendants(child.pid!);
    const names = commands(started);
    expect(names.filter((c) => c.includes('server start-dev'))).toHaveLength(1);
    expect(names.filter((c) => c.includes('workers/node.ts'))).toHaveLength(2);
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(lines.join('\n')).toContain('stopped cleanly.');
    // Helpers such as tsx's esbuild service end when their parent's pipe closes, a moment after it exits.
    const left = await survivors(started);
    expect(commands(left)).toEqual([]);
  }, 240_000);

  it('names a port that is already taken instead of failing with a stack trace', async () => {
    const { createServer } = await import('node:net');
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const taken = (server.address() as { port: number }).port;
    try {
      const result = spawn(process.execPath, ['--import', 'tsx', START, '--port', String(taken), '--ui-port', String(await freePort())], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      result.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => result.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${taken} (Temporal frontend) is already in use`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.close();
    }
  });
});
