/**
 * Per-node histograms: for every (feature, bin) the sums of gradient, hessian and row count,
 * interleaved as three doubles so one bin is one cache-friendly triple. `layout.offset[f]` is
 * where feature f's triples start.
 */
export interface HistLayout {
  nBins: Int32Array;
  /** Start of feature f's bins, in doubles (3 per bin). */
  offset: Int32Array;
  /** Doubles in one histogram. */
  size: number;
}

export function histLayout(nBins: Int32Array): HistLayout {
  const offset = new Int32Array(nBins.length);
  let size = 0;
  for (let f = 0; f < nBins.length; f++) {
    offset[f] = size;
    size += 3 * nBins[f];
  }
  return { nBins, offset, size };
}

/** parent -= child over the features in `feats`: the sibling's histogram without touching its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, layout: HistLayout, feats: Int32Array): void {
  for (let a = 0; a < feats.length; a++) {
    const f = feats[a];
    const off = layout.offset[f];
    const stop = off + 3 * layout.nBins[f];
    for (let i = off; i < stop; i++) parent[i] -= child[i];
  }
}

export interface SplitConstraints {
  lambda: number;
  minSamplesLeaf: number;
  minChildWeight: number;
  minGainToSplit: number;
}

export interface Split {
  feature: number;
  threshold: number;
  missingRight: boolean;
  gain: number;
  /** Sums over the rows going left. */
  gl: number;
  hl: number;
  cl: number;
}

/**
 * Best split of a node with sums (G, H, C) over its histogram, or null if none beats
 * minGainToSplit. Gain is the usual second-order loss reduction with L2 `lambda`:
 * ½ [GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)]. Missing values (bin 0) are tried on both sides.
 */
export function bestSplit(hist: Float64Array, layout: HistLayout, feats: Int32Array, G: number, H: number, C: number, s: SplitConstraints): Split | null {
  const { lambda, minSamplesLeaf, minChildWeight } = s;
  const parentScore = (G * G) / (H + lambda);
  let bestGain = s.minGainToSplit;
  let best: Split | null = null;
  for (let a = 0; a < feats.length; a++) {
    const f = feats[a];
    const off = layout.offset[f];
    const nb = layout.nBins[f];
    const cMissing = hist[off + 2];
    // Pass 0: missing goes left (left = bins 0..t). Pass 1: missing goes right (left = bins 1..t),
    // only worth trying when this node has missing values.
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1 && cMissing === 0) break;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let t = pass; t < nb - 1; t++) {
        const b = off + 3 * t;
        gl += hist[b];
        hl += hist[b + 1];
        cl += hist[b + 2];
        if (cl < minSamplesLeaf || hl < minChildWeight) continue;
        const cr = C - cl;
        const hr = H - hl;
        if (cr < minSamplesLeaf) break;
        // Subtraction can leave a hessian a hair below zero; such a side has no usable curvature.
        if (hr < minChildWeight || hl + lambda <= 0 || hr + lambda <= 0) continue;
        const gr = G - gl;
        const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, threshold: t, missingRight: pass === 1, gain, gl, hl, cl };
        }
      }
    }
  }
  return best;
}
