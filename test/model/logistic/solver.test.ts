import { describe, expect, it } from 'vitest';
import { denseDesign, designMargins } from '../../../src/model/logistic/design.js';
import type { Design } from '../../../src/model/logistic/design.js';
import { fitEncoder } from '../../../src/model/logistic/encoder.js';
import { solveLogistic } from '../../../src/model/logistic/solver.js';
import { matrix, mixedData, normal, rng } from './helpers.js';

/** ∇F computed directly from the definition, independent of the solver's own code paths. */
function gradient(x: Float64Array, n: number, d: number, y: Uint8Array, w: Float64Array | undefined, C: number, beta: Float64Array): Float64Array {
  const g = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    let m = beta[d];
    for (let k = 0; k < d; k++) m += x[i * d + k] * beta[k];
    const r = C * (w ? w[i] : 1) * (1 / (1 + Math.exp(-m)) - y[i]);
    for (let k = 0; k < d; k++) g[k] += r * x[i * d + k];
    g[d] += r;
  }
  for (let k = 0; k < d; k++) g[k] += beta[k];
  return g;
}

function gaussianData(n: number, coef: number[], intercept: number, seed: number): { x: Float64Array; y: Uint8Array } {
  const u = rng(seed);
  const d = coef.length;
  const x = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let m = intercept;
    for (let k = 0; k < d; k++) {
      x[i * d + k] = normal(u);
      m += coef[k] * x[i * d + k];
    }
    y[i] = u() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
  }
  return { x, y };
}

/** Expands a Design to a dense row-major matrix, to check it against the encoder's dense output. */
function expand(D: Design): Float64Array {
  const out = new Float64Array(D.nRows * D.width);
  const p = D.denseCols.length;
  for (let i = 0; i < D.nRows; i++) {
    for (let t = 0; t < p; t++) out[i * D.width + D.denseCols[t]] = D.dense[i * p + t];
    for (let t = 0; t < D.nOneHot; t++) {
      const k = D.oneHot[i * D.nOneHot + t];
      if (k >= 0) out[i * D.width + k] = 1;
    }
  }
  return out;
}

const settings = { C: 1, tol: 1e-10, maxIter: 100 };

