import { describe, expect, it } from 'vitest';
import { Binner, fitBinner } from '../../../src/model/gbdt/binner.js';
import { fitGbdt } from '../../../src/model/gbdt/estimator.js';
import { resolveParams } from '../../../src/model/gbdt/params.js';
import { logLoss, trainBoosting } from '../../../src/model/gbdt/train.js';
import { treeDepth, treeValue } from '../../../src/model/gbdt/tree.js';
import type { Tree } from '../../../src/model/gbdt/tree.js';
import { validationSplit } from '../../../src/model/gbdt/validation-split.js';
import { toRowMajor, type FeatureMatrix } from '../../../src/model/types.js';
import { auc, noiseData, xorData } from './helpers.js';

function margins(model: ReturnType<typeof fitGbdt>, X: FeatureMatrix): Float64Array {
  const out = new Float64Array(X.nRows);
  model.predictMargins(toRowMajor(X), X.nRows, out);
  return out;
}

function trees(model: ReturnType<typeof fitGbdt>): Tree[] {
  return (model.toState().state as { trees: Tree[] }).trees;
}

describe('boosting', () => {
  it('learns an XOR interaction that no single feature carries', () => {
    const train = xorData(3000, 1);
    const test = xorData(2000, 2);
    const model = fitGbdt(train.X, train.y, { earlyStoppingRounds: 0, maxRounds: 150, learningRate: 0.1 });
    // Bayes AUC here is about 0.95 (5 % label noise); chance is 0.5.
    expect(auc(margins(model, test.X), test.y)).toBeGreaterThan(0.9);
    // Stumps add up one feature at a time and cannot represent the interaction.
    const stumps = fitGbdt(train.X, train.y, { earlyStoppingRounds: 0, maxRounds: 150, learningRate: 0.1, maxDepth: 1 });
    expect(auc(margins(stumps, test.X), test.y)).toBeLessThan(0.65);
  });

  it('is deterministic for a seed, and the seed matters when sampling', () => {
    const { X, y } = xorData(1500, 3);
    const params = { subsample: 0.7, colsampleByTree: 0.6, maxRounds: 40, seed: 7 };
    const a = fitGbdt(X, y, params).toState();
    const b = fitGbdt(X, y, params).toState();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = fitGbdt(X, y, { ...params, seed: 8 }).toState();
    expect(JSON.stringify(c.state)).not.toBe(JSON.stringify(a.state));
  });

  it('stops early on noise and keeps the best iteration', () => {
    const { X, y } = noiseData(3000, 4);
    const params = resolveParams({ learningRate: 0.3, maxRounds: 500, earlyStoppingRounds: 10, minSamplesLeaf: 5, lambda: 0 });
    const split = validationSplit(y, params.validationFraction, params.seed);
    const binner = new Binner(fitBinner(X, y, { maxBins: params.maxBins, seed: params.seed, rows: split.train }));
    const r = trainBoosting({ bins: binner.binMatrix(X), nRows: X.nRows, nFeatures: 3, nBins: binner.nBins, y, split }, params);
    expect(r.roundsTrained).toBeLessThan(500);
    expect(r.roundsTrained - r.bestIteration).toBe(10);
    expect(r.trees.length).toBe(r.bestIteration);
    const v = r.validation;
    expect(v).not.toBeNull();
    if (v === null) return;
    expect(v.nRows).toBe(split.valid.length);
    for (const [, loss] of v.curve) expect(loss).toBeGreaterThanOrEqual(v.best);
    if (r.bestIteration > 0) expect(v.curve.find(([t]) => t === r.bestIteration)?.[1]).toBe(v.best);
    else expect(v.best).toBe(v.baseline);
    // The kept trees reproduce the best validation loss.
    const bins = binner.binMatrix(X);
    const m = new Float64Array(X.nRows).fill(r.baseScore);
    for (const t of r.trees) for (const i of split.valid) m[i] += treeValue(t, bins, i, X.nRows);
    expect(logLoss(m, y, split.valid)).toBeCloseTo(v.best, 12);
  });

  it('holds out a stratified validation slice', () => {
    const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const s = validationSplit(y, 0.2, 1);
    expect(s.valid.length).toBe(200);
    expect(s.valid.reduce((n, i) => n + y[i], 0)).toBe(50);
    expect(s.train.length + s.valid.length).toBe(1000);
    expect(new Set([...s.train, ...s.valid]).size).toBe(1000);
  });

  it('trains every round on all rows when early stopping is off', () => {
    const { X, y } = noiseData(600, 5);
    const model = fitGbdt(X, y, { earlyStoppingRounds: 0, maxRounds: 25 });
    expect(model.nTrees).toBe(25);
    expect(model.validation).toBeNull();
    // No rows are held out: a round sees all 600 rows, or a subsample of them.
    const full = fitGbdt(X, y, { earlyStoppingRounds: 0, maxRounds: 3, subsample: 1 });
    for (const t of trees(full)) expect(t.cover[0]).toBe(600);
    const sampled = fitGbdt(X, y, { earlyStoppingRounds: 0, maxRounds: 20, subsample: 0.5 });
    const covers = trees(sampled).map((t) => t.cover[0]);
    expect(new Set(covers).size).toBeGreaterThan(1);
    for (const c of covers) expect(Math.abs(c - 300)).toBeLessThan(60);
  });

  it('respects maxDepth, maxLeaves and minSamplesLeaf', () => {
    const { X, y } = xorData(2000, 6);
    const deep = fitGbdt(X, y, { maxDepth: 5, minSamplesLeaf: 40, maxRounds: 20, earlyStoppingRounds: 0, subsample: 1 });
    for (const t of trees(deep)) {
      expect(treeDepth(t)).toBeLessThanOrEqual(5);
      t.feature.forEach((f, i) => {
        if (f < 0) expect(t.cover[i]).toBeGreaterThanOrEqual(40);
      });
    }
    const capped = fitGbdt(X, y, { maxDepth: 6, maxLeaves: 5, minSamplesLeaf: 5, maxRounds: 20, earlyStoppingRounds: 0 });
    for (const t of trees(capped)) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(5);
    expect(trees(capped).some((t) => t.feature.filter((f) => f < 0).length === 5)).toBe(true);
  });

  it('learns which side missing values belong on', () => {
    // Missing x means churn; present x splits the rest weakly.
    const n = 2000;
    const col = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (i % 5 === 0) {
        col[i] = NaN;
        y[i] = 1;
      } else {
        col[i] = (i * 7919) % 1000;
        y[i] = col[i] > 500 && i % 3 === 0 ? 1 : 0;
      }
    }
    const X: FeatureMatrix = { nRows: n, features: [{ name: 'x', kind: 'numeric' }], columns: [col] };
    const model = fitGbdt(X, y, { maxRounds: 60, earlyStoppingRounds: 0, maxDepth: 2, learningRate: 0.3 });
    expect(trees(model).some((t) => t.missingRight.some((m, i) => m === 1 && t.feature[i] >= 0))).toBe(true);
    const out = new Float64Array(3);
    model.predictMargins(Float64Array.from([NaN, 100, 900]), 3, out);
    expect(out[0]).toBeGreaterThan(2);
    expect(out[1]).toBeLessThan(-2);
    expect(out[0]).toBeGreaterThan(out[2]);
  });
});
