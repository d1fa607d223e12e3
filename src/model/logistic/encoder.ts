import { ChurnError } from '../../errors.js';
import type { FeatureMatrix } from '../types.js';
import type { Design } from './design.js';
import { medianOf } from './median.js';

/**
 * A numeric feature: missing values (any non-finite) become the training median, then
 * z = (x − mean) / std. `std` is the divisor actually used: the training std, or 1 when that is
 * zero. A 0/1 indicator column follows when the feature had missing values in training.
 */
export interface NumericEncoding {
  kind: 'numeric';
  name: string;
  median: number;
  mean: number;
  std: number;
  missingIndicator: boolean;
}

/**
 * A categorical feature: one 0/1 column per kept level. `levels` are indices into the feature's
 * FeatureSpec levels (ascending), `labels` their names; `nLevels` is how many levels the spec had.
 * Missing, unseen and dropped levels encode as all zeros.
 */
export interface CategoricalEncoding {
  kind: 'categorical';
  name: string;
  nLevels: number;
  levels: number[];
  labels: string[];
}

export type FeatureEncoding = NumericEncoding | CategoricalEncoding;

/** The encoder's learned state, plain JSON. */
export interface EncoderState {
  features: FeatureEncoding[];
}

/** An encoded column: which source feature it came from and a readable name. */
export interface EncodedColumn {
  feature: number;
  name: string;
}

export const DEFAULT_MAX_CATEGORIES = 50;

/**
 * Learns standardization and one-hot levels from training features.
 *
 * @example
 *   const enc = fitEncoder(X, 50);
 *   const z = enc.encode(rows, nRows); // nRows x enc.width, row-major
 */
export function fitEncoder(X: FeatureMatrix, maxCategories = DEFAULT_MAX_CATEGORIES): Encoder {
  const features = X.features.map((spec, j): FeatureEncoding => {
    const col = X.columns[j];
    if (spec.kind === 'numeric') return fitNumeric(spec.name, col, X.nRows);
    if (spec.levels === undefined) {
      throw new ChurnError('BAD_INPUT', `categorical feature "${spec.name}" has no levels`, { details: { feature: spec.name } });
    }
    return fitCategorical(spec.name, spec.levels, col, X.nRows, maxCategories);
  });
  return new Encoder({ features });
}

function fitNumeric(name: string, col: Float64Array, n: number): NumericEncoding {
  const finite = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(col[i])) finite[count++] = col[i];
  const values = finite.subarray(0, count);
  const median = count === 0 ? 0 : medianOf(values);
  let sum = (n - count) * median;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = n === 0 ? 0 : sum / n;
  let ss = (n - count) * (median - mean) ** 2;
  for (let i = 0; i < count; i++) ss += (values[i] - mean) ** 2;
  const std = n === 0 ? 0 : Math.sqrt(ss / n);
  // A constant column (up to rounding) carries no information; dividing by its std would only amplify noise.
  const divisor = std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
  return { kind: 'numeric', name, median, mean, std: divisor, missingIndicator: count < n };
}

function fitCategorical(name: string, levelNames: string[], col: Float64Array, n: number, maxCategories: number): CategoricalEncoding {
  const nLevels = levelNames.length;
  const counts = new Float64Array(nLevels);
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v >= 0 && v < nLevels) counts[v | 0]++;
  }
  const seen: number[] = [];
  for (let l = 0; l < nLevels; l++) if (counts[l] > 0) seen.push(l);
  seen.sort((a, b) => counts[b] - counts[a] || a - b);
  const levels = seen.slice(0, maxCategories).sort((a, b) => a - b);
  return { kind: 'categorical', name, nLevels, levels, labels: levels.map((l) => levelNames[l]) };
}

/** A fitted encoder. Built from plain state, so a restored model encodes exactly as it trained. */
export class Encoder {
  readonly state: EncoderState;
  readonly width: number;
  /** First encoded column of each source feature. */
  private readonly offsets: Int32Array;
  /** Per categorical feature: level index -> column offset within the feature, or -1. */
  private readonly lookups: (Int32Array | undefined)[];

