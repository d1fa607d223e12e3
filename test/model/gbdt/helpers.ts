import type { FeatureMatrix, FeatureSpec } from '../../../src/model/types.js';
import { createRng } from '../../../src/model/gbdt/rng.js';
import type { Rng } from '../../../src/model/gbdt/rng.js';
import type { Tree } from '../../../src/model/gbdt/tree.js';

/** Column-major matrix from per-feature specs and row-major values. */
export function matrix(features: FeatureSpec[], rows: number[][]): FeatureMatrix {
  const columns = features.map((_, j) => Float64Array.from(rows.map((r) => r[j])));
  return { nRows: rows.length, features, columns };
}

/**
 * XOR-like data: two informative numeric features (label = sign(x0) xor sign(x1), with 5 %
 * label noise), one categorical with a weak effect, and two noise features. No single feature
 * (and no linear model) separates it.
 */
export function xorData(n: number, seed: number): { X: FeatureMatrix; y: Uint8Array } {
  const rng = createRng(seed, 11);
  const features: FeatureSpec[] = [
    { name: 'x0', kind: 'numeric' },
    { name: 'x1', kind: 'numeric' },
    { name: 'color', kind: 'categorical', levels: ['red', 'green', 'blue'] },
    { name: 'noise0', kind: 'numeric' },
    { name: 'noise1', kind: 'categorical', levels: ['a', 'b'] },
  ];
  const rows: number[][] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = rng() * 2 - 1;
    const x1 = rng() * 2 - 1;
    const color = Math.floor(rng() * 3);
    rows.push([x0, x1, color, rng(), Math.floor(rng() * 2)]);
    let label = (x0 > 0) !== (x1 > 0) ? 1 : 0;
    if (rng() < 0.05) label = 1 - label;
    y[i] = label;
  }
  return { X: matrix(features, rows), y };
}

/** Pure noise: labels independent of every feature. */
export function noiseData(n: number, seed: number): { X: FeatureMatrix; y: Uint8Array } {
  const rng = createRng(seed, 12);
  const features: FeatureSpec[] = [
    { name: 'a', kind: 'numeric' },
    { name: 'b', kind: 'numeric' },
    { name: 'c', kind: 'categorical', levels: ['p', 'q', 'r', 's'] },
  ];
  const rows: number[][] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rows.push([rng(), rng(), Math.floor(rng() * 4)]);
    y[i] = rng() < 0.3 ? 1 : 0;
  }
  return { X: matrix(features, rows), y };
}

export function auc(score: Float64Array, y: Uint8Array): number {
  const idx = Array.from(score.keys()).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]] === score[idx[i]]) j++;
    for (let k = i; k <= j; k++) {
      if (y[idx[k]] === 1) {
        rankSum += (i + j) / 2 + 1;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * A random tree over `nFeatures` features of at most `maxDepth`, with random thresholds,
 * missing directions and positive covers (children's covers summing to the parent's).
 */
export function randomTree(rng: Rng, nFeatures: number, maxDepth: number, maxBin = 6): Tree {
  const t: Tree = { feature: [], threshold: [], missingRight: [], left: [], right: [], value: [], cover: [] };
  const grow = (depth: number, cover: number): number => {
    const id = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.missingRight.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(0);
    t.cover.push(cover);
    if (depth < maxDepth && (depth === 0 || rng() < 0.75)) {
      const mr = rng() < 0.3 ? 1 : 0;
      t.feature[id] = Math.floor(rng() * nFeatures);
      t.missingRight[id] = mr;
      t.threshold[id] = mr + Math.floor(rng() * (maxBin - mr));
      const share = 0.1 + 0.8 * rng();
      const l = grow(depth + 1, cover * share);
      const r = grow(depth + 1, cover * (1 - share));
      t.left[id] = l;
      t.right[id] = r;
    } else t.value[id] = rng() * 2 - 1;
    return id;
  };
  grow(0, 100 + Math.floor(rng() * 900));
  return t;
}

/** A random row of bins in [0, maxBin], 0 (missing) included. */
export function randomBinRow(rng: Rng, nFeatures: number, maxBin = 7): Uint8Array {
  return Uint8Array.from({ length: nFeatures }, () => Math.floor(rng() * (maxBin + 1)));
}

export { createRng };
