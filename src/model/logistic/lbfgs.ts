import { designMargins, designTransposeMul } from './design.js';
import { addPenaltyGradient, backtrack, startingPoint, dot, gradientScale, maxAbs, residuals } from './objective.js';
import type { Problem } from './objective.js';
import type { SolverResult, SolverSettings } from './solver.js';

const MEMORY = 10;

/**
 * Limited-memory BFGS (two-loop recursion, 10 pairs) with a backtracking line search. Each
 * iteration costs two passes over the rows and O(memory · width) besides, so it is the choice
 * when width is too large for a dense Hessian.
 */
export function solveLbfgs(pr: Problem, s: SolverSettings): SolverResult {
  const { D } = pr;
  const n = D.nRows;
  const d1 = D.width + 1;
  const { beta, margins, loss } = startingPoint(pr);
  const r = new Float64Array(n);
  const xd = new Float64Array(n);
  let g = new Float64Array(d1);
  const limit = s.tol * gradientScale(pr);
  const hist: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let f = loss;
  const gradientAt = (out: Float64Array): void => {
    residuals(pr, margins, r);
    designTransposeMul(D, r, out);
    addPenaltyGradient(beta, D.width, out);
  };
  gradientAt(g);
  let iterations = 0;
  let gmax = maxAbs(g);
  while (gmax > limit && iterations < s.maxIter) {
    let dir = direction(g, hist);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      hist.length = 0;
      dir = direction(g, hist);
      slope = dot(g, dir);
    }
    designMargins(D, dir, xd);
    let step = backtrack(pr, margins, xd, beta, dir, f, slope);
    if (step.t === 0 && hist.length > 0) {
      // A stale curvature history can point nowhere useful; restart from steepest descent once.
      hist.length = 0;
      dir = direction(g, hist);
      slope = dot(g, dir);
      designMargins(D, dir, xd);
      step = backtrack(pr, margins, xd, beta, dir, f, slope);
    }
    if (step.t === 0) break;
    const sv = new Float64Array(d1);
    for (let k = 0; k < d1; k++) {
      sv[k] = step.t * dir[k];
      beta[k] += sv[k];
    }
    for (let i = 0; i < n; i++) margins[i] += step.t * xd[i];
    f = step.f;
    const gNew = new Float64Array(d1);
    gradientAt(gNew);
    const yv = new Float64Array(d1);
    for (let k = 0; k < d1; k++) yv[k] = gNew[k] - g[k];
    const sy = dot(sv, yv);
    if (sy > 1e-12 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
      hist.push({ s: sv, y: yv, rho: 1 / sy });
      if (hist.length > MEMORY) hist.shift();
    }
    g = gNew;
    gmax = maxAbs(g);
    iterations++;
    s.onProgress?.(iterations, s.maxIter);
  }
  return { beta, iterations, converged: gmax <= limit, method: 'lbfgs', gradient: gmax / gradientScale(pr), objective: f };
}

/** −H·g by the two-loop recursion; with no history, steepest descent scaled to unit length. */
function direction(g: Float64Array, hist: { s: Float64Array; y: Float64Array; rho: number }[]): Float64Array {
  const q = g.slice();
  if (hist.length === 0) {
    const norm = Math.sqrt(dot(q, q)) || 1;
    for (let k = 0; k < q.length; k++) q[k] = -q[k] / norm;
    return q;
  }
  const alpha = new Float64Array(hist.length);
  for (let j = hist.length - 1; j >= 0; j--) {
    const { s, y, rho } = hist[j];
    const a = rho * dot(s, q);
    alpha[j] = a;
    for (let k = 0; k < q.length; k++) q[k] -= a * y[k];
  }
  const last = hist[hist.length - 1];
  const gamma = dot(last.s, last.y) / dot(last.y, last.y);
  for (let k = 0; k < q.length; k++) q[k] *= gamma;
  for (let j = 0; j < hist.length; j++) {
    const { s, y, rho } = hist[j];
    const b = rho * dot(y, q);
    for (let k = 0; k < q.length; k++) q[k] += (alpha[j] - b) * s[k];
  }
  for (let k = 0; k < q.length; k++) q[k] = -q[k];
  return q;
}

