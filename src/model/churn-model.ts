import { ModelFileError } from '../errors.js';
import { loadArtifact, modelVersion, type ModelArtifact } from './artifact.js';
import { featureSpecs } from './dataset.js';
import { RecordEncoder } from './record.js';
import { restoreModel } from './restore.js';
import { sigmoid, type FittedModel } from './types.js';

export interface TopFactor {
  feature: string;
  /** The input value as the model read it: a number, a category, or null when missing/unknown. */
  value: number | string | null;
  /** Signed contribution to the log-odds of churn; positive pushes towards churn. */
  contribution: number;
}

/**
 * A loaded model ready to score: the artifact (schema, threshold, metadata), the fitted model,
 * and the encoder that turns records into the model's input rows.
 */
export class ChurnModel {
  readonly encoder: RecordEncoder;
  readonly version: string;
  /** Contributions of the row being explained; read at once, so one buffer serves every call. */
  #explained: Float64Array | null = null;

  constructor(
    readonly artifact: ModelArtifact,
    readonly fitted: FittedModel,
  ) {
    this.encoder = new RecordEncoder(featureSpecs(artifact.schema));
    if (fitted.nFeatures !== this.encoder.width) {
      throw new ModelFileError('MODEL_CORRUPTED', `model expects ${fitted.nFeatures} features but the schema lists ${this.encoder.width}`);
    }
    this.version = modelVersion(artifact);
  }

  static fromArtifact(artifact: ModelArtifact): ChurnModel {
    return new ChurnModel(artifact, restoreModel(artifact.model));
  }

  static async load(path: string): Promise<ChurnModel> {
    return ChurnModel.fromArtifact(await loadArtifact(path));
  }

  get threshold(): number {
    return this.artifact.threshold.value;
  }

  get width(): number {
    return this.encoder.width;
  }

  /** Probabilities of churn for encoded rows (row-major, nRows x width). */
  predictProba(rows: Float64Array, nRows: number, out: Float64Array): void {
    this.fitted.predictMargins(rows, nRows, out);
    for (let i = 0; i < nRows; i++) out[i] = sigmoid(out[i]);
  }

  /** The k features that moved this row's log-odds the most, largest first. */
  explain(row: Float64Array, k: number): TopFactor[] {
    const values = (this.#explained ??= new Float64Array(this.width));
    this.fitted.contributions(row, values);
    return topByMagnitude(values, k).map((j) => ({ feature: this.encoder.features[j].name, value: this.displayValue(j, row[j]), contribution: values[j] }));
  }

  private displayValue(j: number, v: number): number | string | null {
    if (Number.isNaN(v)) return null;
    const f = this.encoder.features[j];
    return f.kind === 'categorical' ? (f.levels?.[v] ?? null) : v;
  }
}

/**
 * Indexes of the k largest |values|, largest first, ties by index. An insertion into a k-long
 * list rather than a full sort: this runs on every prediction, and k is a handful.
 */
export function topByMagnitude(values: Float64Array, k: number): number[] {
  const top = new Array<number>(Math.max(0, Math.min(k, values.length)));
  let n = 0;
  for (let j = 0; j < values.length; j++) {
    const m = Math.abs(values[j]);
    // Strictly greater moves up, so an equal magnitude stays behind the lower index already in.
    let at = n;
    while (at > 0 && m > Math.abs(values[top[at - 1]])) at--;
    if (at >= top.length) continue;
    for (let i = Math.min(n, top.length - 1); i > at; i--) top[i] = top[i - 1];
    top[at] = j;
    if (n < top.length) n++;
  }
  return top;
}
