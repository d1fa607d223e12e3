import { describe, expect, it } from 'vitest';
import { Binner, fitBinner } from '../../../src/model/gbdt/binner.js';
import type { FeatureSpec } from '../../../src/model/types.js';
import { createRng, matrix } from './helpers.js';

const num: FeatureSpec = { name: 'x', kind: 'numeric' };

describe('numeric binning', () => {
  it('uses midpoints between distinct values when there are few', () => {
    const X = matrix([num], [[1], [2], [2], [4], [NaN]]);
    const state = fitBinner(X, new Uint8Array(5), { maxBins: 255, seed: 1 });
    expect(state.features[0]).toEqual({ kind: 'numeric', edges: [1.5, 3] });
    const b = new Binner(state);
    expect(Array.from(b.binMatrix(X))).toEqual([1, 2, 2, 3, 0]);
    expect(b.nBins[0]).toBe(4);
    // Values on an edge go to the lower bin; beyond the range to the end bins.
    expect([1.5, 3, -100, 100, Infinity, -Infinity].map((v) => b.binValue(0, v))).toEqual([1, 2, 1, 3, 3, 1]);
  });

  it('caps bins at maxBins (missing included) with quantile edges', () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 5000 }, () => [rng() * 1000]);
    const X = matrix([num], rows);
    for (const maxBins of [2, 16, 255]) {
      const b = new Binner(fitBinner(X, new Uint8Array(rows.length), { maxBins, seed: 1 }));
      expect(b.nBins[0]).toBeLessThanOrEqual(maxBins);
      expect(b.nBins[0]).toBeGreaterThanOrEqual(Math.min(maxBins, 2));
      const bins = b.binMatrix(X);
      const counts = new Array<number>(b.nBins[0]).fill(0);
      for (const v of bins) counts[v]++;
      expect(counts[0]).toBe(0);
      // Quantile bins are roughly equally filled.
      if (maxBins === 16) for (let k = 1; k < 16; k++) expect(counts[k]).toBeGreaterThan(5000 / 15 / 2);
    }
  });

  it('keeps a heavy repeated value in one bin', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i < 900 ? 0 : i]);
    const b = new Binner(fitBinner(matrix([num], rows), new Uint8Array(1000), { maxBins: 8, seed: 1 }));
    expect(b.binValue(0, 0)).toBe(1);
    expect(b.binValue(0, 950)).toBeGreaterThan(1);
  });
});

describe('categorical binning', () => {
  it("orders levels by positive rate (Fisher's ordering) and maps unseen levels to 0", () => {
    const spec: FeatureSpec = { name: 'c', kind: 'categorical', levels: ['a', 'b', 'c', 'never'] };
    // Positive rates: a 0.8, b 0.1, c 0.5; "never" does not occur in training.
    const rows: number[][] = [];
    const y: number[] = [];
    const add = (level: number, pos: number, n: number): void => {
      for (let i = 0; i < n; i++) {
        rows.push([level]);
        y.push(i < pos ? 1 : 0);
      }
    };
    add(0, 80, 100);
    add(1, 10, 100);
    add(2, 50, 100);
    const b = new Binner(fitBinner(matrix([spec], rows), Uint8Array.from(y), { maxBins: 255, seed: 1 }));
    expect([0, 1, 2, 3].map((l) => b.binValue(0, l))).toEqual([3, 1, 2, 0]);
    expect([NaN, -1, 7, 0.5].map((v) => b.binValue(0, v))).toEqual([0, 0, 0, 0]);
    expect(b.nBins[0]).toBe(4);
  });

  it('lumps the rarest levels into one bin when there are too many', () => {
    const levels = Array.from({ length: 10 }, (_, i) => `l${i}`);
    const spec: FeatureSpec = { name: 'c', kind: 'categorical', levels };
    const rows: number[][] = [];
    // Level i occurs 10 * (i + 1) times: levels 0..4 are the rarest.
    for (let l = 0; l < 10; l++) for (let k = 0; k < 10 * (l + 1); k++) rows.push([l]);
    const state = fitBinner(matrix([spec], rows), new Uint8Array(rows.length), { maxBins: 7, seed: 1 });
    const b = new Binner(state);
    expect(b.nBins[0]).toBe(7);
    const lumped = new Set([0, 1, 2, 3, 4].map((l) => b.binValue(0, l)));
    expect(lumped.size).toBe(1);
    const own = [5, 6, 7, 8, 9].map((l) => b.binValue(0, l));
    expect(new Set(own).size).toBe(5);
    expect(own).not.toContain([...lumped][0]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('batch binning', () => {
  it('binRows matches binMatrix', () => {
    const rng = createRng(9);
    const specs: FeatureSpec[] = [num, { name: 'c', kind: 'categorical', levels: ['a', 'b', 'c'] }, { name: 'z', kind: 'numeric' }];
    const rows = Array.from({ length: 300 }, () => [rng() < 0.1 ? NaN : rng() * 10, Math.floor(rng() * 3), Math.round(rng() * 4)]);
    const X = matrix(specs, rows);
    const y = Uint8Array.from(rows, () => (rng() < 0.4 ? 1 : 0));
    const b = new Binner(fitBinner(X, y, { maxBins: 16, seed: 1 }));
    const colMajor = b.binMatrix(X);
    const out = new Uint8Array(300 * 3);
    b.binRows(Float64Array.from(rows.flat()), 300, out);
    for (let i = 0; i < 300; i++) for (let f = 0; f < 3; f++) expect(out[i * 3 + f]).toBe(colMajor[f * 300 + i]);
  });
});
