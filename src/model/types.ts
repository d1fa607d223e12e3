/**
 * The in-memory shapes the modelling code passes around. Everything a model learns is plain,
 * JSON-serializable state; fitted objects are rebuilt from that state when an artifact loads.
 */

/**
 * One feature as the models see it. Numeric values are numbers; categorical values are the index
 * of the level in `levels`. NaN means missing, and also an unseen category at prediction time.
 */
export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical only: the levels seen in training, in first-seen order. */
  levels?: string[];
}

/** Column-major feature values: columns[j][i] is feature j of row i. */
export interface FeatureMatrix {
  nRows: number;
  features: FeatureSpec[];
  columns: Float64Array[];
}

/** A fitted model: maps raw feature rows (see FeatureSpec) to log-odds of the positive class. */
export interface FittedModel {
  readonly type: ModelType;
  readonly nFeatures: number;
  /** Log-odds for a batch: `rows` is row-major, nRows x nFeatures raw values. */
  predictMargins(rows: Float64Array, nRows: number, out: Float64Array): void;
  /**
   * Additive explanation of one row in log-odds: bias + sum(values) equals the row's margin.
   * values[j] is feature j's signed contribution. With `out` (nFeatures long) the values are
   * written there and `values` is `out`: the serving path explains every request, and a fresh
   * Float64Array of a few dozen numbers is a malloc'd backing store in V8, not a heap object.
   */
  contributions(row: Float64Array, out?: Float64Array): { bias: number; values: Float64Array };
  /** The learned state, plain JSON. */
  toState(): ModelState;
}

export type ModelType = 'logistic' | 'gbdt' | 'blend';

export interface ModelState {
  type: ModelType;
  params: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Optional hooks while fitting; progress is reported in units the estimator chooses. */
export interface FitOptions {
  onProgress?: (done: number, total: number) => void;
}

/** Copy column-major features into a row-major buffer (rows [start, start+n)). */
export function toRowMajor(X: FeatureMatrix, start = 0, n = X.nRows - start, out = new Float64Array(n * X.features.length)): Float64Array {
  const p = X.features.length;
  for (let j = 0; j < p; j++) {
    const col = X.columns[j];
    for (let i = 0; i < n; i++) out[i * p + j] = col[start + i];
  }
  return out;
}

/** Rows of X picked by index, as a new column-major matrix. */
export function takeRows(X: FeatureMatrix, idx: ArrayLike<number>): FeatureMatrix {
  const columns = X.columns.map((col) => {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = col[idx[i]];
    return out;
  });
  return { nRows: idx.length, features: X.features, columns };
}

export function takeLabels(y: Uint8Array, idx: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}

export function sigmoid(m: number): number {
  return m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
}
