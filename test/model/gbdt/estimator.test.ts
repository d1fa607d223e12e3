import { describe, expect, it } from 'vitest';
import { ChurnError } from '../../../src/errors.js';
import { DEFAULT_GBDT_PARAMS, fitGbdt, restoreGbdt } from '../../../src/model/gbdt/estimator.js';
import type { FittedGbdt } from '../../../src/model/gbdt/estimator.js';
import { toRowMajor, type ModelState } from '../../../src/model/types.js';
import { xorData } from './helpers.js';

const data = xorData(1200, 21);
const model = fitGbdt(data.X, data.y, { maxRounds: 60 });
const rows = toRowMajor(data.X);
const n = data.X.nRows;
const p = data.X.features.length;

function predict(m: FittedGbdt, r: Float64Array, nRows: number): Float64Array {
  const out = new Float64Array(nRows);
  m.predictMargins(r, nRows, out);
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChurnError) return e.code;
    throw e;
  }
  throw new Error('expected a throw');
}

function errorOf(fn: () => unknown): ChurnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChurnError) return e;
    throw e;
  }
  throw new Error('expected a throw');
}

describe('fitGbdt', () => {
  it('rejects bad parameters, naming each one', () => {
    for (const bad of [{ learningRate: 0 }, { maxDepth: 0 }, { maxDepth: 2.5 }, { subsample: 1.5 }, { maxBins: 256 }, { lambda: -1 }, { validationFraction: 0.9 }, { seed: -3 }, { maxLeaves: 1 }]) {
      const e = errorOf(() => fitGbdt(data.X, data.y, bad));
      expect(e.code).toBe('BAD_USAGE');
      expect(e.details?.params).toEqual(Object.keys(bad));
      expect(e.message).toContain(Object.keys(bad)[0]);
    }
    const two = errorOf(() => fitGbdt(data.X, data.y, { minSamplesLeaf: 0, colsampleByTree: Number.NaN }));
    expect(two.details?.params).toEqual(['minSamplesLeaf', 'colsampleByTree']);
    const unknown = errorOf(() => fitGbdt(data.X, data.y, { learning_rate: 0.1 } as never));
    expect(unknown.details?.params).toEqual(['learning_rate']);
  });

  it('rejects labels that are not 0/1, a single class, and mismatched sizes', () => {
    expect(codeOf(() => fitGbdt(data.X, Uint8Array.from(data.y, (v, i) => (i === 5 ? 2 : v))))).toBe('BAD_TARGET');
    expect(codeOf(() => fitGbdt(data.X, new Uint8Array(n)))).toBe('BAD_TARGET');
    expect(codeOf(() => fitGbdt(data.X, data.y.subarray(1)))).toBe('BAD_USAGE');
  });

  it('reports progress per round and finishes at the total', () => {
    const calls: [number, number][] = [];
    const m = fitGbdt(data.X, data.y, { maxRounds: 400, learningRate: 0.5, earlyStoppingRounds: 5 }, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.length).toBeGreaterThan(m.nTrees);
    calls.forEach(([d, t], i) => {
      expect(t).toBe(400);
      if (i > 0) expect(d).toBeGreaterThan(calls[i - 1][0]);
    });
    expect(calls[calls.length - 1]).toEqual([400, 400]);
  });

  it('exposes its defaults as valid parameters', () => {
    expect(model.params).toEqual({ ...DEFAULT_GBDT_PARAMS, maxRounds: 60 });
    expect(model.type).toBe('gbdt');
    expect(model.nFeatures).toBe(p);
  });
});

describe('FittedGbdt', () => {
  it('scores raw rows the same as binRows + predictBinned, across several blocks', () => {
    const big = xorData(9000, 22);
    const r = toRowMajor(big.X);
    const direct = predict(model, r, 9000);
    const bins = new Uint8Array(9000 * p);
    model.binRows(r, 9000, bins);
    const viaBins = new Float64Array(9000);
    model.predictBinned(bins, 9000, viaBins);
    expect(Array.from(direct)).toEqual(Array.from(viaBins));
    expect(direct.every(Number.isFinite)).toBe(true);
  });

  it('treats missing values and unseen categories as missing', () => {
    const base = rows.slice(0, p);
    const variants = [NaN, 99, -1, 0.5].map((v) => {
      const r = base.slice();
      r[2] = v; // the categorical feature: index 99 and fractional values are unseen levels
      return r;
    });
    const out = predict(model, Float64Array.from(variants.flatMap((r) => Array.from(r))), variants.length);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(new Set(out).size).toBe(1);
    const allMissing = predict(model, new Float64Array(p).fill(NaN), 1);
    expect(Number.isFinite(allMissing[0])).toBe(true);
  });

  it('explains each row additively in log-odds', () => {
    const margins = predict(model, rows, 50);
    for (let i = 0; i < 50; i++) {
      const { bias, values } = model.contributions(rows.subarray(i * p, (i + 1) * p));
      expect(values.length).toBe(p);
      const sum = values.reduce((s, v) => s + v, bias);
      expect(Math.abs(sum - margins[i])).toBeLessThan(1e-9);
      const out = new Float64Array(p).fill(9);
      expect(Array.from(model.contributions(rows.subarray(i * p, (i + 1) * p), out).values)).toEqual(Array.from(values));
    }
    // The XOR features carry the signal; the noise features little of it.
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < 200; i++) {
      const { values } = model.contributions(rows.subarray(i * p, (i + 1) * p));
      signal += Math.abs(values[0]) + Math.abs(values[1]);
      noise += Math.abs(values[3]) + Math.abs(values[4]);
    }
    expect(signal).toBeGreaterThan(5 * noise);
  });

  it('rejects batches whose buffers are too small', () => {
    expect(codeOf(() => model.predictMargins(rows, n + 1, new Float64Array(n + 1)))).toBe('BAD_USAGE');
    expect(codeOf(() => model.predictMargins(rows, 10, new Float64Array(9)))).toBe('BAD_USAGE');
    expect(codeOf(() => model.contributions(new Float64Array(p - 1)))).toBe('BAD_USAGE');
  });
});

