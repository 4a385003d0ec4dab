/**
 * Bundles workflow code once and writes it to a file, so that every worker of a run (node processes,
 * test workers, the benchmark's worker) loads the same bundle instead of re-bundling with webpack.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Webpack's progress lines are noise here; its errors are not. */
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Bundles `workflowsPath` into `outPath` (creating its folder); returns `outPath`. */
export async function bundleWorkflowsToFile(workflowsPath: string, outPath: string): Promise<string> {
  mkdirSync(path.dirname(outPath), { recursive: true });
  writeFileSync(outPath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  return outPath;
}
