import type { FeatureMatrix } from '../types.js';
import { createRng } from './rng.js';

/**
 * Maps every feature to a small integer bin so training works on uint8 histograms.
 * Bin 0 is reserved for missing values (NaN) and for categories the binner never saw.
 *
 * Numeric: value v falls in bin 1 + (number of edges < v), so values equal to an edge go low;
 * a tree's rule "bin > t goes right" then means "v > edges[t - 1]".
 * Categorical: levels are ranked by smoothed positive rate (Fisher's ordering), so the best
 * binary partition of the levels for log-loss at the root is a threshold on the bin index.
 */
export type FeatureBins =
  | { kind: 'numeric'; edges: number[] }
  | { kind: 'categorical'; binOfLevel: number[] };

export interface BinnerState {
  maxBins: number;
  features: FeatureBins[];
}

export interface BinnerFitOptions {
  maxBins: number;
  seed: number;
  /** Rows to learn from (e.g. excluding a validation slice); all rows when absent. */
  rows?: Int32Array;
}

/** Quantiles are computed on at most this many values: plenty for 254 bins, and keeps sorting cheap. */
const QUANTILE_SAMPLE = 200_000;
/** Pseudo-count pulling a rare level's positive rate towards the prior when ranking levels. */
const RATE_SMOOTHING = 1;

/**
 * Learns bin edges and category orderings from the training rows.
 * @example
 * const binner = new Binner(fitBinner(X, y, { maxBins: 255, seed: 42 }));
 * const bins = binner.binMatrix(X); // bins[f * X.nRows + i]
 */
export function fitBinner(X: FeatureMatrix, y: Uint8Array, opts: BinnerFitOptions): BinnerState {
  const rows = opts.rows ?? identity(X.nRows);
  const features = X.features.map((spec, j): FeatureBins =>
    spec.kind === 'numeric'
      ? { kind: 'numeric', edges: numericEdges(X.columns[j], rows, opts.maxBins, opts.seed + j) }
      : { kind: 'categorical', binOfLevel: categoricalBins(X.columns[j], y, rows, spec.levels?.length, opts.maxBins) },
  );
  return { maxBins: opts.maxBins, features };
}

