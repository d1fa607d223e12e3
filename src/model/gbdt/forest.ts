import type { Tree } from './tree.js';
import { treeDepth } from './tree.js';

/** Features a forest can score: key indices (up to 2p − 1) are packed in 16 bits. */
export const MAX_FEATURES = 32767;

/** Rows scored together: each tree's nodes stay in cache while independent rows overlap in the CPU. */
const BLOCK = 256;

/**
 * The trees as padded complete binary trees of one depth D in flat typed arrays, so scoring a row
 * is D branch-free steps per tree: `idx = 2 idx + 1 + (key > thr)`.
 *
 * Missing values: each block of rows is widened to 2p keys, key[f] = bin and
 * key[p + f] = (bin − 1) mod 256, which maps missing (0) to 255 and every other bin one down. A
 * node that sends missing right reads the second half with its threshold one lower; so one
 * compare covers both directions. A node packs its key index (low 16 bits) and threshold
 * (high bits) into one int32. A leaf above depth D becomes dummy splits (threshold 255: always
 * left) whose subtrees all hold the leaf's value.
 */
export class PaddedForest {
  readonly depth: number;
  readonly nTrees: number;
  private readonly nInternal: number;
  private readonly nLeaves: number;
  private readonly node: Int32Array;
  private readonly leaf: Float64Array;
  private readonly keys: Uint8Array;

  constructor(
    trees: Tree[],
    readonly baseScore: number,
    readonly nFeatures: number,
  ) {
    const D = trees.reduce((d, t) => Math.max(d, treeDepth(t)), 0);
    this.depth = D;
    this.nTrees = trees.length;
    this.nInternal = (1 << D) - 1;
    this.nLeaves = 1 << D;
    this.node = new Int32Array(this.nTrees * this.nInternal).fill(255 << 16);
    this.leaf = new Float64Array(this.nTrees * this.nLeaves);
    this.keys = new Uint8Array(BLOCK * 2 * nFeatures);
    trees.forEach((t, k) => this.fill(t, 0, 0, 0, k * this.nInternal, k * this.nLeaves));
  }

  private fill(t: Tree, node: number, idx: number, depth: number, iBase: number, lBase: number): void {
    if (depth === this.depth) {
      this.leaf[lBase + idx - this.nInternal] = t.value[node];
      return;
    }
    const f = t.feature[node];
    if (f < 0) {
      this.fill(t, node, 2 * idx + 1, depth + 1, iBase, lBase);
      this.fill(t, node, 2 * idx + 2, depth + 1, iBase, lBase);
      return;
    }
    const mr = t.missingRight[node] === 1;
    this.node[iBase + idx] = (mr ? this.nFeatures + f : f) | ((mr ? t.threshold[node] - 1 : t.threshold[node]) << 16);
    this.fill(t, t.left[node], 2 * idx + 1, depth + 1, iBase, lBase);
    this.fill(t, t.right[node], 2 * idx + 2, depth + 1, iBase, lBase);
  }

