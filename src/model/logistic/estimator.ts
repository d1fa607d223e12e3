import { ChurnError, DataError, StateError, UsageError } from '../../errors.js';
import type { FeatureMatrix, FitOptions, FittedModel, ModelState } from '../types.js';
import { designTransposeMul } from './design.js';
import { Encoder, fitEncoder } from './encoder.js';
import type { LogisticParams } from './params.js';
import { DEFAULT_LOGISTIC_PARAMS, paramProblems } from './params.js';
import type { Scorer } from './scorer.js';
import { buildScorer, scoreRows } from './scorer.js';
import { solveLogistic } from './solver.js';
import type { LogisticStateData } from './state.js';
import { checkLogisticState } from './state.js';

export type { LogisticParams } from './params.js';
export { DEFAULT_LOGISTIC_PARAMS } from './params.js';

/** One coefficient with the encoded column's readable name and its source feature. */
export interface NamedCoefficient {
  name: string;
  feature: string;
  coef: number;
}

/** How the solver ended. */
export interface LogisticFitInfo {
  solver: 'newton' | 'lbfgs';
  iterations: number;
  converged: boolean;
}

/**
 * Fits standardization/one-hot encoding and an L2-regularized logistic regression on training rows.
 *
 * @example
 *   const model = fitLogistic(X, y, { C: 0.5, classWeight: 'balanced' });
 *   model.predictMargins(rows, nRows, out); // log-odds
 */
export function fitLogistic(X: FeatureMatrix, y: Uint8Array, params: Partial<LogisticParams> = {}, opts: FitOptions = {}): FittedLogistic {
  const p = resolveParams(params);
  checkInput(X, y);
  const encoder = fitEncoder(X, p.maxCategories);
  const D = encoder.design(X);
  const weights = p.classWeight === 'balanced' ? balancedWeights(y) : undefined;
  const res = solveLogistic(D, y, weights, { C: p.C, tol: p.tol, maxIter: p.maxIter, onProgress: opts.onProgress });
  const means = new Float64Array(D.width + 1);
  designTransposeMul(D, new Float64Array(X.nRows).fill(1 / X.nRows), means);
  return new FittedLogistic(p, encoder, {
    encoder: encoder.state,
    coef: Array.from(res.beta.subarray(0, D.width)),
    intercept: res.beta[D.width],
    columnMeans: Array.from(means.subarray(0, D.width)),
    solver: res.method,
    iterations: res.iterations,
    converged: res.converged,
  });
}

/** Rebuilds a fitted model from `toState()` output, after checking every field. */
export function restoreLogistic(state: ModelState): FittedLogistic {
  const checked = structuredClone(checkLogisticState(state));
  return new FittedLogistic(checked.params, new Encoder(checked.data.encoder), checked.data);
}

export class FittedLogistic implements FittedModel {
  readonly type = 'logistic' as const;
  readonly nFeatures: number;
  readonly params: LogisticParams;
  private readonly encoder: Encoder;
  private readonly data: LogisticStateData;
  private readonly coef: Float64Array;
  private readonly scorer: Scorer;
  /** Source feature of each encoded column. */
  private readonly columnFeature: Int32Array;
  /** intercept + Σ coef_k · mean_k: the same for every row. */
  private readonly contributionBias: number;
  /** One encoded row, reused: explanations are on the serving path and run one at a time. */
  private readonly scratchRow: Float64Array;

  constructor(params: LogisticParams, encoder: Encoder, data: LogisticStateData) {
    this.params = params;
    this.encoder = encoder;
    this.data = data;
    this.nFeatures = encoder.nFeatures;
    this.coef = Float64Array.from(data.coef);
    this.scorer = buildScorer(encoder, this.coef, data.intercept);
    this.columnFeature = Int32Array.from(encoder.columns(), (c) => c.feature);
    this.contributionBias = data.columnMeans.reduce((sum, m, k) => sum + this.coef[k] * m, data.intercept);
    this.scratchRow = new Float64Array(encoder.width);
  }

  get fitInfo(): LogisticFitInfo {
    return { solver: this.data.solver, iterations: this.data.iterations, converged: this.data.converged };
  }

  predictMargins(rows: Float64Array, nRows: number, out: Float64Array): void {
    if (rows.length < nRows * this.nFeatures || out.length < nRows) {
      throw new StateError(`predictMargins: ${nRows} rows need ${nRows * this.nFeatures} values and ${nRows} outputs`);
    }
    scoreRows(this.scorer, rows, nRows, out);
  }

  /** coef_k · (z_k − mean_k) summed per source feature; bias = intercept + Σ coef_k · mean_k. */
  contributions(row: Float64Array, out?: Float64Array): { bias: number; values: Float64Array } {
    if (row.length < this.nFeatures) throw new StateError(`contributions: expected ${this.nFeatures} values`);
    const z = this.encoder.encode(row, 1, this.scratchRow);
    const means = this.data.columnMeans;
    const values = out ?? new Float64Array(this.nFeatures);
    values.fill(0, 0, this.nFeatures);
    for (let k = 0; k < z.length; k++) values[this.columnFeature[k]] += this.coef[k] * (z[k] - means[k]);
    const bias = this.contributionBias;
    return { bias, values };
  }

  /** Named coefficients (log-odds per standardized unit or per level), for a model card. */
  coefficients(): { intercept: number; coefficients: NamedCoefficient[] } {
    const features = this.encoder.state.features;
    const coefficients = this.encoder.columns().map((c, k) => ({ name: c.name, feature: features[c.feature].name, coef: this.coef[k] }));
    return { intercept: this.data.intercept, coefficients };
  }

  toState(): ModelState {
    return { type: 'logistic', params: { ...this.params }, state: structuredClone(this.data) as unknown as Record<string, unknown> };
  }
}

function resolveParams(params: Partial<LogisticParams>): LogisticParams {
  const p = { ...DEFAULT_LOGISTIC_PARAMS, ...params };
  const problems = paramProblems(p);
  if (problems.length > 0) {
    const text = problems.map(([k, why]) => `${k} ${why}`).join('; ');
    throw new UsageError(`invalid logistic parameter: ${text}`, { params: problems.map(([k]) => k) });
  }
  return p;
}

function checkInput(X: FeatureMatrix, y: Uint8Array): void {
  if (X.columns.length !== X.features.length || X.columns.some((c) => c.length < X.nRows)) {
    throw new ChurnError('BAD_INPUT', 'feature matrix columns do not match its features and row count');
  }
  if (y.length !== X.nRows) throw new ChurnError('BAD_INPUT', `${y.length} labels for ${X.nRows} rows`);
  if (X.nRows === 0) throw new DataError('TOO_FEW_ROWS', 'no training rows');
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw new DataError('BAD_TARGET', `label ${y[i]} at row ${i} is not 0 or 1`, { row: i });
    pos += y[i];
  }
  if (pos === 0 || pos === y.length) {
    throw new DataError('BAD_TARGET', `training labels contain only class ${pos === 0 ? 0 : 1}; both are needed`);
  }
}

/** scikit-learn's 'balanced': n / (2 · count of the row's class). */
function balancedWeights(y: Uint8Array): Float64Array {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const wPos = y.length / (2 * pos);
  const wNeg = y.length / (2 * (y.length - pos));
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = y[i] === 1 ? wPos : wNeg;
  return w;
}
