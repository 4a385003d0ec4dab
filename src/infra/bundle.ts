/**
 * Bundles workflow code once and writes it to a file, so that every worker of a run (node processes,
 * test workers, the benchmark's worker) loads the same bundle instead of re-bundling with webpack.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * `preloadModules` of every agent-cluster bundle: zod and the pure modules of src/, evaluated once per
 * worker and shared by all cached workflows instead of once per workflow (~1.5 → ~0.3 MB per cached
 * agent). Read workflows/preload.ts before adding anything to it.
 */
export const WORKFLOW_PRELOAD_MODULES: readonly string[] = [fileURLToPath(new URL('../../workflows/preload.ts', import.meta.url))];

/** Webpack's progress lines are noise here; its errors are not. */
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/**
 * Bundles `workflowsPath` into `outPath` (creating its folder); returns `outPath`. `preloadModules`
 * defaults to {@link WORKFLOW_PRELOAD_MODULES}; pass `[]` for a bundle without agent-cluster's modules.
 */
export async function bundleWorkflowsToFile(
  workflowsPath: string,
  outPath: string,
  options: { preloadModules?: readonly string[] } = {},
): Promise<string> {
  mkdirSync(path.dirname(outPath), { recursive: true });
  const preloadModules = [...(options.preloadModules ?? WORKFLOW_PRELOAD_MODULES)];
  writeFileSync(outPath, (await bundleWorkflowCode({ workflowsPath, preloadModules, logger: quiet })).code);
  return outPath;
}
