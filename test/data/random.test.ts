import { describe, expect, it } from 'vitest';
import { Random } from '../../src/data/random.js';

describe('Random', () => {
  it('reproduces sfc32 seeded by splitmix32 exactly (values from an independent Python implementation)', () => {
    const expected: Record<number, number[]> = {
      0: [548183886, 1097162541, 2219297441, 1664216021],
      42: [3825871779, 1851418855, 1383259262, 890322987],
      4294967295: [2246433216, 2156899173, 2040853526, 3823104220],
    };
    for (const [seed, values] of Object.entries(expected)) {
      const rng = new Random(Number(seed));
      expect(values.map(() => rng.nextUint32())).toEqual(values);
    }
  });

  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const rng = new Random(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 50_000).toBeCloseTo(0.5, 2);
  });

  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    const rng = new Random(2);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('draws normals with the requested mean and standard deviation', () => {
    const rng = new Random(3);
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(10, 2);
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('draws exponentials with the requested mean', () => {
    const rng = new Random(4);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.exponential(6);
    expect(sum / 50_000).toBeGreaterThan(5.85);
    expect(sum / 50_000).toBeLessThan(6.15);
  });

  it('picks choices in proportion to their weights, never a zero-weight one', () => {
    const rng = new Random(5);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[rng.choice(['a', 'b', 'c'] as const, [1, 0, 3])]++;
    expect(counts.b).toBe(0);
    expect(counts.a / 40_000).toBeCloseTo(0.25, 1);
    expect(counts.c / 40_000).toBeCloseTo(0.75, 1);
  });
});
