/**
 * Staging directories: each build happens in a fresh `.build-*` directory next to its final place
 * (same filesystem, so finished files are renamed into place atomically).
 *
 * @module
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A fresh staging directory inside `dir`, after removing ones left by interrupted builds. Call it only
 * while holding the tool's lock, so no live build's directory is removed.
 */
export async function freshStagingDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.startsWith('.build-')) await rm(join(dir, name), { recursive: true, force: true });
  }
  return mkdtemp(join(dir, '.build-'));
}
