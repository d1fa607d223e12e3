import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic, restoreLogistic } from '../../../src/model/logistic/estimator.js';
import { fitEncoder } from '../../../src/model/logistic/encoder.js';
import { toRowMajor } from '../../../src/model/types.js';
import type { ModelState } from '../../../src/model/types.js';
import { matrix, mixedData } from './helpers.js';

const { X, y } = mixedData(2000, 11);
const model = fitLogistic(X, y);

function margins(m: ReturnType<typeof fitLogistic>, rows: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  m.predictMargins(rows, n, out);
  return out;
}

/** Awkward rows: missing numerics, a missing, an unseen and an out-of-range level. */
const oddRows = Float64Array.of(NaN, 0.5, 1, 12, NaN, NaN, 9, -1, 3, 10, 0, 7, Infinity, 2, 2.7);

describe('fitLogistic', () => {
  it('fits with defaults and reports how the solver ended', () => {
    expect(model.type).toBe('logistic');
    expect(model.nFeatures).toBe(3);
    expect(model.params).toEqual(DEFAULT_LOGISTIC_PARAMS);
    expect(model.fitInfo).toMatchObject({ solver: 'newton', converged: true });
    expect(model.fitInfo.iterations).toBeGreaterThan(0);
  });

  it('learns the signs of the generating model', () => {
    const byName = new Map(model.coefficients().coefficients.map((c) => [c.name, c.coef]));
    expect(byName.get('x0')).toBeGreaterThan(1);
    expect(byName.get('x1')).toBeLessThan(-0.8);
    expect(byName.get('c=d')).toBeGreaterThan(byName.get('c=a') as number);
    expect(byName.get('c=a')).toBeGreaterThan(byName.get('c=b') as number);
    expect(model.coefficients().coefficients.map((c) => c.feature)).toEqual(['x0', 'x1', 'x1', 'c', 'c', 'c', 'c']);
  });

  it('predicts the same margins as encoding and taking the dot product', () => {
    const rows = Float64Array.of(...toRowMajor(X, 0, 20), ...oddRows);
    const enc = fitEncoder(X);
    const z = enc.encode(rows, 25);
    const { coefficients, intercept } = model.coefficients();
    const got = margins(model, rows, 25);
    for (let i = 0; i < 25; i++) {
      let m = intercept;
      coefficients.forEach((c, k) => (m += c.coef * z[i * enc.width + k]));
      expect(got[i]).toBeCloseTo(m, 10);
    }
  });

  it('explains each row exactly: bias + contributions = margin', () => {
    const rows = Float64Array.of(...toRowMajor(X, 100, 20), ...oddRows);
    const m = margins(model, rows, 25);
    for (let i = 0; i < 25; i++) {
      const { bias, values } = model.contributions(rows.subarray(i * 3, i * 3 + 3));
      expect(values.length).toBe(3);
      expect(bias + values.reduce((a, b) => a + b, 0)).toBeCloseTo(m[i], 10);
      const out = new Float64Array(3).fill(9);
      expect(model.contributions(rows.subarray(i * 3, i * 3 + 3), out)).toEqual({ bias, values: out });
      expect(Array.from(out)).toEqual(Array.from(values));
    }
    // The bias is the margin of the average encoded training row, so contributions average to zero on training data.
    const all = toRowMajor(X);
    const mean = new Float64Array(3);
    for (let i = 0; i < X.nRows; i++) model.contributions(all.subarray(i * 3, i * 3 + 3)).values.forEach((v, j) => (mean[j] += v / X.nRows));
    mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-9));
  });

  it('shifts the intercept up when classes are balanced on data with few positives', () => {
    const yRare = Uint8Array.from(y, (v, i) => (v === 1 && i % 4 === 0 ? 1 : 0));
    const plain = fitLogistic(X, yRare);
    const balanced = fitLogistic(X, yRare, { classWeight: 'balanced' });
    expect(balanced.coefficients().intercept).toBeGreaterThan(plain.coefficients().intercept + 1);
    const meanP = (m: typeof plain): number => margins(m, toRowMajor(X), X.nRows).reduce((a, v) => a + 1 / (1 + Math.exp(-v)), 0) / X.nRows;
    expect(meanP(plain)).toBeLessThan(0.2);
    expect(meanP(balanced)).toBeGreaterThan(0.4);
  });

  it('regularizes harder with a smaller C', () => {
    const norm = (m: typeof model): number => m.coefficients().coefficients.reduce((a, c) => a + c.coef ** 2, 0);
    expect(norm(fitLogistic(X, y, { C: 0.001 }))).toBeLessThan(norm(model) / 4);
  });

  it('reports progress in solver iterations', () => {
    const seen: [number, number][] = [];
    const m = fitLogistic(X, y, {}, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.length).toBe(m.fitInfo.iterations);
    expect(seen.at(-1)).toEqual([m.fitInfo.iterations, DEFAULT_LOGISTIC_PARAMS.maxIter]);
  });

  it('names the bad parameter', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ C: 0 }, 'C'],
      [{ C: Number.NaN }, 'C'],
      [{ classWeight: 'auto' }, 'classWeight'],
      [{ maxIter: 1.5 }, 'maxIter'],
      [{ tol: -1 }, 'tol'],
      [{ maxCategories: 0 }, 'maxCategories'],
      [{ penalty: 'l1' }, 'penalty'],
    ];
    for (const [params, name] of cases) {
      expect(() => fitLogistic(X, y, params)).toThrow(expect.objectContaining({ code: 'BAD_USAGE', details: { params: [name] } }));
    }
  });

  it('rejects labels that are not 0/1 with both classes, and mismatched shapes', () => {
    const two = matrix([{ name: 'a', kind: 'numeric' }], [[1, 2, 3]]);
    expect(() => fitLogistic(two, Uint8Array.of(0, 1, 2))).toThrow(expect.objectContaining({ code: 'BAD_TARGET' }));
    expect(() => fitLogistic(two, Uint8Array.of(1, 1, 1))).toThrow(expect.objectContaining({ code: 'BAD_TARGET' }));
    expect(() => fitLogistic(two, Uint8Array.of(0, 1))).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => model.predictMargins(new Float64Array(5), 2, new Float64Array(2))).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
  });
});

