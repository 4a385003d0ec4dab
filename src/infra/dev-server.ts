/**
 * The embedded Temporal dev server: `temporal server start-dev` from the pinned, cached CLI, with the
 * project's custom search attributes registered. Used by `npm start` and the benchmarks.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { AgentClusterError, ErrorCode } from '../errors.js';
import { stopChild } from './child-process.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../search-attributes.js';
import { canConnect, freePort, waitForPort } from './tools/port.js';
import { ensureTemporalCli } from './tools/index.js';

export interface DevServerOptions {
  /** Frontend gRPC port (default 7233; 0 picks a free one). */
  port?: number;
  /** Web UI port (default 8233); `false` runs headless. */
  uiPort?: number | false;
  /** SQLite file to persist to; in memory when absent. */
  dbFile?: string;
  /** Server log level (default `warn`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where the server's own output goes (default: discarded). */
  stdio?: 'inherit' | 'ignore';
  /** How long to wait for the frontend to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface DevServer {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly port: number;
  /** `http://localhost:<uiPort>`, or undefined when headless. */
  readonly uiUrl: string | undefined;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
}

/** Throws {@link ErrorCode.PORT_IN_USE} naming the port when something already listens on it. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (await canConnect(port)) {
    throw new AgentClusterError(
      ErrorCode.PORT_IN_USE,
      `port ${port} (${what}) is already in use — stop whatever listens there (\`ss -ltnp 'sport = :${port}'\` shows it) or choose another port`,
      { details: { port } },
    );
  }
}

/** `--search-attribute Name=Type` flags for every custom search attribute. */
export function searchAttributeArgs(): string[] {
  return Object.entries(CUSTOM_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

/** Starts a dev server and resolves once its frontend answers gRPC. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port === 0 ? await freePort() : (options.port ?? 7233);
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? 8233);
  await assertPortFree(port, 'Temporal frontend');
  if (uiPort !== undefined) await assertPortFree(uiPort, 'Temporal Web UI');
  const cli = await ensureTemporalCli({ log: (line) => process.stderr.write(`agent-cluster: ${line}\n`) });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', options.logLevel ?? 'warn', ...searchAttributeArgs()];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile !== undefined) args.push('--db-filename', options.dbFile);
  const child = spawn(cli, args, { stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'] });
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? -1));
  const stop = async (graceMs = 10_000): Promise<void> => void (await stopChild(child, graceMs));
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const up = await waitForPort(port, { timeoutMs, gaveUp: () => exitCode !== null });
  if (!up) {
    await stop(1_000);
    throw new AgentClusterError(ErrorCode.INVALID_CONFIG, `temporal dev server did not start on port ${port} within ${timeoutMs} ms (exit code ${exitCode ?? 'none'})`);
  }
  // The port opens before the frontend serves; wait until a real RPC answers.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline || exitCode !== null) {
        await stop(1_000);
        throw new AgentClusterError(ErrorCode.INVALID_CONFIG, `temporal dev server on port ${port} never answered: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address: `127.0.0.1:${port}`, port, uiUrl: uiPort === undefined ? undefined : `http://localhost:${uiPort}`, process: child, stop };
}
