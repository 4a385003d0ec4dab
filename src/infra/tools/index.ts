/**
 * Tool bootstrap: the project installs the external programs its tests and dev loop need — the
 * Temporal CLI (dev server) and Temporal's Java time-skipping test server — pinned, verified and
 * cached per user, so nobody installs them by hand and a fresh clone reuses an earlier one's build.
 *
 * ```ts
 * import { ensureTools } from './src/infra/tools/index.js';
 * const { temporal, testServer } = await ensureTools({ log: (line) => console.error(line) });
 * // temporal:   `${temporal} server start-dev …`
 * // testServer: TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } })
 * ```
 *
 * - Cache: `$AGENT_CLUSTER_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/agent-cluster` ({@link cacheRoot}).
 * - Overrides: `TEMPORAL_CLI_PATH`, `TEMPORAL_TEST_SERVER_PATH` name existing executables to use as is.
 * - Each install is built in a staging directory, verified (the CLI reports its version; the test
 *   server's jars exist and it listens on a port), moved into place, and only then marked `ok.json`.
 *   Every call re-checks the marker against the files and rebuilds a partial or corrupt install.
 * - A lock file keeps concurrent processes from building the same tool twice.
 * - A missing toolchain (go, java, mvn) is an `AgentClusterError` with code `TOOLCHAIN_MISSING` and a
 *   one-line message saying what to install or which variable to set.
 *
 * @module
 */
import type { EnsureOptions } from './options.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { ensureTestServer } from './test-server.js';

export { cacheRoot, CACHE_ENV } from './cache.js';
export { checkMarkedFiles, readMarker, writeMarker, recordFile, sha256File, MARKER_FILE } from './marker.js';
export type { InstallCheck, Marker, FileRecord, VerifyMode } from './marker.js';
export type { EnsureOptions } from './options.js';
export { ensureTemporalCli, checkTemporalCli, temporalCliPaths, reportsVersion } from './temporal-cli.js';
export { ensureTestServer, checkTestServer, testServerPaths, testServerPom, testServerWrapper } from './test-server.js';
export type { EnsureTestServerOptions } from './test-server.js';
export { missingToolchainMessage, requireToolchain, overridePath, OVERRIDE_ENV } from './toolchain.js';
export type { Toolchain } from './toolchain.js';
export { withLock } from './lock.js';
export type { LockOptions } from './lock.js';
export {
  TEMPORAL_CLI_VERSION,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
  TEMPORAL_CLI_MODULE,
  TEMPORAL_TEST_SERVER_ARTIFACT,
  TEMPORAL_TEST_SERVER_MAIN_CLASS,
  MIN_GO_VERSION,
  CLI_GO_VERSION,
} from './versions.js';

/** Paths of the installed tools. */
export interface ToolPaths {
  /** The `temporal` CLI binary. */
  temporal: string;
  /** An executable starting the time-skipping test server on the port given as its only argument. */
  testServer: string;
}

/** Installs (when needed) and returns both tools; the CLI first, then the test server. */
export async function ensureTools(options: EnsureOptions = {}): Promise<ToolPaths> {
  const temporal = await ensureTemporalCli(options);
  const testServer = await ensureTestServer(options);
  return { temporal, testServer };
}
