import type { Encoder } from './encoder.js';

/**
 * The encoder and the coefficients folded into one table per feature, so scoring a raw row
 * never materializes its encoded columns: a numeric feature adds slope·x (or a fixed amount when
 * missing), a categorical one adds its level's coefficient. Same margin as encode-then-dot, at
 * a fraction of the memory traffic.
 */
export interface Scorer {
  nFeatures: number;
  base: number;
  categorical: Uint8Array;
  slope: Float64Array;
  /** Numeric: the contribution of a missing value, relative to `base`. */
  missing: Float64Array;
  /** Categorical: where the feature's level table starts in `table`, and its length. */
  offset: Int32Array;
  size: Int32Array;
  table: Float64Array;
}

export function buildScorer(enc: Encoder, coef: Float64Array, intercept: number): Scorer {
  const features = enc.state.features;
  const p = features.length;
  const s: Scorer = {
    nFeatures: p,
    base: intercept,
    categorical: new Uint8Array(p),
    slope: new Float64Array(p),
    missing: new Float64Array(p),
    offset: new Int32Array(p),
    size: new Int32Array(p),
    table: new Float64Array(features.reduce((a, f) => a + (f.kind === 'categorical' ? f.nLevels : 0), 0)),
  };
  let col = 0;
  let tableAt = 0;
  features.forEach((f, j) => {
    if (f.kind === 'numeric') {
      const c = coef[col];
      s.slope[j] = c / f.std;
      s.base -= (c * f.mean) / f.std;
      s.missing[j] = (c * f.median) / f.std + (f.missingIndicator ? coef[col + 1] : 0);
      col += f.missingIndicator ? 2 : 1;
    } else {
      s.categorical[j] = 1;
      s.offset[j] = tableAt;
      s.size[j] = f.nLevels;
      f.levels.forEach((l, c) => (s.table[tableAt + l] = coef[col + c]));
      tableAt += f.nLevels;
      col += f.levels.length;
    }
  });
  return s;
}

/** out[i] = margin of row i; rows is row-major nRows x nFeatures raw values. */
export function scoreRows(s: Scorer, rows: Float64Array, nRows: number, out: Float64Array): void {
  const { nFeatures: p, base, categorical, slope, missing, offset, size, table } = s;
  for (let i = 0, o = 0; i < nRows; i++, o += p) {
    let m = base;
    for (let j = 0; j < p; j++) {
      const x = rows[o + j];
      if (categorical[j] === 1) {
        if (x >= 0 && x < size[j]) m += table[offset[j] + (x | 0)];
      } else if (x - x === 0) {
        m += slope[j] * x;
      } else {
        m += missing[j];
      }
    }
    out[i] = m;
  }
}
