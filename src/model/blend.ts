import { ModelFileError } from '../errors.js';
import type { FittedModel, ModelState } from './types.js';

/**
 * A weighted average of two fitted models in log-odds space. Averaging margins (rather than
 * probabilities) keeps explanations additive: each part's contributions scale by its weight.
 */
export class BlendModel implements FittedModel {
  readonly type = 'blend' as const;
  readonly nFeatures: number;
  private scratch = new Float64Array(0);
  /** One explanation per part, reused: the parts' values are added up at once. */
  private readonly partValues: Float64Array[];

  constructor(
    readonly parts: readonly FittedModel[],
    readonly weights: readonly number[],
  ) {
    this.nFeatures = parts[0].nFeatures;
    this.partValues = parts.map(() => new Float64Array(this.nFeatures));
  }

  predictMargins(rows: Float64Array, nRows: number, out: Float64Array): void {
    if (this.scratch.length < nRows) this.scratch = new Float64Array(nRows);
    const tmp = this.scratch;
    out.fill(0, 0, nRows);
    this.parts.forEach((part, k) => {
      part.predictMargins(rows, nRows, tmp);
      const w = this.weights[k];
      for (let i = 0; i < nRows; i++) out[i] += w * tmp[i];
    });
  }

  contributions(row: Float64Array, out?: Float64Array): { bias: number; values: Float64Array } {
    const values = out ?? new Float64Array(this.nFeatures);
    values.fill(0, 0, this.nFeatures);
    let bias = 0;
    this.parts.forEach((part, k) => {
      const c = part.contributions(row, this.partValues[k]);
      const w = this.weights[k];
      bias += w * c.bias;
      for (let j = 0; j < values.length; j++) values[j] += w * c.values[j];
    });
    return { bias, values };
  }

  toState(): ModelState {
    return { type: 'blend', params: { weights: [...this.weights] }, state: { parts: this.parts.map((p) => p.toState()) } };
  }
}

export function restoreBlend(state: ModelState, restore: (s: ModelState) => FittedModel): BlendModel {
  const weights = state.params.weights;
  const parts = (state.state as { parts?: unknown }).parts;
  if (!Array.isArray(weights) || !Array.isArray(parts) || weights.length !== parts.length || parts.length < 2 || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    throw new ModelFileError('MODEL_CORRUPTED', 'blend model: params.weights and state.parts must be arrays of equal length (at least 2) with finite weights');
  }
  const fitted = parts.map((p) => restore(p as ModelState));
  if (fitted.some((f) => f.nFeatures !== fitted[0].nFeatures)) throw new ModelFileError('MODEL_CORRUPTED', 'blend model: its parts disagree on the number of features');
  return new BlendModel(fitted, weights as number[]);
}
