/**
 * The Temporal CLI (`temporal server start-dev`), built from source with `go install` through the Go
 * module proxy — the only route that works without web access — into the per-user cache:
 *
 *     <cache>/temporal-cli/<version>/bin/temporal   the verified binary
 *     <cache>/temporal-cli/<version>/ok.json        marker: written last, checked on every call
 *
 * @module
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentClusterError, ErrorCode } from '../../errors.js';
import { cacheRoot } from './cache.js';
import { isExecutableFile, outputTail, run } from './exec.js';
import { withLock } from './lock.js';
import { checkMarkedFiles, MARKER_FILE, recordFile, removeMarker, writeMarker, type InstallCheck, type VerifyMode } from './marker.js';
import type { EnsureOptions } from './options.js';
import { freshStagingDir } from './staging.js';
import { compareVersions, OVERRIDE_ENV, overridePath, requireToolchain } from './toolchain.js';
import { CLI_GO_VERSION, MIN_GO_VERSION, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, TEMPORAL_CLI_VERSION_VAR } from './versions.js';

const TOOL = 'temporal-cli';
const BINARY = 'bin/temporal';

/** Where the pinned CLI lives under a cache root. */
export function temporalCliPaths(root: string): { dir: string; bin: string; marker: string; lock: string } {
  const dir = join(root, TOOL, TEMPORAL_CLI_VERSION);
  return { dir, bin: join(dir, BINARY), marker: join(dir, MARKER_FILE), lock: join(dir, '.lock') };
}

/** Whether the cached CLI under `root` is complete and unchanged since it was verified. */
export async function checkTemporalCli(root: string, mode: VerifyMode = 'fast'): Promise<InstallCheck> {
  const paths = temporalCliPaths(root);
  const check = await checkMarkedFiles(paths.marker, { tool: TOOL, version: TEMPORAL_CLI_VERSION, files: [BINARY] }, mode);
  if (check.ok && !(await isExecutableFile(paths.bin))) return { ok: false, reason: `${paths.bin} is not executable` };
  return check;
}

/** `temporal --version` output proves the build: `temporal version 1.5.1 (Server …, UI …)`. */
export function reportsVersion(output: string, version = TEMPORAL_CLI_VERSION): boolean {
  return new RegExp(`^temporal version ${version.replaceAll('.', '\\.')}\\b`, 'm').test(output);
}

/**
 * Path of a Temporal CLI {@link TEMPORAL_CLI_VERSION}: `$TEMPORAL_CLI_PATH` when set, else the cached
 * build, built first when missing, partial or corrupt.
 */
export async function ensureTemporalCli(options: EnsureOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const override = await overridePath(OVERRIDE_ENV.temporalCli, env);
  if (override !== undefined) return override;

  const root = cacheRoot(env);
  const paths = temporalCliPaths(root);
  const first = await checkTemporalCli(root, options.verify);
  if (first.ok) return paths.bin;

  const go = await requireToolchain('go', env);
  return withLock(
    paths.lock,
    async () => {
      const again = await checkTemporalCli(root, options.verify);
      if (again.ok) return paths.bin; // another process built it while we waited
      await build(go, paths, env, again.reason, options.log);
      return paths.bin;
    },
    { what: `temporal CLI ${TEMPORAL_CLI_VERSION}`, log: options.log },
  );
}

async function build(
  go: string,
  paths: ReturnType<typeof temporalCliPaths>,
  env: NodeJS.ProcessEnv,
  reason: string,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const goVersion = (await run(go, ['env', 'GOVERSION'], { env })).stdout.trim().replace(/^go/, '');
  if (compareVersions(goVersion, MIN_GO_VERSION) < 0) {
    throw new AgentClusterError(
      ErrorCode.TOOLCHAIN_MISSING,
      `agent-cluster: Go ${goVersion || '(unknown)'} at ${go} is too old — install Go ≥${CLI_GO_VERSION} (https://go.dev/doc/install) or set ${OVERRIDE_ENV.temporalCli} to an existing temporal ${TEMPORAL_CLI_VERSION} binary`,
      { details: { go, goVersion } },
    );
  }
  log?.(`temporal CLI ${TEMPORAL_CLI_VERSION}: ${reason}`);
  log?.(`temporal CLI ${TEMPORAL_CLI_VERSION}: building with go ${goVersion} (go install; a cold build takes several minutes)…`);
  const started = Date.now();

  await removeMarker(paths.marker);
  const tmp = await freshStagingDir(paths.dir);
  try {
    const gobin = join(tmp, 'bin');
    const pkg = `${TEMPORAL_CLI_MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
    const result = await run(go, ['install', '-ldflags', `-X ${TEMPORAL_CLI_VERSION_VAR}=${TEMPORAL_CLI_VERSION}`, pkg], {
      cwd: tmp, // outside any module or workspace, so `go install pkg@version` is unaffected by one
      env: { ...env, GOBIN: gobin, GOWORK: 'off' },
    });
    if (result.code !== 0) {
      throw new AgentClusterError(
        ErrorCode.TOOLCHAIN_MISSING,
        `agent-cluster: 'go install ${pkg}' failed (exit ${result.code ?? result.signal}); its output ends with:\n${outputTail(result)}`,
        { details: { command: `go install ${pkg}` } },
      );
    }
    const built = join(gobin, 'temporal');
    const version = await run(built, ['--version'], { env, timeoutMs: 30_000 });
    if (version.code !== 0 || !reportsVersion(version.stdout)) {
      throw new AgentClusterError(
        ErrorCode.TOOLCHAIN_MISSING,
        `agent-cluster: the freshly built temporal CLI does not report version ${TEMPORAL_CLI_VERSION}:\n${outputTail(version)}`,
      );
    }
    await mkdir(join(paths.dir, 'bin'), { recursive: true });
    await rename(built, paths.bin); // atomic: the final path only ever holds a verified binary
    await writeMarker(paths.marker, {
      tool: TOOL,
      version: TEMPORAL_CLI_VERSION,
      builtAt: new Date().toISOString(),
      files: { [BINARY]: await recordFile(paths.bin) },
      details: { versionOutput: version.stdout.trim(), goVersion, buildSeconds: Math.round((Date.now() - started) / 1000) },
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  log?.(`temporal CLI ${TEMPORAL_CLI_VERSION}: built and verified in ${Math.round((Date.now() - started) / 1000)} s → ${paths.bin}`);
}
