import type { HistLayout } from './histogram.js';

/**
 * Histogram building dominates training time, and its cost is one read-modify-write per
 * (row, feature). Churn data has many features with only a handful of bins, so features are
 * packed into groups whose joint bin count stays small (the product of their bin counts), each
 * row updates one joint bin per group, and the per-feature histograms are then read off the
 * joint one by summing (a cost per node that does not grow with its rows).
 */
export interface JointPlan {
  /** Member features of each group. */
  groups: Int32Array[];
  /** First joint bin of each group. */
  start: Int32Array;
  /** Joint bins of each group. */
  size: Int32Array;
  /** Joint bins over all groups. */
  total: number;
  /**
   * Per group, `decode[j * k + m]` is where member m's bin for joint bin j sits in the
   * per-feature histogram (offset in doubles), k being the group's member count.
   */
  decode: Int32Array[];
}

/** Largest joint bin count of a multi-feature group: keeps the per-node read-off cheap. */
const MAX_JOINT = 64;

export function planJoint(layout: HistLayout): JointPlan {
  const p = layout.nBins.length;
  const order = Array.from({ length: p }, (_, f) => f).sort((a, b) => layout.nBins[a] - layout.nBins[b] || a - b);
  const members: number[][] = [];
  let product = Infinity;
  for (const f of order) {
    const nb = layout.nBins[f];
    if (product * nb <= MAX_JOINT) {
      members[members.length - 1].push(f);
      product *= nb;
    } else {
      members.push([f]);
      product = nb;
    }
  }
  const groups = members.map((m) => Int32Array.from(m));
  const start = new Int32Array(groups.length);
  const size = new Int32Array(groups.length);
  let total = 0;
  const decode = groups.map((g, gi) => {
    let n = 1;
    for (const f of g) n *= layout.nBins[f];
    start[gi] = total;
    size[gi] = n;
    total += n;
    const k = g.length;
    const table = new Int32Array(n * k);
    for (let j = 0; j < n; j++) {
      let rest = j;
      for (let m = 0; m < k; m++) {
        const nb = layout.nBins[g[m]];
        table[j * k + m] = layout.offset[g[m]] + 3 * (rest % nb);
        rest = Math.floor(rest / nb);
      }
    }
    return table;
  });
  return { groups, start, size, total, decode };
}

/** Row-major joint slots: `slots[i * nGroups + g]` is 3 × (global joint bin), ready to index a joint histogram. */
export type SlotMatrix = Uint16Array | Uint32Array;

/** Joint slots of every row, from column-major uint8 bins (`bins[f * nRows + i]`). */
export function jointSlots(bins: Uint8Array, nRows: number, plan: JointPlan, layout: HistLayout): SlotMatrix {
  const G = plan.groups.length;
  const out = 3 * plan.total <= 65536 ? new Uint16Array(nRows * G) : new Uint32Array(nRows * G);
  plan.groups.forEach((g, gi) => {
    let stride = 1;
    for (let i = 0, k = gi; i < nRows; i++, k += G) out[k] = 3 * plan.start[gi];
    for (const f of g) {
      const col = f * nRows;
      const step = 3 * stride;
      for (let i = 0, k = gi; i < nRows; i++, k += G) out[k] += step * bins[col + i];
      stride *= layout.nBins[f];
    }
  });
  return out;
}

/** Rows of one node, and everything needed to accumulate their histogram. */
export interface HistInput {
  slots: SlotMatrix;
  nGroups: number;
  /** Gradient and hessian of row i at [2i] and [2i + 1]: one cache line serves both. */
  gh: Float64Array;
  /** Row ids; the node owns rows[start, end). */
  rows: Int32Array;
  start: number;
  end: number;
}

/**
 * Fills `hist` (per-feature layout) for the features marked in `active`, using `joint`
 * (3 × plan.total doubles) as scratch. Row by row: a row's slots share a cache line and land in
 * different groups, so the additions do not wait on one another.
 */
export function buildHistogram(hist: Float64Array, joint: Float64Array, plan: JointPlan, layout: HistLayout, active: Uint8Array, inp: HistInput): void {
  joint.fill(0);
  accumulate(joint, inp);
  plan.groups.forEach((g, gi) => {
    const k = g.length;
    const table = plan.decode[gi];
    const j0 = 3 * plan.start[gi];
    const n = plan.size[gi];
    for (let m = 0; m < k; m++) {
      const f = g[m];
      if (active[f] === 0) continue;
      if (k === 1) {
        hist.set(joint.subarray(j0, j0 + 3 * n), layout.offset[f]);
        continue;
      }
      hist.fill(0, layout.offset[f], layout.offset[f] + 3 * layout.nBins[f]);
      for (let j = 0; j < n; j++) {
        const d = table[j * k + m];
        const s = j0 + 3 * j;
        hist[d] += joint[s];
        hist[d + 1] += joint[s + 1];
        hist[d + 2] += joint[s + 2];
      }
    }
  });
}

function accumulate(hist: Float64Array, inp: HistInput): void {
  const { slots, nGroups: G, gh, rows, start, end } = inp;
  const G4 = G - 3;
  for (let k = start; k < end; k++) {
    const r = rows[k];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const base = r * G;
    const stop4 = base + G4;
    const stop = base + G;
    let a = base;
    for (; a < stop4; a += 4) {
      const b0 = slots[a];
      const b1 = slots[a + 1];
      const b2 = slots[a + 2];
      const b3 = slots[a + 3];
      hist[b0] += g;
      hist[b0 + 1] += h;
      hist[b0 + 2] += 1;
      hist[b1] += g;
      hist[b1 + 1] += h;
      hist[b1 + 2] += 1;
      hist[b2] += g;
      hist[b2 + 1] += h;
      hist[b2 + 2] += 1;
      hist[b3] += g;
      hist[b3 + 1] += h;
      hist[b3 + 2] += 1;
    }
    for (; a < stop; a++) {
      const b = slots[a];
      hist[b] += g;
      hist[b + 1] += h;
      hist[b + 2] += 1;
    }
  }
}
