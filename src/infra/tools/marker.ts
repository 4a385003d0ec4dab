/**
 * Install markers: `ok.json`, written only after an install was verified, recording each installed
 * file's size, checksum and stat fingerprint. An install without a valid marker is treated as absent
 * and rebuilt, so an interrupted or tampered install never passes for a good one.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** What is recorded about one installed file. */
export const fileRecordSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  /** Stat fingerprint: while size, mtime and inode are unchanged the checksum is not recomputed. */
  mtimeMs: z.number(),
  ino: z.number(),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

/** The marker file's content. `files` is keyed by path relative to the marker's directory. */
export const markerSchema = z.object({
  tool: z.string(),
  version: z.string(),
  builtAt: z.string(),
  files: z.record(z.string(), fileRecordSchema),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type Marker = z.infer<typeof markerSchema>;

/** Name of the marker file inside a tool's version directory. */
export const MARKER_FILE = 'ok.json';

/** `fast` trusts an unchanged stat fingerprint; `full` always recomputes every checksum. */
export type VerifyMode = 'fast' | 'full';

/** Streams a file through SHA-256. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checksum and fingerprint of a file as it is now. */
export async function recordFile(path: string): Promise<FileRecord> {
  const sha256 = await sha256File(path);
  const st = await stat(path);
  return { sha256, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

/** The marker at `path`, or undefined when it is missing or not a valid marker. */
export async function readMarker(path: string): Promise<Marker | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = markerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a marker atomically (temp file + rename), so a reader never sees half of one. */
export async function writeMarker(path: string, marker: Marker): Promise<void> {
  const tmp = join(dirname(path), `.${MARKER_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(tmp, path);
}

/** Removes a marker (first step of every rebuild, so a crash mid-rebuild leaves no false "ok"). */
export async function removeMarker(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Outcome of checking an install against its marker. */
export type InstallCheck =
  | { ok: true; marker: Marker }
  | { ok: false; reason: string };

/**
 * Checks every file recorded in the marker at `markerPath` (and that the marker is for `tool` at
 * `version`). When a file's checksum still matches but its fingerprint moved (e.g. `touch`), the
 * marker is refreshed so the next check is fast again.
 */
export async function checkMarkedFiles(
  markerPath: string,
  expect: { tool: string; version: string; files: readonly string[] },
  mode: VerifyMode = 'fast',
): Promise<InstallCheck> {
  const marker = await readMarker(markerPath);
  if (marker === undefined) return { ok: false, reason: `no valid install marker at ${markerPath}` };
  if (marker.tool !== expect.tool || marker.version !== expect.version) {
    return { ok: false, reason: `marker is for ${marker.tool} ${marker.version}, not ${expect.tool} ${expect.version}` };
  }
  const dir = dirname(markerPath);
  let refreshed = false;
  for (const rel of expect.files) {
    const record = marker.files[rel];
    if (record === undefined) return { ok: false, reason: `marker does not record ${rel}` };
    const path = join(dir, rel);
    let st;
    try {
      st = await stat(path);
    } catch {
      return { ok: false, reason: `${path} is missing` };
    }
    if (st.size !== record.size) {
      return { ok: false, reason: `${path} is ${st.size} bytes, expected ${record.size} (truncated or replaced)` };
    }
    if (mode === 'fast' && st.mtimeMs === record.mtimeMs && st.ino === record.ino) continue;
    const sha256 = await sha256File(path);
    if (sha256 !== record.sha256) return { ok: false, reason: `${path} checksum differs from the verified build` };
    if (st.mtimeMs !== record.mtimeMs || st.ino !== record.ino) {
      marker.files[rel] = { sha256, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      refreshed = true;
    }
  }
  if (refreshed) await writeMarker(markerPath, marker).catch(() => undefined);
  return { ok: true, marker };
}
