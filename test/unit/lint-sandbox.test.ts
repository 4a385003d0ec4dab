// The sandbox boundary is held by lint, not memory: code under workflows/ (and every pure module of src/
// it imports) is replayed inside Temporal's deterministic sandbox and may import only an allow-list. These
// tests prove the rule in eslint.config.js is live by linting throwaway probe files (deleted afterwards,
// whatever happens).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const RULE = 'agent-cluster/sandbox-imports';
// Probes expected to pass also declare an unused variable, so a rule that fires proves they were linted.
const LINTED = '@typescript-eslint/no-unused-vars';
const UNUSED = 'const probeUnused = 1;\n';

/** Writes `source` to `<dir>/__lint_probe_<random>.ts`, lints it, deletes it; returns what fired. */
async function lintProbe(dir: string, source: string): Promise<{ rules: string[]; sandbox: string[] }> {
  const absDir = join(root, dir);
  const createdDir = !existsSync(absDir);
  if (createdDir) await mkdir(absDir, { recursive: true });
  const file = join(absDir, `__lint_probe_${randomBytes(6).toString('hex')}.ts`);
  try {
    await writeFile(file, source);
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    const messages = result?.messages ?? [];
    const fatal = messages.filter((m) => m.fatal);
    if (fatal.length > 0) throw new Error(`ESLint could not parse the probe: ${fatal.map((m) => m.message).join('; ')}`);
    return {
      rules: messages.map((m) => m.ruleId ?? ''),
      sandbox: messages.filter((m) => m.ruleId === RULE).map((m) => m.message),
    };
  } finally {
    await rm(file, { force: true });
    if (createdDir) await rmdir(absDir).catch(() => undefined); // only if still empty
  }
}

describe('sandbox lint rule (an allow-list)', () => {
  it('rejects pino imported from workflows/', async () => {
    const { sandbox } = await lintProbe('workflows', "import pino from 'pino';\nexport const x = pino;\n");
    expect(sandbox).toEqual([expect.stringMatching(/"pino" cannot be loaded in the Temporal sandbox/)]);
  });

  it('rejects a Node built-in imported from workflows/', async () => {
    const { sandbox } = await lintProbe('workflows', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    expect(sandbox).toEqual([expect.stringMatching(/"node:fs" cannot be loaded/)]);
  });

  it('rejects any package not on the allow-list, not only known Node-only ones', async () => {
    const { sandbox } = await lintProbe('src', "import { parse } from 'yaml';\nexport const x = parse;\n");
    expect(sandbox).toEqual([expect.stringMatching(/may import only @temporalio\/workflow, @temporalio\/common, zod, uuid/)]);
  });

  it('rejects a value import from Node-only src/infra/ and src/client/ in workflows/', async () => {
    const { sandbox } = await lintProbe(
      'workflows',
      "import { cacheRoot } from '../src/infra/tools/index.js';\nimport { AgentClient } from '../src/client/agent-client.js';\nexport const x = [cacheRoot, AgentClient];\n",
    );
    expect(sandbox).toHaveLength(2);
  });

  it('rejects an inline type-only specifier (verbatimModuleSyntax keeps the import itself)', async () => {
    const { sandbox } = await lintProbe('workflows', "import { type ToolPaths } from '../src/infra/tools/index.js';\nexport type X = ToolPaths;\n");
    expect(sandbox).toHaveLength(1);
  });

  it('allows a top-level type-only import from anywhere in workflows/', async () => {
    const { rules } = await lintProbe(
      'workflows',
      `import type { ToolPaths } from '../src/infra/tools/index.js';\nexport const x: ToolPaths | undefined = undefined;\n${UNUSED}`,
    );
    expect(rules).toContain(LINTED); // the file really was linted with the project config
    expect(rules).not.toContain(RULE);
  });

  it('allows the allow-listed packages and pure src/ modules in workflows/', async () => {
    const { rules } = await lintProbe(
      'workflows',
      `import { z } from 'zod';\nimport { sleep } from '@temporalio/workflow';\nimport { ErrorCode } from '../src/errors.js';\nexport const x = [z, sleep, ErrorCode];\n${UNUSED}`,
    );
    expect(rules).toContain(LINTED);
    expect(rules).not.toContain(RULE);
  });

  // Regression: a pure module under src/ once reached Node-only code by a relative path ('./node/…'), which
  // a path pattern did not match — and workflows/ import pure src/ modules.
  it('rejects a relative value import of Node-only code from a pure src/ module', async () => {
    const { sandbox } = await lintProbe('src', "import { cacheRoot } from './infra/tools/index.js';\nexport const x = cacheRoot;\n");
    expect(sandbox).toHaveLength(1);
  });

  it('lets Node-only code under src/infra/ import pino', async () => {
    const { rules } = await lintProbe('src/infra', `import pino from 'pino';\nexport const x = pino;\n${UNUSED}`);
    expect(rules).toContain(LINTED);
    expect(rules).not.toContain(RULE);
  });
});
