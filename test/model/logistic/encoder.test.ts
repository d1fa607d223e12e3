import { describe, expect, it } from 'vitest';
import { fitEncoder } from '../../../src/model/logistic/encoder.js';
import { matrix, rng } from './helpers.js';

const spec = [
  { name: 'age', kind: 'numeric' as const },
  { name: 'plan', kind: 'categorical' as const, levels: ['basic', 'plus', 'pro'] },
];

describe('fitEncoder', () => {
  it('standardizes numerics with the training mean and population std', () => {
    const enc = fitEncoder(matrix(spec, [[1, 2, 3, 6], [0, 0, 1, 1]]));
    const f = enc.state.features[0];
    expect(f).toMatchObject({ kind: 'numeric', mean: 3, median: 2.5, missingIndicator: false });
    expect(f.kind === 'numeric' && f.std).toBeCloseTo(Math.sqrt(3.5), 12);
    const z = enc.encode(Float64Array.of(6, 1), 1);
    expect(z[0]).toBeCloseTo(3 / Math.sqrt(3.5), 12);
  });

  it('imputes missing numerics with the training median and adds an indicator column', () => {
    const enc = fitEncoder(matrix(spec, [[1, NaN, 3, 10, NaN], [0, 0, 0, 0, 0]]));
    const f = enc.state.features[0];
    expect(f).toMatchObject({ median: 3, missingIndicator: true });
    // Imputed training values are 1, 3, 3, 10, 3: the mean is over those.
    expect(f.kind === 'numeric' && f.mean).toBeCloseTo(4, 12);
    expect(enc.columns().map((c) => c.name)).toEqual(['age', 'age (missing)', 'plan=basic']);
    const z = enc.encode(Float64Array.of(NaN, 0, 3, 0, Infinity, 0), 3);
    expect(Array.from(z.subarray(0, 2))).toEqual([(3 - 4) / (f.kind === 'numeric' ? f.std : 1), 1]);
    // A present value equal to the median encodes the same, minus the indicator; Infinity counts as missing.
    expect(Array.from(z.subarray(3, 5))).toEqual([z[0], 0]);
    expect(Array.from(z.subarray(6, 8))).toEqual([z[0], 1]);
  });

  it('imputes without an indicator when training had no missing values', () => {
    const enc = fitEncoder(matrix(spec, [[2, 4, 9], [0, 1, 2]]));
    expect(enc.width).toBe(4);
    const z = enc.encode(Float64Array.of(NaN, 1), 1);
    const f = enc.state.features[0];
    expect(z[0]).toBeCloseTo(f.kind === 'numeric' ? (4 - f.mean) / f.std : NaN, 12);
  });

  it('finds the median by selection exactly as sorting does, ties and even counts included', () => {
    const u = rng(9);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(u() * 30);
      const col = Array.from({ length: n }, () => Math.floor(u() * [2, 6, 1000][t % 3]));
      const s = [...col].sort((a, b) => a - b);
      const want = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(fitEncoder(matrix([spec[0]], [col])).state.features[0]).toMatchObject({ median: want });
    }
  });

  it('does not divide by a zero std', () => {
    const enc = fitEncoder(matrix(spec, [[5, 5, 5], [0, 1, 2]]));
    expect(enc.state.features[0]).toMatchObject({ std: 1, mean: 5 });
    const z = enc.encode(Float64Array.of(5, 0, 7, 0), 2);
    expect(z[0]).toBe(0);
    expect(z[4]).toBe(2);
    expect(z.every(Number.isFinite)).toBe(true);
  });

  it('handles a numeric feature that is missing in every training row', () => {
    const enc = fitEncoder(matrix(spec, [[NaN, NaN], [0, 1]]));
    expect(enc.state.features[0]).toMatchObject({ median: 0, mean: 0, std: 1, missingIndicator: true });
    expect(Array.from(enc.encode(Float64Array.of(NaN, 0), 1).subarray(0, 2))).toEqual([0, 1]);
  });

  it('one-hot encodes levels; missing, unseen and out-of-range levels are all zeros', () => {
    // 'pro' (index 2) never occurs in training, so it has no column and encodes like an unseen level.
    const enc = fitEncoder(matrix(spec, [[1, 2, 3], [1, 0, 1]]));
    expect(enc.columns()).toEqual([
      { feature: 0, name: 'age' },
      { feature: 1, name: 'plan=basic' },
      { feature: 1, name: 'plan=plus' },
    ]);
    const rows = Float64Array.of(2, 0, 2, 1, 2, 2, 2, NaN, 2, 7, 2, -1);
    const z = enc.encode(rows, 6);
    const cats = Array.from({ length: 6 }, (_, i) => Array.from(z.subarray(i * 3 + 1, i * 3 + 3)));
    expect(cats).toEqual([[1, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it('keeps only the most frequent levels, ties to the earlier level', () => {
    const levels = ['a', 'b', 'c', 'd'];
    const X = matrix([{ name: 'k', kind: 'categorical', levels }], [[3, 3, 3, 1, 1, 0, 2, 2]]);
    const enc = fitEncoder(X, 2);
    expect(enc.columns().map((c) => c.name)).toEqual(['k=b', 'k=d']);
    const z = enc.encode(Float64Array.of(0, 1, 2, 3), 4);
    expect(Array.from(z)).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('rejects a categorical feature without levels', () => {
    const X = matrix([{ name: 'k', kind: 'categorical' }], [[0, 1]]);
    expect(() => fitEncoder(X)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('survives a JSON round trip of its state', async () => {
    const { Encoder } = await import('../../../src/model/logistic/encoder.js');
    const enc = fitEncoder(matrix(spec, [[1, NaN, 3], [0, 1, 1]]));
    const again = new Encoder(JSON.parse(JSON.stringify(enc.state)));
    const rows = Float64Array.of(NaN, 1, 2, 0, 9, 2);
    expect(Array.from(again.encode(rows, 3))).toEqual(Array.from(enc.encode(rows, 3)));
  });
});
