// The tool bootstrap's cheap parts: where the cache is, how a partial or corrupt install is noticed,
// what a missing toolchain says, and the CLI's output contract. The real builds (go install, mvn) are
// exercised by `npm run tools` / the global test setup, not here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isAgentClusterError } from '../../src/errors.js';
import {
  cacheRoot,
  checkTemporalCli,
  checkTestServer,
  ensureTemporalCli,
  ensureTestServer,
  recordFile,
  reportsVersion,
  temporalCliPaths,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
  testServerPaths,
  testServerWrapper,
  withLock,
  writeMarker,
} from '../../src/infra/tools/index.js';

const root = join(import.meta.dirname, '..', '..');
let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'agent-cluster-tools-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function executable(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** A cache holding a "verified" fake CLI: a script, with a marker written the way a real build writes it. */
async function fakeCliCache(cache: string): Promise<string> {
  const paths = temporalCliPaths(cache);
  await mkdir(join(paths.dir, 'bin'), { recursive: true });
  await executable(paths.bin, `echo "temporal version ${TEMPORAL_CLI_VERSION} (Server x, UI y)"\n# ${'padding '.repeat(100)}`);
  await writeMarker(paths.marker, {
    tool: 'temporal-cli',
    version: TEMPORAL_CLI_VERSION,
    builtAt: new Date().toISOString(),
    files: { 'bin/temporal': await recordFile(paths.bin) },
    details: {},
  });
  return paths.bin;
}

/** A cache holding a "verified" fake test server whose classpath is one temp jar. */
async function fakeTestServerCache(cache: string): Promise<{ wrapper: string; jar: string }> {
  const paths = testServerPaths(cache);
  await mkdir(paths.dir, { recursive: true });
  const jar = join(tmp, 'fake.jar');
  await writeFile(jar, 'PK');
  await writeFile(paths.classpath, jar);
  await writeFile(paths.wrapper, testServerWrapper(process.execPath, [jar]));
  await chmod(paths.wrapper, 0o755);
  await writeMarker(paths.marker, {
    tool: 'temporal-test-server',
    version: TEMPORAL_TEST_SERVER_VERSION,
    builtAt: new Date().toISOString(),
    files: { 'temporal-test-server': await recordFile(paths.wrapper), 'classpath.txt': await recordFile(paths.classpath) },
    details: { java: process.execPath },
  });
  return { wrapper: paths.wrapper, jar };
}

