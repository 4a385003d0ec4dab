/**
 * `npm run tools` — installs the pinned Temporal CLI and Java test server into the per-user cache
 * (see src/infra/tools) and says where they are.
 *
 *     npm run tools               short summary on stdout
 *     npm run tools -- --json     exactly {"temporal":"<path>","testServer":"<path>"} on stdout
 *     npm run tools -- --quiet    nothing when all is installed (build progress still goes to stderr)
 *     npm run tools -- --verify   re-hash installed files instead of trusting unchanged stat fingerprints
 *
 * Progress lines always go to stderr. A missing toolchain prints one line and exits 1.
 */
import { parseArgs } from 'node:util';
import { isAgentClusterError } from '../src/errors.js';
import {
  ensureTools,
  OVERRIDE_ENV,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
  type ToolPaths,
} from '../src/infra/tools/index.js';

const USAGE = 'usage: node --import tsx scripts/tools.ts [--json | --quiet] [--verify]';

function summary(paths: ToolPaths): string {
  const source = (variable: string): string => (process.env[variable] ? ` (from ${variable})` : '');
  return [
    `temporal CLI ${TEMPORAL_CLI_VERSION}:          ${paths.temporal}${source(OVERRIDE_ENV.temporalCli)}`,
    `temporal test server ${TEMPORAL_TEST_SERVER_VERSION}: ${paths.testServer}${source(OVERRIDE_ENV.testServer)}`,
  ].join('\n');
}

async function main(): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        verify: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const paths = await ensureTools({
    log: (line) => process.stderr.write(`agent-cluster: ${line}\n`),
    verify: flags.verify ? 'full' : 'fast',
  });
  if (flags.json) process.stdout.write(`${JSON.stringify({ temporal: paths.temporal, testServer: paths.testServer })}\n`);
  else if (!flags.quiet) process.stdout.write(`${summary(paths)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Our own errors carry a message that says what to do; anything else is a bug: show it all.
    process.stderr.write(isAgentClusterError(err) ? `${err.message}\n` : `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
