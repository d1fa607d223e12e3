/**
 * The design matrix the solver works on. One-hot columns are stored as column indices rather than
 * as dense zeros: a Telco row has ~46 encoded columns but only ~22 non-zero ones, and the Hessian
 * costs O(active²) per row, so this is what keeps a million-row Newton fit within seconds.
 *
 * Row i holds `dense[i * denseCols.length + t]` in column `denseCols[t]`, and a 1 in column
 * `oneHot[i * nOneHot + t]` for every t where that index is >= 0. Columns are numbered 0..width-1;
 * the intercept is not a column (the solver adds it as coefficient `width`).
 */
export interface Design {
  nRows: number;
  width: number;
  denseCols: Int32Array;
  dense: Float64Array;
  nOneHot: number;
  oneHot: Int32Array;
}

/** A design with every column dense: `x` is row-major nRows x width. */
export function denseDesign(x: Float64Array, nRows: number, width: number): Design {
  const denseCols = new Int32Array(width);
  for (let k = 0; k < width; k++) denseCols[k] = k;
  return { nRows, width, denseCols, dense: x, nOneHot: 0, oneHot: new Int32Array(0) };
}

/** out[i] = x_i · beta + beta[width] (the intercept). */
export function designMargins(D: Design, beta: Float64Array, out: Float64Array): void {
  const { nRows, width, denseCols, dense, nOneHot, oneHot } = D;
  const p = denseCols.length;
  const b0 = beta[width];
  for (let i = 0; i < nRows; i++) {
    let m = b0;
    const o = i * p;
    for (let t = 0; t < p; t++) m += dense[o + t] * beta[denseCols[t]];
    const h = i * nOneHot;
    for (let t = 0; t < nOneHot; t++) {
      const k = oneHot[h + t];
      if (k >= 0) m += beta[k];
    }
    out[i] = m;
  }
}

/** out = Xᵀ r with the intercept column last (out[width] = Σ r). Overwrites out. */
export function designTransposeMul(D: Design, r: Float64Array, out: Float64Array): void {
  const { nRows, width, denseCols, dense, nOneHot, oneHot } = D;
  const p = denseCols.length;
  out.fill(0);
  let sum = 0;
  for (let i = 0; i < nRows; i++) {
    const ri = r[i];
    if (ri === 0) continue;
    sum += ri;
    const o = i * p;
    for (let t = 0; t < p; t++) out[denseCols[t]] += dense[o + t] * ri;
    const q = i * nOneHot;
    for (let t = 0; t < nOneHot; t++) {
      const k = oneHot[q + t];
      if (k >= 0) out[k] += ri;
    }
  }
  out[width] = sum;
}

/** How many rows have a non-zero in each column (intercept excluded). */
export function columnCounts(D: Design): Float64Array {
  const { nRows, width, denseCols, dense, nOneHot, oneHot } = D;
  const p = denseCols.length;
  const out = new Float64Array(width);
  for (let i = 0; i < nRows; i++) {
    for (let t = 0; t < p; t++) if (dense[i * p + t] !== 0) out[denseCols[t]]++;
    for (let t = 0; t < nOneHot; t++) {
      const k = oneHot[i * nOneHot + t];
      if (k >= 0) out[k]++;
    }
  }
  return out;
}

/**
 * out = Xᵀ diag(h) X over the columns plus the intercept, as a full (width+1)² row-major matrix.
 * With `rows`, only those rows count, row rows[s] weighted by rowWeight[s]. Each row adds its
 * active pairs once, into whichever triangle their order lands in; the two triangles are summed at
 * the end. One-hot entries are 1, so their pairs add h_i with no multiply.
 */
export function designGram(D: Design, h: Float64Array, out: Float64Array, rows?: Int32Array, rowWeight?: Float64Array): void {
  const { nRows, width, denseCols, dense, nOneHot, oneHot } = D;
  const p = denseCols.length;
  const n1 = width + 1;
  const hx = new Float64Array(p);
  const active = new Int32Array(nOneHot);
  const ib = width * n1;
  out.fill(0);
  const count = rows === undefined ? nRows : rows.length;
  for (let s0 = 0; s0 < count; s0++) {
    const i = rows === undefined ? s0 : rows[s0];
    const hi = rowWeight === undefined ? h[i] : h[i] * rowWeight[s0];
    if (hi === 0) continue;
    const o = i * p;
    for (let s = 0; s < p; s++) {
      const a = hi * dense[o + s];
      hx[s] = a;
      const row = denseCols[s] * n1;
      for (let u = 0; u <= s; u++) out[row + denseCols[u]] += a * dense[o + u];
      out[ib + denseCols[s]] += a;
    }
    out[ib + width] += hi;
    let c = 0;
    const q = i * nOneHot;
    for (let t = 0; t < nOneHot; t++) {
      const k = oneHot[q + t];
      if (k < 0) continue;
      const row = k * n1;
      for (let u = 0; u < p; u++) out[row + denseCols[u]] += hx[u];
      for (let u = 0; u < c; u++) out[row + active[u]] += hi;
      out[row + k] += hi;
      out[ib + k] += hi;
      active[c++] = k;
    }
  }
  for (let r = 0; r < n1; r++) {
    for (let c = r + 1; c < n1; c++) {
      const v = out[r * n1 + c] + out[c * n1 + r];
      out[r * n1 + c] = v;
      out[c * n1 + r] = v;
    }
  }
}

