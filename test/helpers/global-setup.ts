/**
 * Runs once per `vitest run`, before any test file: installs (or finds cached) the real engines — the
 * Temporal CLI 1.5.1 and the Java time-skipping test server — and bundles the workflow code once, so
 * every test file's workers load the same bundle instead of re-bundling.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTools } from '../../src/node/tools/index.js';
import { WORKFLOWS_PATH } from '../../workers/node-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tools: { temporal: string; testServer: string };
    workflowBundlePath: string;
  }
}

const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export default async function setup(project: TestProject): Promise<void> {
  const tools = await ensureTools({ log: (line: string) => process.stderr.write(`[tools] ${line}\n`) });
  project.provide('tools', tools);
  const dir = path.resolve(import.meta.dirname, '../../.tmp');
  mkdirSync(dir, { recursive: true });
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  const bundlePath = path.join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
}
