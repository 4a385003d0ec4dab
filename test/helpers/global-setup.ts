/**
 * Runs once per `vitest run`, before any test file: installs (or finds cached) the real engines — the
 * Temporal CLI 1.5.1 and the Java time-skipping test server — and bundles the workflow code once, so
 * every test file's workers load the same bundle instead of re-bundling: the production bundle (replay
 * tests, node processes) and the test bundle (production workflows plus test-only kinds).
 */
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowsToFile } from '../../src/infra/bundle.js';
import { ensureTools } from '../../src/infra/tools/index.js';
import { WORKFLOWS_PATH } from '../../workers/node-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tools: { temporal: string; testServer: string };
    workflowBundlePath: string;
    testWorkflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const tools = await ensureTools({ log: (line: string) => process.stderr.write(`[tools] ${line}\n`) });
  project.provide('tools', tools);
  const bundlePath = path.resolve(import.meta.dirname, '../../.tmp', `workflow-bundle-${process.pid}.js`);
  await bundleWorkflowsToFile(WORKFLOWS_PATH, bundlePath);
  project.provide('workflowBundlePath', bundlePath);
  // Production workflows plus test-only agent kinds (test/fixtures/workflows).
  const testBundlePath = path.resolve(import.meta.dirname, '../../.tmp', `test-workflow-bundle-${process.pid}.js`);
  await bundleWorkflowsToFile(path.resolve(import.meta.dirname, '../fixtures/workflows/index.ts'), testBundlePath);
  project.provide('testWorkflowBundlePath', testBundlePath);
}
