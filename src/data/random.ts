/**
 * A small seeded PRNG for the demo data generator.
 *
 * Written here rather than taken from a package or Math.random so that a (rows, seed) pair gives
 * byte-identical data on every machine and Node version: sfc32 uses only 32-bit integer
 * operations (Math.imul, shifts), whose results the language fixes exactly. The floating-point
 * helpers use Math.sqrt (exact by IEEE 754) and Math.log / Math.cos, which V8 computes with its
 * own fdlibm port, so they too agree bit for bit across platforms.
 */

const TWO_POW_32 = 4294967296;

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): 128-bit state, passes PractRand, and is a
 * handful of integer ops per draw, which matters at a million rows.
 *
 * @example
 * const rng = new Random(42);
 * const p = rng.next();              // uniform in [0, 1)
 * const z = rng.normal(0, 1);
 * const c = rng.choice(['a', 'b'], [0.3, 0.7]);
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  /** `seed` is an unsigned 32-bit integer; splitmix32 spreads it over the 128-bit state. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      t ^= t >>> 15;
      return t >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    // The reference seeding discards the first outputs so that nearby seeds decorrelate.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Normal draw by Box–Muller; the second value of each pair is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: keeps log finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(theta);
    return mean + sd * r * Math.cos(theta);
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** One of `values`, picked with probability proportional to `weights` (same length, not all 0). */
  choice<T>(values: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < values.length - 1; i++) {
      u -= weights[i];
      if (u < 0) return values[i];
    }
    return values[values.length - 1];
  }
}
