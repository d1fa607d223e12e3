import { describe, expect, it } from 'vitest';
import { PaddedForest } from '../../../src/model/gbdt/forest.js';
import { treeValue } from '../../../src/model/gbdt/tree.js';
import type { Tree } from '../../../src/model/gbdt/tree.js';
import { createRng, randomTree } from './helpers.js';

/** The reference: walk each unpadded tree node by node, summing in tree order. */
function plainWalk(trees: Tree[], base: number, bins: Uint8Array, nRows: number, p: number): Float64Array {
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let m = base;
    for (const t of trees) m += treeValue(t, bins, i * p, 1);
    out[i] = m;
  }
  return out;
}

function randomBins(seed: number, nRows: number, p: number, maxBin: number): Uint8Array {
  const rng = createRng(seed);
  // Bins span 0 (missing) to 255 so thresholds near both ends are exercised.
  return Uint8Array.from({ length: nRows * p }, () => (rng() < 0.1 ? 255 : Math.floor(rng() * (maxBin + 1))));
}

describe('PaddedForest', () => {
  it.each([
    [1, 1, 1],
    [2, 3, 4],
    [5, 40, 2],
    [7, 25, 3],
    [3, 12, 6],
  ])('predicts exactly what the plain tree walk predicts (p=%i, trees=%i, depth<=%i)', (p, nTrees, depth) => {
    const rng = createRng(100 + p * nTrees + depth);
    const trees = Array.from({ length: nTrees }, () => randomTree(rng, p, depth, 254));
    const nRows = 1037; // not a multiple of the block or of 4
    const bins = randomBins(p + depth, nRows, p, 254);
    const forest = new PaddedForest(trees, -1.25, p);
    const out = new Float64Array(nRows);
    forest.predictBinned(bins, nRows, out);
    expect(Array.from(out)).toEqual(Array.from(plainWalk(trees, -1.25, bins, nRows, p)));
  });

  it('handles single-leaf trees, stumps, and an offset output range', () => {
    const leaf: Tree = { feature: [-1], threshold: [0], missingRight: [0], left: [-1], right: [-1], value: [0.5], cover: [10] };
    const stump: Tree = { feature: [1, -1, -1], threshold: [2, 0, 0], missingRight: [1, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 1], cover: [10, 4, 6] };
    const bins = Uint8Array.from([0, 0, 0, 2, 0, 3, 0, 1]); // 4 rows, 2 features
    for (const trees of [[leaf], [leaf, stump], [stump, leaf, stump]]) {
      const forest = new PaddedForest(trees, 0.25, 2);
      const out = new Float64Array(6).fill(99);
      forest.predictBinned(bins, 4, out, 2);
      expect(out[0]).toBe(99);
      expect(out[1]).toBe(99);
      expect(Array.from(out.subarray(2))).toEqual(Array.from(plainWalk(trees, 0.25, bins, 4, 2)));
    }
    // A single leaf padded to depth >= 2 among deeper trees: its dummy root and children send every row to the leaf value.
    const rng = createRng(77);
    const mixed = [leaf, randomTree(rng, 2, 4, 254), stump, leaf];
    const many = randomBins(78, 301, 2, 254);
    const got = new Float64Array(301);
    new PaddedForest(mixed, 0, 2).predictBinned(many, 301, got);
    expect(Array.from(got)).toEqual(Array.from(plainWalk(mixed, 0, many, 301, 2)));
    // The stump sends missing (bin 0) right, bins <= 2 left, bins > 2 right.
    const out = new Float64Array(4);
    new PaddedForest([stump], 0, 2).predictBinned(bins, 4, out);
    expect(Array.from(out)).toEqual([1, -1, 1, -1]);
  });
});
