import { describe, expect, it } from 'vitest';
import { treeShap } from '../../../src/model/gbdt/shap.js';
import { goesRight, treeValue } from '../../../src/model/gbdt/tree.js';
import type { Tree } from '../../../src/model/gbdt/tree.js';
import { createRng, randomBinRow, randomTree } from './helpers.js';

/** E[f(x) | features in S known]: follow the row where the feature is known, else average children by cover. */
function conditional(t: Tree, node: number, row: Uint8Array, known: number): number {
  const f = t.feature[node];
  if (f < 0) return t.value[node];
  if ((known >> f) & 1) return conditional(t, goesRight(t, node, row[f]) ? t.right[node] : t.left[node], row, known);
  const l = t.left[node];
  const r = t.right[node];
  return (t.cover[l] * conditional(t, l, row, known) + t.cover[r] * conditional(t, r, row, known)) / (t.cover[l] + t.cover[r]);
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Shapley values by enumerating every subset of the other features. */
function bruteForce(trees: Tree[], base: number, row: Uint8Array, p: number): { bias: number; values: number[] } {
  const v = (S: number): number => trees.reduce((s, t) => s + conditional(t, 0, row, S), base);
  const values = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    for (let S = 0; S < 1 << p; S++) {
      if ((S >> i) & 1) continue;
      let size = 0;
      for (let k = 0; k < p; k++) size += (S >> k) & 1;
      const w = (factorial(size) * factorial(p - size - 1)) / factorial(p);
      values[i] += w * (v(S | (1 << i)) - v(S));
    }
  }
  return { bias: v(0), values };
}

describe('treeShap', () => {
  it.each([
    [1, 1, 3],
    [2, 1, 4],
    [3, 4, 3],
    [4, 3, 5],
    [5, 6, 4],
    [5, 2, 7],
  ])('matches brute-force Shapley values (p=%i, trees=%i, depth<=%i)', (p, nTrees, depth) => {
    const rng = createRng(p * 31 + nTrees * 7 + depth);
    for (let rep = 0; rep < 8; rep++) {
      const trees = Array.from({ length: nTrees }, () => randomTree(rng, p, depth));
      const row = randomBinRow(rng, p);
      const got = treeShap(trees, 0.3, row, p);
      const want = bruteForce(trees, 0.3, row, p);
      expect(got.bias).toBeCloseTo(want.bias, 10);
      for (let f = 0; f < p; f++) expect(got.values[f]).toBeCloseTo(want.values[f], 10);
      // Local accuracy: bias + contributions is the row's margin.
      const margin = trees.reduce((s, t) => s + treeValue(t, row, 0, 1), 0.3);
      const sum = got.values.reduce((s, v) => s + v, got.bias);
      expect(Math.abs(sum - margin)).toBeLessThan(1e-9);
    }
  });

  it('reuses what it learnt of a forest: row after row on one forest of small, middling and large trees', () => {
    const rng = createRng(77);
    const p = 5;
    // Depth 2 and 3 trees go to the flat tables, depth 4 to the per-tree memo or direct, depth 6 direct.
    const trees = [2, 3, 2, 4, 6, 3, 4, 2].map((depth) => randomTree(rng, p, depth));
    const out = new Float64Array(p);
    for (let rep = 0; rep < 60; rep++) {
      const row = randomBinRow(rng, p);
      const got = treeShap(trees, -0.1, row, p, rep % 2 === 0 ? out : undefined);
      const want = bruteForce(trees, -0.1, row, p);
      expect(got.bias).toBeCloseTo(want.bias, 10);
      for (let f = 0; f < p; f++) expect(got.values[f]).toBeCloseTo(want.values[f], 10);
    }
  });

  it('gives zero to features no tree uses, and handles a forest of single leaves', () => {
    const rng = createRng(5);
    const trees = Array.from({ length: 3 }, () => randomTree(rng, 2, 3));
    const got = treeShap(trees, 0, randomBinRow(rng, 4), 4);
    expect(got.values[2]).toBe(0);
    expect(got.values[3]).toBe(0);
    const leaf: Tree = { feature: [-1], threshold: [0], missingRight: [0], left: [-1], right: [-1], value: [0.7], cover: [3] };
    const only = treeShap([leaf, leaf], -0.2, Uint8Array.from([1, 2]), 2);
    expect(only.bias).toBeCloseTo(1.2, 12);
    expect(Array.from(only.values)).toEqual([0, 0]);
  });
});
