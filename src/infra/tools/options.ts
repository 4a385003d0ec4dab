/**
 * Options shared by the installers.
 *
 * @module
 */
import type { VerifyMode } from './marker.js';

/** Options shared by {@link ensureTemporalCli}, {@link ensureTestServer} and {@link ensureTools}. */
export interface EnsureOptions {
  /** Progress lines; called only when something is actually installed or waited for. */
  log?: (line: string) => void;
  /** Environment to read overrides, PATH and the cache location from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** `full` re-hashes installed files even when their stat fingerprint is unchanged. Default `fast`. */
  verify?: VerifyMode;
}