describe('solveLogistic', () => {
  it('recovers the generating coefficients from a large sample', () => {
    const truth = [1, -2, 0.5];
    const n = 40_000;
    const { x, y } = gaussianData(n, truth, -0.5, 1);
    const res = solveLogistic(denseDesign(x, n, 3), y, undefined, { ...settings, C: 1e6 });
    expect(res.converged).toBe(true);
    expect(res.method).toBe('newton');
    truth.forEach((c, k) => expect(Math.abs(res.beta[k] - c)).toBeLessThan(0.06));
    expect(Math.abs(res.beta[3] + 0.5)).toBeLessThan(0.06);
  });

  it('finds the closed-form optimum of a 2x2 table when the penalty is negligible', () => {
    // x = 0: 3 positives, 5 negatives; x = 1: 6 positives, 2 negatives.
    const xs = [...Array(8).fill(0), ...Array(8).fill(1)];
    const ys = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0];
    const res = solveLogistic(denseDesign(Float64Array.from(xs), 16, 1), Uint8Array.from(ys), undefined, { ...settings, C: 1e9 });
    expect(res.beta[1]).toBeCloseTo(Math.log(3 / 5), 6);
    expect(res.beta[0]).toBeCloseTo(Math.log(6 / 2) - Math.log(3 / 5), 6);
  });

  it('stops where the regularized gradient vanishes', () => {
    const n = 300;
    const { x, y } = gaussianData(n, [0.7, -0.3, 0, 1.1], 0.2, 2);
    for (const C of [0.01, 1, 100]) {
      const res = solveLogistic(denseDesign(x, n, 4), y, undefined, { ...settings, C });
      const g = gradient(x, n, 4, y, undefined, C, res.beta);
      for (const gk of g) expect(Math.abs(gk)).toBeLessThan(1e-8 * Math.max(1, C * n));
    }
  });

  it('gives the intercept-only optimum log(P/N) for a design without columns', () => {
    const y = Uint8Array.from([1, 0, 0, 1, 0, 0, 0]);
    const res = solveLogistic(denseDesign(new Float64Array(0), 7, 0), y, undefined, settings);
    expect(res.beta[0]).toBeCloseTo(Math.log(2 / 5), 10);
  });

  it('treats an integer sample weight like a duplicated row', () => {
    const n = 200;
    const { x, y } = gaussianData(n, [1, -1], 0, 3);
    const w = new Float64Array(n).fill(1);
    w[0] = 3;
    w[1] = 2;
    const weighted = solveLogistic(denseDesign(x, n, 2), y, w, settings);
    const xd = Float64Array.from([...x, ...x.subarray(0, 2), ...x.subarray(0, 4)]);
    const yd = Uint8Array.from([...y, y[0], y[0], y[0], y[1]]);
    const dup = solveLogistic(denseDesign(xd, n + 3, 2), yd, undefined, settings);
    weighted.beta.forEach((b, k) => expect(b).toBeCloseTo(dup.beta[k], 8));
  });

  it('agrees between Newton and L-BFGS, on dense and one-hot designs', () => {
    const { X, y } = mixedData(3000, 4);
    const D = fitEncoder(X).design(X);
    const { x, y: yg } = gaussianData(500, [0.5, -1, 2, 0, 0.3], -1, 5);
    for (const [design, labels] of [[D, y], [denseDesign(x, 500, 5), yg]] as const) {
      const newton = solveLogistic(design, labels, undefined, { ...settings, method: 'newton' });
      const lbfgs = solveLogistic(design, labels, undefined, { C: 1, tol: 1e-9, maxIter: 2000, method: 'lbfgs' });
      expect(lbfgs.method).toBe('lbfgs');
      expect(lbfgs.converged).toBe(true);
      newton.beta.forEach((b, k) => expect(Math.abs(b - lbfgs.beta[k])).toBeLessThan(1e-5));
    }
  });

  it('switches to L-BFGS above 300 columns and lands on the Newton optimum', () => {
    const u = rng(8);
    const n = 3000;
    const levels = Array.from({ length: 320 }, (_, l) => `L${l}`);
    const c = Array.from({ length: n }, () => Math.floor(u() * 320));
    const x = Array.from({ length: n }, () => normal(u));
    const y = Uint8Array.from(c, (l, i) => (u() < 1 / (1 + Math.exp(-(x[i] + (l % 3) - 1))) ? 1 : 0));
    const X = matrix([{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical', levels }], [x, c]);
    const D = fitEncoder(X, 400).design(X);
    expect(D.width).toBe(321);
    const auto = solveLogistic(D, y, undefined, { C: 1, tol: 1e-8, maxIter: 3000 });
    expect(auto).toMatchObject({ method: 'lbfgs', converged: true });
    const newton = solveLogistic(D, y, undefined, { ...settings, method: 'newton' });
    newton.beta.forEach((b, k) => expect(Math.abs(b - auto.beta[k])).toBeLessThan(1e-5));
  });

  it('reaches the same optimum with a Hessian estimated from a sample of rows', () => {
    const { X, y } = mixedData(5000, 6);
    // A rare level that a stride-10 sample would never see, whose rows all churn.
    const rare = Float64Array.from({ length: 5000 }, (_, i) => (i % 10 === 1 && i < 400 ? 1 : 0));
    rare.forEach((v, i) => v === 1 && (y[i] = 1));
    const X2 = { ...X, features: [...X.features, { name: 'r', kind: 'categorical' as const, levels: ['a', 'b'] }], columns: [...X.columns, rare] };
    const D = fitEncoder(X2).design(X2);
    const full = solveLogistic(D, y, undefined, settings);
    const sampled = solveLogistic(D, y, undefined, { ...settings, hessianRows: 500 });
    expect(sampled.converged).toBe(true);
    // Sampling costs a few iterations; missing the rare rows (or rescaling columns) would cost tens.
    expect(sampled.iterations).toBeLessThanOrEqual(full.iterations + 6);
    full.beta.forEach((b, k) => expect(sampled.beta[k]).toBeCloseTo(b, 7));
  });

  it('stays finite on separable data and reports when it stops short', () => {
    const x = Float64Array.from([-2, -1, -0.5, 0.5, 1, 2]);
    const y = Uint8Array.from([0, 0, 0, 1, 1, 1]);
    const res = solveLogistic(denseDesign(x, 6, 1), y, undefined, { C: 1e12, tol: 1e-14, maxIter: 5 });
    expect(res.iterations).toBeLessThanOrEqual(5);
    expect(res.converged).toBe(false);
    expect(Number.isFinite(res.beta[0]) && Number.isFinite(res.objective)).toBe(true);
    expect(res.beta[0]).toBeGreaterThan(1);
  });

  it('uses a design whose dense expansion matches the encoder, and margins to match', () => {
    const { X } = mixedData(50, 7);
    const enc = fitEncoder(X);
    const D = enc.design(X);
    const rows = new Float64Array(50 * 3);
    for (let i = 0; i < 50; i++) for (let j = 0; j < 3; j++) rows[i * 3 + j] = X.columns[j][i];
    const dense = enc.encode(rows, 50);
    expect(Array.from(expand(D))).toEqual(Array.from(dense));
    const beta = Float64Array.from({ length: D.width + 1 }, (_, k) => k * 0.1 - 0.3);
    const a = new Float64Array(50);
    const b = new Float64Array(50);
    designMargins(D, beta, a);
    designMargins(denseDesign(dense, 50, D.width), beta, b);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
  });
});