/** Runs scripts/tools.ts in a child process with exactly `env` (plus nothing inherited). */
function toolsCli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tools.ts', ...args], {
    cwd: root,
    env: { HOME: tmp, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tool cache location', () => {
  it('uses AGENT_CLUSTER_CACHE first', () => {
    expect(cacheRoot({ AGENT_CLUSTER_CACHE: '/x/cache', XDG_CACHE_HOME: '/xdg', HOME: '/home/u' })).toBe('/x/cache');
  });

  it('falls back to $XDG_CACHE_HOME/agent-cluster, then ~/.cache/agent-cluster', () => {
    expect(cacheRoot({ XDG_CACHE_HOME: '/xdg', HOME: '/home/u' })).toBe('/xdg/agent-cluster');
    expect(cacheRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/agent-cluster');
  });

  it('ignores empty variables and a relative XDG_CACHE_HOME', () => {
    expect(cacheRoot({ AGENT_CLUSTER_CACHE: '', XDG_CACHE_HOME: '', HOME: '/home/u' })).toBe('/home/u/.cache/agent-cluster');
    expect(cacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/agent-cluster');
  });

  it('keeps each pinned version in its own directory', () => {
    expect(temporalCliPaths('/c').bin).toBe(`/c/temporal-cli/${TEMPORAL_CLI_VERSION}/bin/temporal`);
    expect(testServerPaths('/c').wrapper).toBe(`/c/temporal-test-server/${TEMPORAL_TEST_SERVER_VERSION}/temporal-test-server`);
  });
});

describe('temporal CLI install check', () => {
  it('accepts a marked, unchanged binary', async () => {
    await fakeCliCache(tmp);
    expect(await checkTemporalCli(tmp)).toMatchObject({ ok: true });
    expect(await checkTemporalCli(tmp, 'full')).toMatchObject({ ok: true });
  });

  it('treats a truncated binary as needing a rebuild', async () => {
    const bin = await fakeCliCache(tmp);
    await truncate(bin, 10);
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/truncated/) });
  });

  it('treats a same-size modification as needing a rebuild', async () => {
    const bin = await fakeCliCache(tmp);
    const bytes = await readFile(bin);
    bytes[bytes.length - 2] = 'X'.charCodeAt(0);
    await writeFile(bin, bytes);
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/checksum/) });
  });

  it('re-hashes a binary that was only touched, and accepts it', async () => {
    const bin = await fakeCliCache(tmp);
    const later = new Date(Date.now() + 5_000);
    await utimes(bin, later, later);
    expect(await checkTemporalCli(tmp)).toMatchObject({ ok: true });
  });

  it('treats a missing, unreadable or foreign marker as no install', async () => {
    const paths = temporalCliPaths(tmp);
    await fakeCliCache(tmp);
    await writeFile(paths.marker, '{"tool":"temporal-cli","vers');
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/no valid install marker/) });

    await fakeCliCache(tmp);
    const marker = JSON.parse(await readFile(paths.marker, 'utf8')) as { version: string };
    await writeFile(paths.marker, JSON.stringify({ ...marker, version: '0.0.1' }));
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/not temporal-cli/) });

    await rm(paths.marker);
    expect(await checkTemporalCli(tmp)).toMatchObject({ ok: false });
  });

  it('treats a marker without its binary, or a non-executable binary, as no install', async () => {
    const bin = await fakeCliCache(tmp);
    await chmod(bin, 0o644);
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/not executable/) });
    await rm(bin);
    expect(await checkTemporalCli(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/missing/) });
  });

  it('uses a valid cached build without needing go on PATH', async () => {
    const bin = await fakeCliCache(tmp);
    expect(await ensureTemporalCli({ env: { AGENT_CLUSTER_CACHE: tmp, PATH: '' } })).toBe(bin);
  });

  it('recognises the version line of a correctly built CLI', () => {
    expect(reportsVersion(`temporal version ${TEMPORAL_CLI_VERSION} (Server 1.29.1, UI 2.42.1)\n`)).toBe(true);
    expect(reportsVersion('temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)\n')).toBe(false);
    expect(reportsVersion(`temporal version ${TEMPORAL_CLI_VERSION}1 (Server 1.29.1)\n`)).toBe(false);
  });
});