function identity(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

function numericEdges(col: Float64Array, rows: Int32Array, maxBins: number, seed: number): number[] {
  let vals = new Float64Array(rows.length);
  let n = 0;
  const keep = rows.length > QUANTILE_SAMPLE ? QUANTILE_SAMPLE / rows.length : 1;
  const rng = createRng(seed, 7);
  for (let k = 0; k < rows.length; k++) {
    const v = col[rows[k]];
    // Infinities still bin (to the first or last bin) but must not become edges: JSON has no Infinity.
    if (Number.isFinite(v) && (keep === 1 || rng() < keep)) vals[n++] = v;
  }
  vals = vals.subarray(0, n).sort();
  const distinct: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || vals[k] !== vals[k - 1]) distinct.push(vals[k]);
  const target = maxBins - 1;
  const edges: number[] = [];
  if (distinct.length <= target) {
    for (let k = 1; k < distinct.length; k++) edges.push(midpoint(distinct[k - 1], distinct[k]));
    return edges;
  }
  for (let k = 1; k < target; k++) {
    const pos = Math.floor((k * n) / target);
    const lo = vals[pos - 1];
    const hi = vals[pos];
    const e = lo === hi ? lo : midpoint(lo, hi);
    // A heavy value spans several quantiles; one edge is enough for it.
    if (e < vals[n - 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  return edges;
}

// The midpoint can round up to `hi` for adjacent doubles; `lo` then still separates the two.
function midpoint(lo: number, hi: number): number {
  const m = lo + (hi - lo) / 2;
  return m < hi && Number.isFinite(m) ? m : lo;
}

function categoricalBins(col: Float64Array, y: Uint8Array, rows: Int32Array, nLevelsSpec: number | undefined, maxBins: number): number[] {
  let nLevels = nLevelsSpec ?? 0;
  if (nLevelsSpec === undefined) {
    for (let k = 0; k < rows.length; k++) {
      const v = col[rows[k]];
      if (Number.isInteger(v) && v >= 0) nLevels = Math.max(nLevels, v + 1);
    }
  }
  const count = new Float64Array(nLevels);
  const pos = new Float64Array(nLevels);
  const [total, totalPos] = countLevels(col, y, rows, count, pos);
  const prior = total > 0 ? totalPos / total : 0.5;
  const seen: number[] = [];
  for (let l = 0; l < nLevels; l++) if (count[l] > 0) seen.push(l);

  // Groups of levels sharing a bin: one level each, except the rarest lumped together when too many.
  let groups = seen.map((l) => [l]);
  if (seen.length > maxBins - 1) {
    const byCount = [...seen].sort((a, b) => count[b] - count[a] || a - b);
    groups = byCount.slice(0, maxBins - 2).map((l) => [l]);
    groups.push(byCount.slice(maxBins - 2));
  }
  const rate = (g: number[]): number => {
    let c = 0;
    let p = 0;
    for (const l of g) {
      c += count[l];
      p += pos[l];
    }
    return (p + RATE_SMOOTHING * prior) / (c + RATE_SMOOTHING);
  };
  const ranked = groups.map((g) => ({ g, r: rate(g) })).sort((a, b) => a.r - b.r || a.g[0] - b.g[0]);
  const binOfLevel: number[] = new Array<number>(nLevels).fill(0);
  ranked.forEach(({ g }, rank) => {
    for (const l of g) binOfLevel[l] = rank + 1;
  });
  return binOfLevel;
}

// Kept apart from categoricalBins so the optimized loop is reused for every feature.
function countLevels(col: Float64Array, y: Uint8Array, rows: Int32Array, count: Float64Array, pos: Float64Array): [number, number] {
  const nLevels = count.length;
  let total = 0;
  let totalPos = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const v = col[i];
    const l = v | 0;
    if (l !== v || l < 0 || l >= nLevels) continue;
    count[l]++;
    pos[l] += y[i];
    total++;
    totalPos += y[i];
  }
  return [total, totalPos];
}

/** The binner in a form fast to apply: typed edge arrays and per-feature bin counts. */
export class Binner {
  readonly nFeatures: number;
  /** Bins used by each feature, including the missing bin. */
  readonly nBins: Int32Array;
  private readonly isNumeric: Uint8Array;
  private readonly edges: Float64Array[];
  private readonly levelBins: Uint8Array[];

  constructor(readonly state: BinnerState) {
    const p = state.features.length;
    this.nFeatures = p;
    this.nBins = new Int32Array(p);
    this.isNumeric = new Uint8Array(p);
    this.edges = [];
    this.levelBins = [];
    state.features.forEach((f, j) => {
      if (f.kind === 'numeric') {
        this.isNumeric[j] = 1;
        this.edges.push(Float64Array.from(f.edges));
        this.levelBins.push(new Uint8Array(0));
        this.nBins[j] = f.edges.length + 2;
      } else {
        this.edges.push(new Float64Array(0));
        this.levelBins.push(Uint8Array.from(f.binOfLevel));
        this.nBins[j] = 1 + f.binOfLevel.reduce((a, b) => Math.max(a, b), 0);
      }
    });
  }

  /** Bins of a whole matrix, column-major: `bins[f * nRows + i]`. */
  binMatrix(X: FeatureMatrix): Uint8Array {
    const n = X.nRows;
    const out = new Uint8Array(n * this.nFeatures);
    for (let j = 0; j < this.nFeatures; j++) {
      const col = X.columns[j];
      const base = j * n;
      if (this.isNumeric[j] === 1) {
        const e = this.edges[j];
        for (let i = 0; i < n; i++) out[base + i] = numericBin(e, col[i]);
      } else {
        const lb = this.levelBins[j];
        for (let i = 0; i < n; i++) out[base + i] = levelBin(lb, col[i]);
      }
    }
    return out;
  }

  /** Bins of `nRows` raw row-major rows into row-major `out` (`out[i * nFeatures + f]`). */
  binRows(rows: Float64Array, nRows: number, out: Uint8Array): void {
    const p = this.nFeatures;
    for (let j = 0; j < p; j++) {
      if (this.isNumeric[j] === 1) {
        const e = this.edges[j];
        for (let i = 0, k = j; i < nRows; i++, k += p) out[k] = numericBin(e, rows[k]);
      } else {
        const lb = this.levelBins[j];
        for (let i = 0, k = j; i < nRows; i++, k += p) out[k] = levelBin(lb, rows[k]);
      }
    }
  }

  /** Bin of one raw value of feature `j`. */
  binValue(j: number, v: number): number {
    return this.isNumeric[j] === 1 ? numericBin(this.edges[j], v) : levelBin(this.levelBins[j], v);
  }
}

/**
 * 1 + the number of edges below v (0 for NaN). Branch-free binary search: the halving steps do not
 * depend on comparisons, and `(a < b) | 0` compiles without a jump, so no mispredictions.
 */
function numericBin(edges: Float64Array, v: number): number {
  if (v !== v) return 0;
  let len = edges.length;
  if (len === 0) return 1;
  let base = 0;
  while (len > 1) {
    const half = len >>> 1;
    base += half & -(((edges[base + half] < v) as unknown as number) | 0);
    len -= half;
  }
  return base + (((edges[base] < v) as unknown as number) | 0) + 1;
}

// Out-of-range, fractional and NaN level indices all read as "unseen", i.e. bin 0.
function levelBin(levelBins: Uint8Array, v: number): number {
  const l = v | 0;
  return l === v && l >= 0 && l < levelBins.length ? levelBins[l] : 0;
}
