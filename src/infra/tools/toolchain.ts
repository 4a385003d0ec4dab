/**
 * The toolchains the installers need (go, java, mvn) and the environment overrides that make them
 * unnecessary. Failures are one actionable line: what is missing and the two ways out.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../../errors.js';
import { findOnPath, isExecutableFile } from './exec.js';
import { CLI_GO_VERSION, TEMPORAL_CLI_VERSION, TEMPORAL_TEST_SERVER_VERSION } from './versions.js';

/** Environment variables naming an existing executable to use instead of the cached build. */
export const OVERRIDE_ENV = {
  temporalCli: 'TEMPORAL_CLI_PATH',
  testServer: 'TEMPORAL_TEST_SERVER_PATH',
} as const;

/** A build toolchain the installers may need. */
export type Toolchain = 'go' | 'java' | 'mvn';

const HINTS: Record<Toolchain, string> = {
  go: `install Go ≥${CLI_GO_VERSION} (https://go.dev/doc/install) or set ${OVERRIDE_ENV.temporalCli} to an existing temporal ${TEMPORAL_CLI_VERSION} binary`,
  java: `install Java ≥8, e.g. OpenJDK 17 (https://adoptium.net) or set ${OVERRIDE_ENV.testServer} to an existing temporal-test-server ${TEMPORAL_TEST_SERVER_VERSION} executable`,
  mvn: `install Maven ≥3.6 (https://maven.apache.org/install.html) or set ${OVERRIDE_ENV.testServer} to an existing temporal-test-server ${TEMPORAL_TEST_SERVER_VERSION} executable`,
};

/** The one-line message for a toolchain missing from PATH. */
export function missingToolchainMessage(tool: Toolchain): string {
  return `agent-cluster: '${tool}' not found on PATH — ${HINTS[tool]}`;
}

/** Absolute path of `tool` on PATH; throws `TOOLCHAIN_MISSING` with an actionable message otherwise. */
export async function requireToolchain(tool: Toolchain, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = await findOnPath(tool, env);
  if (found === undefined) {
    throw new AgentClusterError(ErrorCode.TOOLCHAIN_MISSING, missingToolchainMessage(tool), {
      details: { tool, PATH: env.PATH ?? '' },
    });
  }
  return found;
}

/**
 * The executable named by an override variable, when set: it is used as is, so it must exist and be
 * executable (`INVALID_CONFIG` otherwise). Undefined when the variable is unset or empty.
 */
export async function overridePath(
  variable: (typeof OVERRIDE_ENV)[keyof typeof OVERRIDE_ENV],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const value = env[variable];
  if (!value) return undefined;
  if (!(await isExecutableFile(value))) {
    throw new AgentClusterError(
      ErrorCode.INVALID_CONFIG,
      `agent-cluster: ${variable}=${value} is not an executable file — fix the path or unset ${variable} to use the cached build`,
      { details: { variable, value } },
    );
  }
  return value;
}

/** Compares dotted versions numerically (`1.9` < `1.21`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
