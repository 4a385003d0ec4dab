// The sandbox boundary is held by lint, not memory: code under workflows/ is replayed inside
// Temporal's deterministic sandbox and must not load Node-only modules. These tests prove the rule in
// eslint.config.js is live by linting throwaway probe files (deleted afterwards, whatever happens).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';
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

describe('sandbox lint rule', () => {
  it('rejects pino imported from workflows/', async () => {
    const { sandbox } = await lintProbe('workflows', "import pino from 'pino';\nexport const x = pino;\n");
    expect(sandbox).toEqual([expect.stringMatching(/Temporal sandbox: log with `log` from @temporalio\/workflow/)]);
  });

  it('rejects a Node built-in imported from workflows/', async () => {
    const { sandbox } = await lintProbe('workflows', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    expect(sandbox).toEqual([expect.stringMatching(/no Node built-ins/)]);
  });

  it('rejects a value import from src/node/ in workflows/', async () => {
    const { sandbox } = await lintProbe(
      'workflows',
      "import { cacheRoot } from '../src/node/tools/index.js';\nexport const x = cacheRoot;\n",
    );
    expect(sandbox).toEqual([expect.stringMatching(/may import only pure modules of src\//)]);
  });

  it('allows a type-only import from src/node/ in workflows/', async () => {
    const { rules } = await lintProbe(
      'workflows',
      `import type { ToolPaths } from '../src/node/tools/index.js';\nexport const x: ToolPaths | undefined = undefined;\n${UNUSED}`,
    );
    expect(rules).toContain(LINTED); // the file really was linted with the project config
    expect(rules).not.toContain(RULE);
  });

  // Regression: a pure module under src/ once reached src/node/ by a relative path ('./node/…'), which a
  // `**/src/node/**` pattern does not match — and workflows/ import pure src/ modules.
  it('rejects a relative value import of src/node/ from a pure src/ module', async () => {
    const { sandbox } = await lintProbe('src', "import { cacheRoot } from './node/tools/index.js';\nexport const x = cacheRoot;\n");
    expect(sandbox).toHaveLength(1);
  });

  it('lets Node-only code under src/node/ import pino', async () => {
    const { rules } = await lintProbe('src/node', `import pino from 'pino';\nexport const x = pino;\n${UNUSED}`);
    expect(rules).toContain(LINTED);
    expect(rules).not.toContain(RULE);
  });
});
