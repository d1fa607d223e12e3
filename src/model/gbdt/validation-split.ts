import { createRng, shuffle } from './rng.js';

export interface RowSplit {
  /** Rows the trees learn from, ascending. */
  train: Int32Array;
  /** Rows that only score rounds for early stopping, ascending (empty when disabled). */
  valid: Int32Array;
}

/**
 * Stratified hold-out: within each class, a seeded shuffle picks round(fraction × class size)
 * rows for validation, so both parts keep the class balance. Fraction 0 keeps every row for training.
 */
export function validationSplit(y: Uint8Array, fraction: number, seed: number): RowSplit {
  const n = y.length;
  const isValid = new Uint8Array(n);
  if (fraction > 0) {
    const rng = createRng(seed, 1);
    for (const cls of [0, 1]) {
      let m = 0;
      for (let i = 0; i < n; i++) if (y[i] === cls) m++;
      const idx = new Int32Array(m);
      m = 0;
      for (let i = 0; i < n; i++) if (y[i] === cls) idx[m++] = i;
      shuffle(idx, rng);
      // Keep at least one row of each class on the training side.
      const take = Math.min(Math.round(fraction * m), Math.max(m - 1, 0));
      for (let k = 0; k < take; k++) isValid[idx[k]] = 1;
    }
  }
  let nValid = 0;
  for (let i = 0; i < n; i++) nValid += isValid[i];
  const train = new Int32Array(n - nValid);
  const valid = new Int32Array(nValid);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isValid[i] === 1) valid[b++] = i;
    else train[a++] = i;
  }
  return { train, valid };
}
