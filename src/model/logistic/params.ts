import { DEFAULT_MAX_CATEGORIES } from './encoder.js';

/** Hyperparameters of the logistic model (scikit-learn's names where they exist). */
export interface LogisticParams {
  /** Inverse regularization strength: the data term is weighted by C, the L2 penalty by ½. */
  C: number;
  /** 'balanced' weights each row by n / (2 · rows of its class). */
  classWeight: 'none' | 'balanced';
  maxIter: number;
  /** Stop when max |∇F| ≤ tol · C Σ w_i (the gradient of the per-row mean objective). */
  tol: number;
  /** Most frequent levels kept per categorical feature; the rest encode as all zeros. */
  maxCategories: number;
}

export const DEFAULT_LOGISTIC_PARAMS = {
  C: 1.0,
  classWeight: 'none',
  maxIter: 200,
  tol: 1e-5,
  maxCategories: DEFAULT_MAX_CATEGORIES,
} satisfies LogisticParams;

/** Every problem with a params object, as [param name, what is wrong]; empty when valid. */
export function paramProblems(p: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const count = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!positive(p.C)) out.push(['C', 'must be a finite number > 0']);
  if (p.classWeight !== 'none' && p.classWeight !== 'balanced') out.push(['classWeight', "must be 'none' or 'balanced'"]);
  if (!count(p.maxIter)) out.push(['maxIter', 'must be an integer >= 1']);
  if (!positive(p.tol)) out.push(['tol', 'must be a finite number > 0']);
  if (!count(p.maxCategories)) out.push(['maxCategories', 'must be an integer >= 1']);
  const known = new Set(Object.keys(DEFAULT_LOGISTIC_PARAMS));
  for (const k of Object.keys(p)) if (!known.has(k)) out.push([k, 'is not a logistic parameter']);
  return out;
}