/** A valid-looking tree that is a chain of `depth` splits, each with a leaf on the left. */
function chain(depth: number): Record<string, number[]> {
  const t: Record<string, number[]> = { feature: [], threshold: [], missingRight: [], left: [], right: [], value: [], cover: [] };
  for (let d = 0; d <= depth; d++) {
    const id = 2 * d;
    const internal = d < depth;
    t.feature[id] = internal ? 0 : -1;
    t.left[id] = internal ? id + 1 : -1;
    t.right[id] = internal ? id + 2 : -1;
    if (internal) {
      t.feature[id + 1] = -1;
      t.left[id + 1] = -1;
      t.right[id + 1] = -1;
    }
  }
  const n = t.feature.length;
  t.threshold = new Array<number>(n).fill(1);
  t.missingRight = new Array<number>(n).fill(0);
  t.value = new Array<number>(n).fill(0.1);
  t.cover = new Array<number>(n).fill(1);
  return t;
}

describe('restoreGbdt', () => {
  it('round-trips through JSON with identical predictions and explanations', () => {
    const json = JSON.stringify(model.toState());
    const back = restoreGbdt(JSON.parse(json) as ModelState);
    expect(Array.from(predict(back, rows, n))).toEqual(Array.from(predict(model, rows, n)));
    expect(back.contributions(rows.subarray(0, p))).toEqual(model.contributions(rows.subarray(0, p)));
    expect(JSON.stringify(back.toState())).toBe(json);
    expect(back.nTrees).toBe(model.nTrees);
  });

  it('is not affected by later edits to the state it was built from', () => {
    const state = JSON.parse(JSON.stringify(model.toState())) as ModelState;
    const back = restoreGbdt(state);
    (state.state.trees as { value: number[] }[])[0].value.fill(100);
    expect(Array.from(predict(back, rows, 20))).toEqual(Array.from(predict(model, rows, 20)));
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- corruptions poke at arbitrary JSON
  type Json = Record<string, any>;
  const corruptions: [string, (s: Json) => void, string[]][] = [
    ['wrong type', (s) => (s.type = 'logistic'), ['type']],
    ['bad param', (s) => (s.params.maxDepth = 'deep'), ['params.maxDepth']],
    ['missing param', (s) => delete s.params.lambda, ['params.lambda']],
    ['NaN leaf', (s) => (s.state.trees[0].value[1] = null), ['state.trees[0].value[1]']],
    ['child out of range', (s) => (s.state.trees[1].left[0] = 999), ['state.trees[1].left[0]']],
    ['cycle', (s) => (s.state.trees[0].right[0] = 0), ['state.trees[0].right[0]']],
    ['ragged node arrays', (s) => s.state.trees[2].cover.pop(), ['state.trees[2].cover']],
    ['feature out of range', (s) => (s.state.trees[0].feature[0] = 42), ['state.trees[0].feature[0]']],
    ['unsorted edges', (s) => s.state.binner.features[0].edges.reverse(), ['state.binner.features[0].edges[1]']],
    ['bad level bin', (s) => (s.state.binner.features[2].binOfLevel[0] = 300), ['state.binner.features[2].binOfLevel[0]']],
    ['tree count', (s) => s.state.trees.pop(), ['state.bestIteration']],
    ['too deep', (s) => (s.state.trees[0] = chain(13)), ['state.trees[0]']],
    ['absurdly deep', (s) => (s.state.trees[0] = chain(100_000)), ['state.trees[0]']],
    ['no state', (s) => (s.state = 'x'), ['state']],
    ['several at once', (s) => {
      s.state.baseScore = 'x';
      s.state.trees[0].threshold[0] = -4;
      s.params.learningRate = 5;
    }, ['params.learningRate', 'state.baseScore', 'state.trees[0].threshold[0]']],
  ];

  it.each(corruptions)('rejects a corrupted state (%s) listing the bad fields', (_, corrupt, paths) => {
    const state = JSON.parse(JSON.stringify(model.toState())) as Json;
    corrupt(state);
    const e = errorOf(() => restoreGbdt(state as ModelState));
    expect(e.code).toBe('MODEL_CORRUPTED');
    const problems = e.details?.problems as string[];
    for (const path of paths) expect(problems.some((m) => m.startsWith(`${path}:`))).toBe(true);
  });

  it('rejects something that is not a state at all', () => {
    expect(codeOf(() => restoreGbdt(null as unknown as ModelState))).toBe('MODEL_CORRUPTED');
    expect(codeOf(() => restoreGbdt([] as unknown as ModelState))).toBe('MODEL_CORRUPTED');
  });
});
