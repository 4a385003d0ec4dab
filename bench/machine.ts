/**
 * The facts of the machine a result was measured on, stored with every result: figures from different
 * machines (or server versions) are not comparable, ratios from one run are.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Connection } from '@temporalio/client';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** `temporal --version`, e.g. `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`. */
  temporalCli: string;
  /** What the server itself reports (`GetSystemInfo`). */
  temporalServer: string;
  /** `@temporalio/*` SDK version in node_modules. */
  sdk: string;
}

const require = createRequire(import.meta.url);

function sdkVersion(): string {
  return (require('@temporalio/client/package.json') as { version: string }).version;
}

async function cliVersion(cli: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cli, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch (err) {
    return `unknown (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Collects the machine facts; asks the running server for its version. */
export async function machineFacts(cli: string, connection: Connection): Promise<MachineFacts> {
  const info = await connection.workflowService.getSystemInfo({});
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    temporalCli: await cliVersion(cli),
    temporalServer: info.serverVersion ?? 'unknown',
    sdk: sdkVersion(),
  };
}
