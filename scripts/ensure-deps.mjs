#!/usr/bin/env node
// Installs node_modules when they are missing or older than package-lock.json, so `npm test` and
// `npm start` work straight after a clone or a pull. Plain Node with no dependencies: it runs before
// node_modules exists. A no-op (a few stat calls) when everything is up to date.
//
// "Up to date" means: node_modules/.package-lock.json (npm's record of what it installed) is at least
// as new as package-lock.json, or — when the lockfile was merely touched (git checkout, npm rewriting
// it after an install) — it still lists the same versions.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = join(root, 'package-lock.json');
const modules = join(root, 'node_modules');
const installed = join(modules, '.package-lock.json');

/** Why an install is needed, or null. */
function reasonToInstall() {
  if (!existsSync(modules)) return 'node_modules is missing';
  if (!existsSync(lockfile)) return null;
  if (!existsSync(installed)) return 'node_modules was not installed by npm from package-lock.json';
  if (statSync(lockfile).mtimeMs <= statSync(installed).mtimeMs) return null;
  return sameVersions(lockfile, installed) ? null : 'package-lock.json changed since node_modules was installed';
}

/** True when every installed package matches the lockfile (optional ones may be absent: other platforms). */
function sameVersions(lockPath, installedPath) {
  let want;
  let have;
  try {
    want = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
    have = JSON.parse(readFileSync(installedPath, 'utf8')).packages ?? {};
  } catch {
    return false;
  }
  for (const [path, entry] of Object.entries(want)) {
    if (!path.includes('node_modules/')) continue;
    const got = have[path];
    if (got === undefined) {
      if (entry.optional || entry.devOptional) continue;
      return false;
    }
    if (got.version !== entry.version) return false;
    if (got.integrity && entry.integrity && got.integrity !== entry.integrity) return false;
  }
  for (const path of Object.keys(have)) {
    if (path.includes('node_modules/') && want[path] === undefined) return false;
  }
  return true;
}

const reason = reasonToInstall();
if (reason !== null) {
  // `npm install`, not `npm ci`: it installs the lockfile's versions all the same, but tolerates
  // optional platform packages the lockfile cannot list because this machine's registry does not carry
  // them (e.g. @swc/core's darwin and win32 builds), which `npm ci` rejects as "out of sync".
  const args = ['install', '--no-audit', '--no-fund'];
  process.stderr.write(`agent-cluster: ${reason}; running npm ${args[0]}…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    process.stderr.write(`agent-cluster: 'npm ${args[0]}' failed (${why}) — fix the error above, then run 'npm ${args[0]}' yourself\n`);
    process.exit(1);
  }
}
