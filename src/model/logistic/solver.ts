import type { Design } from './design.js';
import { solveLbfgs } from './lbfgs.js';
import { solveNewton } from './newton.js';
import type { Problem } from './objective.js';

/** Above this many columns the dense Hessian (O(width³) to factor) gives way to L-BFGS. */
export const NEWTON_MAX_WIDTH = 300;

export interface SolverSettings {
  C: number;
  /** Convergence when max |∇F| ≤ tol · C Σ w_i, i.e. the gradient of the per-row mean objective. */
  tol: number;
  maxIter: number;
  method?: 'auto' | 'newton' | 'lbfgs';
  /** Newton only: rows used to estimate the Hessian (see DEFAULT_HESSIAN_ROWS). */
  hessianRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SolverResult {
  /** Coefficients for columns 0..width-1, then the intercept at index width. */
  beta: Float64Array;
  iterations: number;
  converged: boolean;
  method: 'newton' | 'lbfgs';
  /** max |∇F| / (C Σ w_i) at the returned point. */
  gradient: number;
  /** F at the returned point. */
  objective: number;
}

/**
 * Minimizes C Σ_i w_i logloss_i + ½ ||coef||² (scikit-learn's objective; intercept unpenalized).
 *
 * @example
 *   const { beta, converged } = solveLogistic(denseDesign(x, n, d), y, undefined, { C: 1, tol: 1e-6, maxIter: 100 });
 */
export function solveLogistic(D: Design, y: Uint8Array, sampleWeight: Float64Array | undefined, settings: SolverSettings): SolverResult {
  const pr: Problem = { D, y, w: sampleWeight, C: settings.C };
  const method = settings.method ?? 'auto';
  const newton = method === 'newton' || (method === 'auto' && D.width <= NEWTON_MAX_WIDTH);
  return newton ? solveNewton(pr, settings) : solveLbfgs(pr, settings);
}