describe('test server install check', () => {
  it('accepts a marked wrapper whose jars all exist', async () => {
    await fakeTestServerCache(tmp);
    expect(await checkTestServer(tmp)).toMatchObject({ ok: true });
  });

  it('notices a jar gone from the Maven repository', async () => {
    const { jar } = await fakeTestServerCache(tmp);
    await rm(jar);
    expect(await checkTestServer(tmp)).toEqual({ ok: false, reason: expect.stringMatching(/no longer in the Maven repository/) });
  });

  it('notices an edited wrapper', async () => {
    const { wrapper } = await fakeTestServerCache(tmp);
    await writeFile(wrapper, '#!/bin/sh\nexit 0\n');
    expect(await checkTestServer(tmp)).toMatchObject({ ok: false });
  });

  it('passes the port, and nothing else, to the test server main class', async () => {
    const fakeJava = await executable(join(tmp, 'java'), 'printf "%s\\n" "$@"');
    const wrapper = join(tmp, "it's a wrapper");
    await writeFile(wrapper, testServerWrapper(fakeJava, ['/m2/a b.jar', "/m2/it's.jar"]));
    await chmod(wrapper, 0o755);
    const out = spawnSync(wrapper, ['7234'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out.stdout.trim().split('\n')).toEqual(['-cp', "/m2/a b.jar:/m2/it's.jar", 'io.temporal.testserver.TestServer', '7234']);
  });
});

describe('environment overrides', () => {
  it('uses TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH as is', async () => {
    const cli = await executable(join(tmp, 'my-temporal'), 'exit 0');
    const server = await executable(join(tmp, 'my-test-server'), 'exit 0');
    const env = { AGENT_CLUSTER_CACHE: join(tmp, 'cache'), PATH: '', TEMPORAL_CLI_PATH: cli, TEMPORAL_TEST_SERVER_PATH: server };
    expect(await ensureTemporalCli({ env })).toBe(cli);
    expect(await ensureTestServer({ env })).toBe(server);
  });

  it('rejects an override that does not exist or is not executable, naming the variable', async () => {
    const notExecutable = join(tmp, 'plain-file');
    await writeFile(notExecutable, '');
    for (const value of [join(tmp, 'nope'), notExecutable]) {
      const err: unknown = await ensureTemporalCli({ env: { TEMPORAL_CLI_PATH: value } }).catch((e: unknown) => e);
      expect(isAgentClusterError(err, ErrorCode.INVALID_CONFIG)).toBe(true);
      expect((err as Error).message).toContain(`TEMPORAL_CLI_PATH=${value}`);
    }
  });
});

describe('scripts/tools.ts', () => {
  it("stops with one line naming 'go' when go is not on PATH", async () => {
    const emptyBin = await mkdtemp(join(tmp, 'bin-'));
    const { status, stdout, stderr } = toolsCli(['--json'], { PATH: emptyBin, AGENT_CLUSTER_CACHE: join(tmp, 'cache') });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^agent-cluster: 'go' not found on PATH — install Go .* TEMPORAL_CLI_PATH/)]);
  });

  it("names 'java', then 'mvn', when the test server cannot be installed", async () => {
    const cli = await executable(join(tmp, 'temporal'), 'exit 0');
    const bin = await mkdtemp(join(tmp, 'bin-'));
    const env = { PATH: bin, AGENT_CLUSTER_CACHE: join(tmp, 'cache'), TEMPORAL_CLI_PATH: cli };
    const noJava = toolsCli([], env);
    expect(noJava.status).toBe(1);
    expect(noJava.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^agent-cluster: 'java' not found on PATH — .*TEMPORAL_TEST_SERVER_PATH/)]);

    await executable(join(bin, 'java'), 'exit 0');
    const noMvn = toolsCli([], env);
    expect(noMvn.status).toBe(1);
    expect(noMvn.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^agent-cluster: 'mvn' not found on PATH — /)]);
  });

  it('prints exactly the paths as JSON with --json, and nothing with --quiet', async () => {
    const cli = await executable(join(tmp, 'temporal'), 'exit 0');
    const server = await executable(join(tmp, 'test-server'), 'exit 0');
    const env = { PATH: '', AGENT_CLUSTER_CACHE: join(tmp, 'cache'), TEMPORAL_CLI_PATH: cli, TEMPORAL_TEST_SERVER_PATH: server };
    const json = toolsCli(['--json'], env);
    expect(json.status).toBe(0);
    expect(json.stdout).toBe(`${JSON.stringify({ temporal: cli, testServer: server })}\n`);
    const quiet = toolsCli(['--quiet'], env);
    expect(quiet).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('rejects unknown flags with usage', () => {
    const { status, stderr } = toolsCli(['--bogus'], { PATH: '' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/usage:/);
  });
});

describe('install lock', () => {
  it('runs one holder at a time', async () => {
    const lock = join(tmp, 'x', '.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(
        lock,
        async () => {
          events.push(`${name}:in`);
          await new Promise((r) => setTimeout(r, 100));
          events.push(`${name}:out`);
        },
        { what: 'test', pollMs: 10 },
      );
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toHaveLength(4);
    expect(events[0]!.split(':')[0]).toBe(events[1]!.split(':')[0]);
    expect(events[2]!.split(':')[0]).toBe(events[3]!.split(':')[0]);
  });

  it('breaks a lock whose holder is gone', async () => {
    const lock = join(tmp, '.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(lock, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), token: 'old', since: '' }));
    const lines: string[] = [];
    await expect(withLock(lock, async () => 'ran', { what: 'test', log: (l) => lines.push(l), pollMs: 10 })).resolves.toBe('ran');
    expect(lines.join('\n')).toMatch(/stale lock/);
  });

  it('breaks a lock nobody has refreshed for longer than staleMs', async () => {
    const lock = join(tmp, '.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'old', since: '' }));
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    await expect(withLock(lock, async () => 'ran', { what: 'test', staleMs: 60_000, pollMs: 10 })).resolves.toBe('ran');
  });
});

describe('scripts/ensure-deps.mjs', () => {
  // A miniature project: the script, a lockfile, an installed-lockfile, and a fake npm that records calls.
  async function project(
    lock: object | undefined,
    installed: object | undefined,
  ): Promise<{ dir: string; run: (npmExit?: number) => { status: number | null; calls: string; stderr: string } }> {
    const dir = await mkdtemp(join(tmp, 'proj-'));
    await mkdir(join(dir, 'scripts'));
    await copyFile(join(root, 'scripts', 'ensure-deps.mjs'), join(dir, 'scripts', 'ensure-deps.mjs'));
    if (lock) await writeFile(join(dir, 'package-lock.json'), JSON.stringify(lock));
    if (installed) {
      await mkdir(join(dir, 'node_modules'));
      await writeFile(join(dir, 'node_modules', '.package-lock.json'), JSON.stringify(installed));
    }
    const bin = join(dir, 'fake-bin');
    await mkdir(bin);
    const log = join(dir, 'npm-calls');
    await executable(join(bin, 'npm'), `echo "$@" >> '${log}'\nexit \${FAKE_NPM_EXIT:-0}`);
    return {
      dir,
      run: (npmExit = 0) => {
        const r = spawnSync(process.execPath, [join(dir, 'scripts', 'ensure-deps.mjs')], {
          encoding: 'utf8',
          env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_NPM_EXIT: String(npmExit) },
        });
        let calls = '';
        try {
          calls = readFileSync(log, 'utf8');
        } catch {
          calls = '';
        }
        return { status: r.status, calls: calls.trim(), stderr: r.stderr };
      },
    };
  }
  const pkgs = (version: string) => ({ lockfileVersion: 3, packages: { '': { name: 'p' }, 'node_modules/zod': { version } } });
  const installedPkgs = (version: string) => ({ lockfileVersion: 3, packages: { 'node_modules/zod': { version } } });
  const older = async (file: string) => {
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
  };

  it('does nothing when node_modules matches the lockfile', async () => {
    const p = await project(pkgs('4.0.0'), installedPkgs('4.0.0'));
    await older(join(p.dir, 'package-lock.json'));
    expect(p.run()).toMatchObject({ status: 0, calls: '' });
  });

  it('does nothing when the lockfile was only touched', async () => {
    const p = await project(pkgs('4.0.0'), installedPkgs('4.0.0'));
    await older(join(p.dir, 'node_modules', '.package-lock.json'));
    expect(p.run()).toMatchObject({ status: 0, calls: '' });
  });

  // npm install, not npm ci: see the comment in ensure-deps.mjs (registries without every platform build).
  it('runs npm install when node_modules is missing or the lockfile changed', async () => {
    const missing = await project(pkgs('4.0.0'), undefined);
    expect(missing.run()).toMatchObject({ status: 0, calls: 'install --no-audit --no-fund' });
    const changed = await project(pkgs('4.1.0'), installedPkgs('4.0.0'));
    await older(join(changed.dir, 'node_modules', '.package-lock.json'));
    expect(changed.run()).toMatchObject({ status: 0, calls: 'install --no-audit --no-fund' });
  });

  it('runs npm install when there is no lockfile and no node_modules', async () => {
    const p = await project(undefined, undefined);
    expect(p.run()).toMatchObject({ status: 0, calls: 'install --no-audit --no-fund' });
  });

  it('fails with one line when npm fails', async () => {
    const p = await project(pkgs('4.0.0'), undefined);
    const r = p.run(3);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^agent-cluster: 'npm install' failed \(exit 3\)/);
  });
});