  constructor(state: EncoderState) {
    this.state = state;
    this.offsets = new Int32Array(state.features.length);
    this.lookups = [];
    let w = 0;
    state.features.forEach((f, j) => {
      this.offsets[j] = w;
      if (f.kind === 'numeric') {
        w += f.missingIndicator ? 2 : 1;
        this.lookups.push(undefined);
      } else {
        const lookup = new Int32Array(f.nLevels).fill(-1);
        f.levels.forEach((l, c) => (lookup[l] = c));
        this.lookups.push(lookup);
        w += f.levels.length;
      }
    });
    this.width = w;
  }

  get nFeatures(): number {
    return this.state.features.length;
  }

  /** Source feature and readable name of every encoded column, e.g. `Contract=Two year`. */
  columns(): EncodedColumn[] {
    const out: EncodedColumn[] = [];
    this.state.features.forEach((f, feature) => {
      if (f.kind === 'numeric') {
        out.push({ feature, name: f.name });
        if (f.missingIndicator) out.push({ feature, name: `${f.name} (missing)` });
      } else {
        for (const label of f.labels) out.push({ feature, name: `${f.name}=${label}` });
      }
    });
    return out;
  }

  /** Encodes a row-major raw batch (nRows x nFeatures) into a row-major nRows x width matrix. */
  encode(rows: Float64Array, nRows: number, out: Float64Array = new Float64Array(nRows * this.width)): Float64Array {
    const p = this.nFeatures;
    const w = this.width;
    out.fill(0, 0, nRows * w);
    this.state.features.forEach((f, j) => {
      const off = this.offsets[j];
      if (f.kind === 'numeric') {
        for (let i = 0; i < nRows; i++) {
          const x = rows[i * p + j];
          const ok = x - x === 0;
          out[i * w + off] = ((ok ? x : f.median) - f.mean) / f.std;
          if (f.missingIndicator && !ok) out[i * w + off + 1] = 1;
        }
      } else {
        const lookup = this.lookups[j] as Int32Array;
        for (let i = 0; i < nRows; i++) {
          const c = levelColumn(lookup, rows[i * p + j]);
          if (c >= 0) out[i * w + off + c] = 1;
        }
      }
    });
    return out;
  }

  /** The training design for the solver, from column-major features (see Design). */
  design(X: FeatureMatrix): Design {
    const n = X.nRows;
    const dense: number[] = [];
    const cats: number[] = [];
    this.state.features.forEach((f, j) => {
      if (f.kind === 'numeric') dense.push(j);
      else if (f.levels.length > 0) cats.push(j);
    });
    const denseCols: number[] = [];
    for (const j of dense) {
      denseCols.push(this.offsets[j]);
      if ((this.state.features[j] as NumericEncoding).missingIndicator) denseCols.push(this.offsets[j] + 1);
    }
    const p = denseCols.length;
    const values = new Float64Array(n * p);
    let t = 0;
    for (const j of dense) {
      const f = this.state.features[j] as NumericEncoding;
      const col = X.columns[j];
      for (let i = 0; i < n; i++) {
        const x = col[i];
        const ok = x - x === 0;
        values[i * p + t] = ((ok ? x : f.median) - f.mean) / f.std;
        if (f.missingIndicator) values[i * p + t + 1] = ok ? 0 : 1;
      }
      t += f.missingIndicator ? 2 : 1;
    }
    const m = cats.length;
    const oneHot = new Int32Array(n * m);
    cats.forEach((j, u) => {
      const lookup = this.lookups[j] as Int32Array;
      const col = X.columns[j];
      const off = this.offsets[j];
      for (let i = 0; i < n; i++) {
        const c = levelColumn(lookup, col[i]);
        oneHot[i * m + u] = c >= 0 ? off + c : -1;
      }
    });
    return { nRows: n, width: this.width, denseCols: Int32Array.from(denseCols), dense: values, nOneHot: m, oneHot };
  }
}

/** Column of a raw categorical value within its feature, or -1 (missing, unseen or dropped). */
function levelColumn(lookup: Int32Array, x: number): number {
  return x >= 0 && x < lookup.length ? lookup[x | 0] : -1;
}
