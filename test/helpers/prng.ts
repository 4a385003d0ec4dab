/** mulberry32: a tiny deterministic PRNG (a seeded stand-in for the workflow sandbox's Math.random). */
export { mulberry32 as seeded } from '../../src/placement/hash.js';