  /**
   * Log-odds of `nRows` binned rows (row-major, `bins[i * nFeatures + f]`) into
   * out[outStart, outStart + nRows). Trees are summed in order, starting from the base score.
   */
  predictBinned(bins: Uint8Array, nRows: number, out: Float64Array, outStart = 0): void {
    for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
      const n = Math.min(BLOCK, nRows - r0);
      this.widen(bins, r0, n);
      out.fill(this.baseScore, outStart + r0, outStart + r0 + n);
      if (this.depth === 0) this.addLeavesOnly(out, outStart + r0, n);
      else if (this.depth === 1) this.addStumps(out, outStart + r0, n);
      else this.addTrees(out, outStart + r0, n);
    }
  }

  private widen(bins: Uint8Array, r0: number, n: number): void {
    const p = this.nFeatures;
    const keys = this.keys;
    for (let r = 0; r < n; r++) {
      const src = (r0 + r) * p;
      const dst = 2 * r * p;
      for (let f = 0; f < p; f++) {
        const b = bins[src + f];
        keys[dst + f] = b;
        keys[dst + p + f] = (b + 255) & 255;
      }
    }
  }

  private addLeavesOnly(out: Float64Array, o: number, n: number): void {
    for (let t = 0; t < this.nTrees; t++) {
      const v = this.leaf[t];
      for (let r = 0; r < n; r++) out[o + r] += v;
    }
  }

  private addStumps(out: Float64Array, o: number, n: number): void {
    const { node, leaf, keys } = this;
    const P = 2 * this.nFeatures;
    for (let t = 0; t < this.nTrees; t++) {
      const f0 = node[t] & 0xffff;
      const t0 = node[t] >>> 16;
      for (let r = 0; r < n; r++) out[o + r] += leaf[2 * t + ((t0 - keys[r * P + f0]) >>> 31)];
    }
  }

  /**
   * Depth ≥ 2. The root and its two children are the same for every row, so they are read once
   * per tree; the child is picked arithmetically (w1 + ((w2 − w1) & −c)) instead of by a load.
   * Four rows walk side by side: their steps are independent, so the CPU overlaps them.
   */
  private addTrees(out: Float64Array, o: number, n: number): void {
    const { node, leaf, keys, depth: D, nInternal, nLeaves, nTrees } = this;
    const P = 2 * this.nFeatures;
    const n4 = n - 3;
    for (let t = 0; t < nTrees; t++) {
      const ib = t * nInternal;
      const lb = t * nLeaves - nInternal;
      const f0 = node[ib] & 0xffff;
      const t0 = node[ib] >>> 16;
      const w1 = node[ib + 1];
      const dw = node[ib + 2] - w1;
      let r = 0;
      for (; r < n4; r += 4) {
        const ka = r * P;
        const kb = ka + P;
        const kc = kb + P;
        const kd = kc + P;
        // (thr − key) >>> 31 is 1 exactly when key > thr (both 0..255): a compare without a branch.
        const ca = (t0 - keys[ka + f0]) >>> 31;
        const cb = (t0 - keys[kb + f0]) >>> 31;
        const cc = (t0 - keys[kc + f0]) >>> 31;
        const cd = (t0 - keys[kd + f0]) >>> 31;
        const xa = w1 + (dw & -ca);
        const xb = w1 + (dw & -cb);
        const xc = w1 + (dw & -cc);
        const xd = w1 + (dw & -cd);
        let a = 3 + 2 * ca + (((xa >>> 16) - keys[ka + (xa & 0xffff)]) >>> 31);
        let b = 3 + 2 * cb + (((xb >>> 16) - keys[kb + (xb & 0xffff)]) >>> 31);
        let c = 3 + 2 * cc + (((xc >>> 16) - keys[kc + (xc & 0xffff)]) >>> 31);
        let d = 3 + 2 * cd + (((xd >>> 16) - keys[kd + (xd & 0xffff)]) >>> 31);
        for (let level = 2; level < D; level++) {
          const wa = node[ib + a];
          const wb = node[ib + b];
          const wc = node[ib + c];
          const wd = node[ib + d];
          a = 2 * a + 1 + (((wa >>> 16) - keys[ka + (wa & 0xffff)]) >>> 31);
          b = 2 * b + 1 + (((wb >>> 16) - keys[kb + (wb & 0xffff)]) >>> 31);
          c = 2 * c + 1 + (((wc >>> 16) - keys[kc + (wc & 0xffff)]) >>> 31);
          d = 2 * d + 1 + (((wd >>> 16) - keys[kd + (wd & 0xffff)]) >>> 31);
        }
        out[o + r] += leaf[lb + a];
        out[o + r + 1] += leaf[lb + b];
        out[o + r + 2] += leaf[lb + c];
        out[o + r + 3] += leaf[lb + d];
      }
      for (; r < n; r++) {
        const k = r * P;
        let a = 0;
        for (let level = 0; level < D; level++) {
          const wa = node[ib + a];
          a = 2 * a + 1 + (((wa >>> 16) - keys[k + (wa & 0xffff)]) >>> 31);
        }
        out[o + r] += leaf[lb + a];
      }
    }
  }
}
