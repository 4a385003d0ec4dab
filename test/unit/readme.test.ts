/**
 * The README is the first thing a user reads: its error-code table must list exactly the codes the code
 * has (src/errors.ts), and every code there must be produced somewhere outside its definition.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_SIGNALS } from '../../src/cluster/signals.js';
import { ErrorCode } from '../../src/errors.js';

const root = path.join(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

describe('README', () => {
  it('lists exactly the cluster signal catalogue, with each type\'s status and data fields', () => {
    const table = readme.slice(readme.indexOf('| type | status | from → to | data | seed patterns |'));
    const lines = table.split('\n').slice(2);
    const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith('|')));
    const listed = rows.map((r) => /^\| `([a-z.]+)`/.exec(r)?.[1]);
    expect(listed.sort()).toEqual(Object.keys(CLUSTER_SIGNALS).sort());
    for (const row of rows) {
      const type = /^\| `([a-z.]+)`/.exec(row)?.[1] as keyof typeof CLUSTER_SIGNALS;
      expect(row.split('|')[2]?.trim().startsWith(CLUSTER_SIGNALS[type].status)).toBe(true);
    }
  });

  it('lists exactly the error codes of src/errors.ts in its error table', () => {
    const table = readme.slice(readme.indexOf('| code | where it arises | when |'));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const listed = rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]));
    expect([...new Set(listed)].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('names only codes the code really produces', () => {
    const code = ['src', 'workflows', 'activities', 'workers', 'scripts']
      .flatMap((d) => sources(path.join(root, d)))
      .filter((f) => !f.endsWith(path.join('src', 'errors.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.values(ErrorCode).filter((c) => !new RegExp(`ErrorCode\\.${c}\\b`).test(code));
    expect(unused).toEqual([]);
  });
});
