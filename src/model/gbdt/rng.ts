/**
 * Seeded pseudo-random numbers (mulberry32). Every random choice in training (validation slice,
 * row and feature sampling, quantile subsample) draws from its own stream so that changing one
 * option does not reshuffle the others, and a seed always reproduces the same model.
 */
export type Rng = () => number;

/** Uniform [0, 1) stream for `seed`, offset by `stream` so purposes get independent sequences. */
export function createRng(seed: number, stream = 0): Rng {
  let a = (hash32(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** In-place Fisher-Yates shuffle. */
export function shuffle(arr: Int32Array, rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}

/** A well-mixed 32-bit hash of an integer (murmur3's finalizer), as an unsigned number. */
export function mix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// Seeds may exceed 32 bits; fold the high part in rather than dropping it.
export function hash32(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = Math.imul(lo ^ 0x85ebca6b, 0xc2b2ae35) ^ hi;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
