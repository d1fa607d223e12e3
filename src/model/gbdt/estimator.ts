import { DataError, UsageError } from '../../errors.js';
import type { FeatureMatrix, FitOptions, FittedModel, ModelState } from '../types.js';
import { Binner, fitBinner } from './binner.js';
import { MAX_FEATURES, PaddedForest } from './forest.js';
import type { GbdtParams } from './params.js';
import { resolveParams } from './params.js';
import { treeShap } from './shap.js';
import { parseModelState, toModelState } from './state.js';
import type { GbdtModelData } from './state.js';
import { trainBoosting } from './train.js';
import type { ValidationSummary } from './train.js';
import { validationSplit } from './validation-split.js';

export { DEFAULT_GBDT_PARAMS } from './params.js';
export type { GbdtParams } from './params.js';

/** Raw rows are binned and scored this many at a time, so scoring allocates nothing per row. */
const PREDICT_BLOCK = 4096;

/**
 * Fits a histogram gradient-boosted tree classifier (binary log-loss) on `X` and 0/1 labels `y`.
 * Throws UsageError for bad parameters or mismatched sizes, DataError BAD_TARGET for bad labels.
 * @example
 * const model = fitGbdt(X, y, { maxDepth: 3 });
 * const margins = new Float64Array(n);
 * model.predictMargins(toRowMajor(X), n, margins);
 */
export function fitGbdt(X: FeatureMatrix, y: Uint8Array, params: Partial<GbdtParams> = {}, opts: FitOptions = {}): FittedGbdt {
  const p = resolveParams(params);
  checkData(X, y);
  const split = validationSplit(y, p.earlyStoppingRounds > 0 ? p.validationFraction : 0, p.seed);
  const binnerState = fitBinner(X, y, { maxBins: p.maxBins, seed: p.seed, rows: split.train });
  const binner = new Binner(binnerState);
  const bins = binner.binMatrix(X);
  const nFeatures = X.features.length;
  const r = trainBoosting({ bins, nRows: X.nRows, nFeatures, nBins: binner.nBins, y, split }, p, opts.onProgress);
  return new FittedGbdt(p, { nFeatures, binner: binnerState, ...r });
}

/**
 * Rebuilds a fitted model from `toState()` output; throws ModelFileError MODEL_CORRUPTED listing
 * every bad field.
 * @example
 * const again = restoreGbdt(JSON.parse(JSON.stringify(model.toState())));
 */
export function restoreGbdt(state: ModelState): FittedGbdt {
  const { params, data } = parseModelState(state);
  return new FittedGbdt(params, data);
}

function checkData(X: FeatureMatrix, y: Uint8Array): void {
  const p = X.features.length;
  if (p === 0) throw new UsageError('gbdt needs at least one feature');
  if (p > MAX_FEATURES) throw new UsageError(`gbdt supports at most ${MAX_FEATURES} features, got ${p}`);
  if (X.columns.length !== p) throw new UsageError(`feature matrix has ${X.columns.length} columns for ${p} features`);
  if (y.length !== X.nRows) throw new UsageError(`labels have ${y.length} rows, features ${X.nRows}`);
  X.columns.forEach((c, j) => {
    if (c.length !== X.nRows) throw new UsageError(`column ${j} (${X.features[j].name}) has ${c.length} values for ${X.nRows} rows`);
  });
  if (X.nRows < 2) throw new UsageError(`gbdt needs at least 2 rows, got ${X.nRows}`);
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw new DataError('BAD_TARGET', `labels must be 0 or 1; row ${i} is ${y[i]}`, { row: i, value: y[i] });
    pos += y[i];
  }
  if (pos === 0 || pos === y.length) throw new DataError('BAD_TARGET', `labels must contain both classes; all ${y.length} are ${y[0]}`);
}

/** A fitted gbdt: raw rows in, log-odds out; explanations by TreeSHAP. */
export class FittedGbdt implements FittedModel {
  readonly type = 'gbdt' as const;
  readonly nFeatures: number;
  private readonly binner: Binner;
  private readonly forest: PaddedForest;
  private scratch: Uint8Array | null = null;
  /** One binned row for explanations (treeShap only reads it while it runs). */
  private binScratch: Uint8Array | null = null;

  constructor(
    readonly params: GbdtParams,
    private readonly data: GbdtModelData,
  ) {
    this.nFeatures = data.nFeatures;
    this.binner = new Binner(data.binner);
    this.forest = new PaddedForest(data.trees, data.baseScore, data.nFeatures);
  }

  /** Trees in the model (the best iteration when early stopping ran). */
  get nTrees(): number {
    return this.data.trees.length;
  }

  get baseScore(): number {
    return this.data.baseScore;
  }

  get validation(): ValidationSummary | null {
    return this.data.validation;
  }

  predictMargins(rows: Float64Array, nRows: number, out: Float64Array): void {
    this.checkBatch(rows.length, nRows, out.length);
    const p = this.nFeatures;
    this.scratch ??= new Uint8Array(PREDICT_BLOCK * p);
    const bins = this.scratch;
    for (let r0 = 0; r0 < nRows; r0 += PREDICT_BLOCK) {
      const n = Math.min(PREDICT_BLOCK, nRows - r0);
      this.binner.binRows(r0 === 0 ? rows : rows.subarray(r0 * p), n, bins);
      this.forest.predictBinned(bins, n, out, r0);
    }
  }

  /** Bins raw row-major rows into row-major `out` (nRows × nFeatures), the input of predictBinned. */
  binRows(rows: Float64Array, nRows: number, out: Uint8Array): void {
    this.checkBatch(rows.length, nRows, Infinity);
    if (out.length < nRows * this.nFeatures) throw new UsageError(`bin buffer holds ${out.length} values, need ${nRows * this.nFeatures}`);
    this.binner.binRows(rows, nRows, out);
  }

  /** Log-odds of pre-binned rows (see binRows). */
  predictBinned(bins: Uint8Array, nRows: number, out: Float64Array): void {
    this.checkBatch(bins.length, nRows, out.length);
    this.forest.predictBinned(bins, nRows, out);
  }

  contributions(row: Float64Array, out?: Float64Array): { bias: number; values: Float64Array } {
    if (row.length < this.nFeatures) throw new UsageError(`row has ${row.length} values, model expects ${this.nFeatures}`);
    this.binScratch ??= new Uint8Array(this.nFeatures);
    const binRow = this.binScratch;
    this.binner.binRows(row, 1, binRow);
    // Features are binned one-to-one, so each tree feature is an input feature: no mapping needed.
    return treeShap(this.data.trees, this.data.baseScore, binRow, this.nFeatures, out);
  }

  toState(): ModelState {
    return toModelState(this.params, this.data);
  }

  private checkBatch(inLength: number, nRows: number, outLength: number): void {
    if (!Number.isInteger(nRows) || nRows < 0) throw new UsageError(`nRows must be a non-negative integer, got ${nRows}`);
    if (inLength < nRows * this.nFeatures) throw new UsageError(`input holds ${inLength} values, ${nRows} rows need ${nRows * this.nFeatures}`);
    if (outLength < nRows) throw new UsageError(`output holds ${outLength} values, need ${nRows}`);
  }
}
