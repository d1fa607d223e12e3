import type { FeatureMatrix, FeatureSpec } from '../../../src/model/types.js';

/** Deterministic uniform [0, 1) generator (mulberry32), so generated data is the same every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Column-major matrix from plain arrays. */
export function matrix(features: FeatureSpec[], columns: number[][]): FeatureMatrix {
  return { nRows: columns[0]?.length ?? 0, features, columns: columns.map((c) => Float64Array.from(c)) };
}

/** Mixed data with a known logistic signal: x0 and x1 numeric (x1 sometimes missing), c categorical. */
export function mixedData(n: number, seed: number): { X: FeatureMatrix; y: Uint8Array } {
  const u = rng(seed);
  const x0: number[] = [];
  const x1: number[] = [];
  const c: number[] = [];
  const y = new Uint8Array(n);
  const levelEffect = [0.8, -0.4, 0, 1.5];
  for (let i = 0; i < n; i++) {
    const a = normal(u) * 3 + 10;
    const b = normal(u);
    const l = Math.floor(u() * 4);
    const m = -0.5 + 0.6 * (a - 10) - 1.2 * b + levelEffect[l];
    y[i] = u() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
    x0.push(a);
    x1.push(u() < 0.1 ? NaN : b);
    c.push(l);
  }
  const X = matrix(
    [
      { name: 'x0', kind: 'numeric' },
      { name: 'x1', kind: 'numeric' },
      { name: 'c', kind: 'categorical', levels: ['a', 'b', 'c', 'd'] },
    ],
    [x0, x1, c],
  );
  return { X, y };
}
