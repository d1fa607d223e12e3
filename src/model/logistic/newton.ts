import { cholesky, choleskySolve } from './cholesky.js';
import { columnCounts, designGram, designMargins, designTransposeMul } from './design.js';
import type { Design } from './design.js';
import { addPenaltyGradient, backtrack, startingPoint, dot, gradientScale, maxAbs, residuals } from './objective.js';
import type { Problem } from './objective.js';
import type { SolverResult, SolverSettings } from './solver.js';

/**
 * Above this many rows the Hessian is estimated from a sample of about this many rows (see
 * hessianSample). The gradient stays exact, so the optimum is the same; the steps become slightly
 * less than Newton's, costing an iteration or so, while the O(rows · active²) Hessian pass, which
 * would otherwise dominate a million-row fit, shrinks by about n / hessianRows.
 */
export const DEFAULT_HESSIAN_ROWS = 100_000;
const RARE_SAMPLES = 100;

/**
 * Newton's method: each step solves the (width+1)² Hessian system by Cholesky and is damped by a
 * backtracking line search. Converges in a handful of iterations, each one pass for the gradient
 * and one for the Hessian, which is why it is the default while width is modest.
 */
export function solveNewton(pr: Problem, s: SolverSettings): SolverResult {
  const { D } = pr;
  const n = D.nRows;
  const d1 = D.width + 1;
  const { beta, margins, loss } = startingPoint(pr);
  const r = new Float64Array(n);
  const h = new Float64Array(n);
  const xd = new Float64Array(n);
  const g = new Float64Array(d1);
  const H = new Float64Array(d1 * d1);
  const dir = new Float64Array(d1);
  const limit = s.tol * gradientScale(pr);
  const stride = Math.max(1, Math.ceil(n / (s.hessianRows ?? DEFAULT_HESSIAN_ROWS)));
  const sample = stride > 1 ? hessianSample(D, stride) : undefined;
  let f = loss;
  let iterations = 0;
  let gmax = Infinity;
  while (true) {
    residuals(pr, margins, r, h);
    designTransposeMul(D, r, g);
    addPenaltyGradient(beta, D.width, g);
    gmax = maxAbs(g);
    if (gmax <= limit || iterations >= s.maxIter) break;
    designGram(D, h, H, sample?.rows, sample?.weight);
    for (let k = 0; k < D.width; k++) H[k * d1 + k] += 1;
    if (!factorWithJitter(H, d1)) break;
    for (let k = 0; k < d1; k++) dir[k] = -g[k];
    choleskySolve(H, d1, dir);
    designMargins(D, dir, xd);
    const step = backtrack(pr, margins, xd, beta, dir, f, dot(g, dir));
    if (step.t === 0) break;
    for (let k = 0; k < d1; k++) beta[k] += step.t * dir[k];
    for (let i = 0; i < n; i++) margins[i] += step.t * xd[i];
    f = step.f;
    iterations++;
    s.onProgress?.(iterations, s.maxIter);
  }
  return { beta, iterations, converged: gmax <= limit, method: 'newton', gradient: gmax / gradientScale(pr), objective: f };
}

/**
 * The Hessian is positive definite in exact arithmetic (the penalty adds I on coef, the data a
 * positive intercept term), but near-separable data can make it numerically singular: add a
 * growing ridge until it factors. False only when it holds non-finite values.
 */
function factorWithJitter(H: Float64Array, d1: number): boolean {
  const copy = H.slice();
  let maxDiag = 0;
  for (let k = 0; k < d1; k++) maxDiag = Math.max(maxDiag, H[k * d1 + k]);
  let ridge = 1e-12 * Math.max(maxDiag, 1);
  for (let attempt = 0; attempt < 30; attempt++) {
    if (cholesky(H, d1)) return true;
    H.set(copy);
    for (let k = 0; k < d1; k++) H[k * d1 + k] += ridge;
    ridge *= 10;
  }
  return false;
}

/**
 * Every stride-th row, weighted by stride, plus every row holding a rare column (fewer than
 * RARE_SAMPLES · stride non-zeros), weighted 1. The rare rows matter twice over: a strided sample
 * could miss a rare level and leave its curvature to the penalty alone; and rescaling columns
 * after the fact would break the exact collinearity of a one-hot block with the intercept, whose
 * curvature, the penalty's alone, is tiny. A weighted sum over actual rows keeps both right.
 */
function hessianSample(D: Design, stride: number): { rows: Int32Array; weight: Float64Array } {
  const counts = columnCounts(D);
  const rare = counts.map((c) => (c < RARE_SAMPLES * stride ? 1 : 0));
  const p = D.denseCols.length;
  const m = D.nOneHot;
  const rows: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < D.nRows; i++) {
    let hasRare = false;
    for (let t = 0; t < p && !hasRare; t++) hasRare = D.dense[i * p + t] !== 0 && rare[D.denseCols[t]] === 1;
    for (let t = 0; t < m && !hasRare; t++) {
      const k = D.oneHot[i * m + t];
      hasRare = k >= 0 && rare[k] === 1;
    }
    if (hasRare || i % stride === 0) {
      rows.push(i);
      weight.push(hasRare ? 1 : stride);
    }
  }
  return { rows: Int32Array.from(rows), weight: Float64Array.from(weight) };
}
