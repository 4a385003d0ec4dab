/**
 * Route patterns, with Jido.Signal.Router's rules.
 *
 * A pattern is dot-separated segments. A segment is a word (`^[a-zA-Z0-9_-]+$`) that matches itself,
 * `*` that matches exactly one segment, or `**` that matches zero or more segments:
 * `user.*` matches `user.created` but not `user.profile.updated`; `audit.**` matches `audit`,
 * `audit.x` and `audit.x.y`. Invalid: an empty pattern or segment (`a..b`, `.a`, `a.`), `*` inside a
 * word (`us*er`), `**.**`, any other character. Pure module.
 *
 * @module
 */
import { AgentClusterError, ErrorCode } from '../errors.js';

/** A validated pattern, ready for the router's trie. */
export interface CompiledPattern {
  /** The pattern as written. */
  readonly path: string;
  /** Its segments, e.g. `['user', '*']`. */
  readonly segments: readonly string[];
  /** How specific it is; higher sorts first. See {@link patternSpecificity}. */
  readonly specificity: number;
}

const WORD = /^[a-zA-Z0-9_-]+$/;

/** Exact segments at positions below this add to the position part of the specificity score. */
const POSITION_BITS = 24;

/**
 * Why `path` is not a valid pattern, or `undefined` when it is. Non-throwing form of
 * {@link validatePattern}.
 */
export function patternProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return `a pattern must be a string (got ${typeof path})`;
  if (path.length === 0) return 'the pattern is empty';
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment.length === 0) {
      if (i === 0) return 'it starts with a dot (empty first segment)';
      if (i === segments.length - 1) return 'it ends with a dot (empty last segment)';
      return `segment ${i + 1} is empty ("..")`;
    }
    if (segment === '*' || segment === '**') {
      if (segment === '**' && segments[i - 1] === '**') return '"**.**" is not allowed (consecutive "**")';
      continue;
    }
    if (segment.includes('*')) {
      return `segment "${segment}" mixes "*" with other characters; a wildcard must be a whole segment ("*" or "**")`;
    }
    if (!WORD.test(segment)) {
      return `segment "${segment}" has characters outside [a-zA-Z0-9_-]`;
    }
  }
  return undefined;
}

/** True when `path` is a valid pattern. */
export function isValidPattern(path: unknown): path is string {
  return patternProblem(path) === undefined;
}

/** Throws `INVALID_PATTERN` with the reason when `path` is not a valid pattern. */
export function validatePattern(path: unknown): asserts path is string {
  const problem = patternProblem(path);
  if (problem !== undefined) {
    const shown = typeof path === 'string' ? `"${path}"` : String(path);
    throw new AgentClusterError(ErrorCode.INVALID_PATTERN, `invalid route pattern ${shown}: ${problem}`, {
      details: { pattern: typeof path === 'string' ? path : null, reason: problem },
    });
  }
}

/** Validates and compiles a pattern; throws `INVALID_PATTERN` with the reason. */
export function compilePattern(path: string): CompiledPattern {
  validatePattern(path);
  const segments = Object.freeze(path.split('.'));
  return Object.freeze({ path, segments, specificity: patternSpecificity(segments) });
}

/**
 * The specificity score of a pattern (by its segments); among routes matching one signal, a higher
 * score sorts first. It compares, in order:
 *
 * 1. `E`, the number of exact segments: more is more specific;
 * 2. `P`, where they are: for each exact segment at 0-based position `i < 24` before any `**`, add
 *    `2^(23 - i)`, so comparing `P` compares the positions left to right and an earlier exact segment
 *    wins (after a `**` positions are not fixed, so those exact segments count in `E` only);
 * 3. `W`, the wildcards: `128` when the pattern has no `**`, plus the number of `*` (at most 127),
 *    so `*` ranks above `**`, and `**` least.
 *
 * `score = E * 2^32 + P * 2^8 + W`, a safe integer for patterns of up to 2^21 segments.
 *
 * Examples, most specific first, all matching the type `user.profile.updated`:
 * `user.profile.updated` (E3) > `user.profile.*` (E2, P=2^23+2^22) > `user.*.updated` (E2, P=2^23+2^21)
 * > `user.**.updated` (E2, P=2^23) > `*.profile.updated` (E2, P=2^22+2^21) > `user.*.*` (E1, P=2^23,
 * W=130) > `user.**` (E1, P=2^23, W=0) > `*.*.updated` (E1, P=2^21) > `**.updated` (E1, P=0)
 * > `*.*.*` (W=131) > `**` (0).
 */
export function patternSpecificity(segments: readonly string[]): number {
  let exact = 0;
  let position = 0;
  let singles = 0;
  let hasMulti = false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '**') hasMulti = true;
    else if (segment === '*') singles++;
    else {
      exact++;
      if (!hasMulti && i < POSITION_BITS) position += 2 ** (POSITION_BITS - 1 - i);
    }
  }
  const wildcards = (hasMulti ? 0 : 128) + Math.min(singles, 127);
  return exact * 2 ** 32 + position * 2 ** 8 + wildcards;
}

/**
 * True when the signal type `type` matches `pattern` (one pattern, no router needed). A type with an
 * empty segment matches nothing. Throws `INVALID_PATTERN` for an invalid pattern.
 */
export function matchesPattern(pattern: string | CompiledPattern, type: string): boolean {
  const compiled = typeof pattern === 'string' ? compilePattern(pattern) : pattern;
  const words = type.split('.');
  // A type with an empty segment ("a..b", "", ".a") is malformed and matches nothing, not even "**".
  if (words.includes('')) return false;
  return matchFrom(compiled.segments, 0, words, 0);
}

function matchFrom(pattern: readonly string[], p: number, type: readonly string[], t: number): boolean {
  if (p === pattern.length) return t === type.length;
  const segment = pattern[p];
  if (segment === '**') {
    for (let k = t; k <= type.length; k++) if (matchFrom(pattern, p + 1, type, k)) return true;
    return false;
  }
  if (t === type.length) return false;
  return (segment === '*' || segment === type[t]) && matchFrom(pattern, p + 1, type, t + 1);
}
