import type { Design } from './design.js';

/**
 * The L2-regularized logistic objective, as scikit-learn states it:
 *   F(β) = C Σ_i w_i logloss_i + ½ ||coef||²   (the intercept, β[width], is not penalized).
 * Losses use softplus on the margin, so no exp ever overflows and no log sees 0.
 */
export interface Problem {
  D: Design;
  y: Uint8Array;
  /** Per-row weights; undefined means all 1. */
  w: Float64Array | undefined;
  C: number;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function prob1(m: number): number {
  if (m >= 0) return 1 / (1 + Math.exp(-m));
  const e = Math.exp(m);
  return e / (1 + e);
}

/** C Σ w_i logloss_i at margins + t·step (step may be undefined for t = 0). */
export function dataLoss(pr: Problem, margins: Float64Array, step?: Float64Array, t = 0): number {
  const { y, w } = pr;
  const n = margins.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const m = step === undefined ? margins[i] : margins[i] + t * step[i];
    const l = softplus(y[i] === 1 ? -m : m);
    s += w === undefined ? l : w[i] * l;
  }
  return pr.C * s;
}

/** ½ ||β[0..width) + t·dir[0..width)||². */
export function penalty(beta: Float64Array, width: number, dir?: Float64Array, t = 0): number {
  let s = 0;
  for (let k = 0; k < width; k++) {
    const b = dir === undefined ? beta[k] : beta[k] + t * dir[k];
    s += b * b;
  }
  return 0.5 * s;
}

/** r_i = C w_i (p_i − y_i), and when `h` is given h_i = C w_i p_i (1 − p_i). */
export function residuals(pr: Problem, margins: Float64Array, r: Float64Array, h?: Float64Array): void {
  const { y, w, C } = pr;
  const n = margins.length;
  for (let i = 0; i < n; i++) {
    const p = prob1(margins[i]);
    const cw = w === undefined ? C : C * w[i];
    r[i] = cw * (p - y[i]);
    if (h !== undefined) h[i] = cw * p * (1 - p);
  }
}

/** Adds the penalty's gradient (coef, not intercept) to g. */
export function addPenaltyGradient(beta: Float64Array, width: number, g: Float64Array): void {
  for (let k = 0; k < width; k++) g[k] += beta[k];
}

/** The size gradients are measured against: C Σ w_i, so `tol` means the same at any n or C. */
export function gradientScale(pr: Problem): number {
  const { w, D, C } = pr;
  if (w === undefined) return C * D.nRows;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return C * s;
}

/** The intercept-only optimum, log(Σ w·y / Σ w·(1−y)): a start that saves the solver a step. */
export function baseLogOdds(pr: Problem): number {
  const { y, w } = pr;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    if (y[i] === 1) pos += wi;
    else neg += wi;
  }
  return pos > 0 && neg > 0 ? Math.log(pos / neg) : 0;
}

export function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > m) m = a;
  }
  return m;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Backtracking (Armijo) search along `dir`, whose margins are `xd`, from a full step. Returns the
 * accepted step t and the objective there, or t = 0 when no decrease was found. Near the optimum
 * the decrease falls below the rounding noise of a sum over n rows (~1e-13 relative at 1M rows),
 * so a change within that noise is accepted too rather than halving the step forty times.
 */
export function backtrack(pr: Problem, margins: Float64Array, xd: Float64Array, beta: Float64Array, dir: Float64Array, f0: number, slope: number): { t: number; f: number } {
  const width = pr.D.width;
  const noise = 1e-12 * Math.abs(f0);
  let t = 1;
  for (let k = 0; k < 40; k++) {
    const f = dataLoss(pr, margins, xd, t) + penalty(beta, width, dir, t);
    if (f <= f0 + 1e-4 * t * slope + noise) return { t, f };
    t *= 0.5;
  }
  return { t: 0, f: f0 };
}

/**
 * Where both solvers start: every coefficient 0 and the intercept at the prior log-odds, with
 * the margins that implies and the loss there.
 */
export function startingPoint(pr: Problem): { beta: Float64Array; margins: Float64Array; loss: number } {
  const width = pr.D.width;
  const beta = new Float64Array(width + 1);
  beta[width] = baseLogOdds(pr);
  const margins = new Float64Array(pr.D.nRows).fill(beta[width]);
  return { beta, margins, loss: dataLoss(pr, margins) + penalty(beta, width) };
}