describe('restoreLogistic', () => {
  it('round-trips through JSON to identical predictions and explanations', () => {
    const state = JSON.parse(JSON.stringify(model.toState())) as ModelState;
    const again = restoreLogistic(state);
    const rows = Float64Array.of(...toRowMajor(X, 0, 50), ...oddRows);
    expect(Array.from(margins(again, rows, 55))).toEqual(Array.from(margins(model, rows, 55)));
    expect(again.contributions(oddRows.subarray(0, 3))).toEqual(model.contributions(oddRows.subarray(0, 3)));
    expect(again.params).toEqual(model.params);
    expect(again.fitInfo).toEqual(model.fitInfo);
    expect(again.toState()).toEqual(state);
  });

  it('is not affected by later changes to the state object it was given', () => {
    const state = model.toState();
    const again = restoreLogistic(state);
    (state.state.coef as number[])[0] = 100;
    expect(again.coefficients().coefficients[0].coef).toBe(model.coefficients().coefficients[0].coef);
  });

  it('lists every corrupted field in one MODEL_CORRUPTED error', () => {
    const state = JSON.parse(JSON.stringify(model.toState()));
    state.params.C = -1;
    state.state.coef[2] = 'x';
    state.state.columnMeans.pop();
    state.state.encoder.features[1].std = 0;
    state.state.encoder.features[2].levels = [0, 0, 1, 2];
    delete state.state.converged;
    let err: unknown;
    try {
      restoreLogistic(state);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'MODEL_CORRUPTED' });
    const problems = (err as { details: { problems: string[] } }).details.problems;
    const paths = problems.map((p) => p.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'params.C',
        'state.coef[2]',
        'state.encoder.features[1].std',
        'state.encoder.features[2].levels[1]',
        'state.converged',
      ]),
    );
    // With a broken encoder the expected width is unknown, so lengths are not judged against it.
    expect(paths).not.toContain('state.columnMeans');
  });

  it('checks lengths against the encoder when the encoder is sound', () => {
    const state = JSON.parse(JSON.stringify(model.toState()));
    state.state.columnMeans.pop();
    expect(() => restoreLogistic(state)).toThrow(expect.objectContaining({ code: 'MODEL_CORRUPTED', details: { problems: ['state.columnMeans: expected 7 values, found 6'] } }));
  });

  it('rejects what is not a logistic state at all', () => {
    for (const bad of [null, [], { type: 'gbdt', params: {}, state: {} }, { type: 'logistic' }]) {
      expect(() => restoreLogistic(bad as unknown as ModelState)).toThrow(expect.objectContaining({ code: 'MODEL_CORRUPTED' }));
    }
  });
});
