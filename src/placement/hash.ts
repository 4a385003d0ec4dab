/**
 * Small deterministic hashing for placement: FNV-1a (32-bit) over strings, and mulberry32, a seeded
 * PRNG. Pure and sandbox-safe (no `Math.random`): the same inputs give the same choices everywhere.
 *
 * @module
 */

/** FNV-1a, 32-bit, over the UTF-16 code units of `s` (unsigned). */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded PRNG (mulberry32): returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
