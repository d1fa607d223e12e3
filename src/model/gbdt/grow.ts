import { bestSplit, subtractHistogram } from './histogram.js';
import type { HistLayout, Split, SplitConstraints } from './histogram.js';
import { buildHistogram } from './joint.js';
import type { HistInput, JointPlan } from './joint.js';
import { addLeaf, emptyTree } from './tree.js';
import type { Tree } from './tree.js';

/** Buffers shared by every tree of one training run (allocated once). */
export interface GrowBuffers extends Omit<HistInput, 'start' | 'end'> {
  layout: HistLayout;
  plan: JointPlan;
  /** Joint-histogram scratch (3 × plan.total doubles). */
  joint: Float64Array;
  /** 1 for the features this tree may split on (the same set as `feats`). */
  active: Uint8Array;
  /**
   * Column-major bins (`columns[f * nRows + i]`): a partition reads one feature of many rows,
   * and a column keeps those reads within a small, cache-friendly span.
   */
  columns: Uint8Array;
  nRows: number;
  /** Partition scratch, same length as `rows`. */
  scratch: Int32Array;
  /** Free histograms, reused across nodes and trees. */
  pool: Float64Array[];
}

export interface GrowLimits extends SplitConstraints {
  maxDepth: number;
  /** 0: no limit besides depth. */
  maxLeaves: number;
  learningRate: number;
}

export interface GrownTree {
  tree: Tree;
  /** Leaf node ids with the row range each owns in `buffers.rows`. */
  leaves: { node: number; start: number; end: number }[];
}

interface Open {
  node: number;
  start: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  hist: Float64Array | null;
  split: Split | null;
}

/**
 * Grows one tree best-first on rows[0, nActive) of the buffers: the open leaf with the largest
 * gain splits next, until none can or maxLeaves is reached. With no leaf limit this is the same
 * tree depth-wise growth gives. Rows are partitioned in place, so each node is a range of `rows`.
 */
export function growTree(buf: GrowBuffers, nActive: number, feats: Int32Array, lim: GrowLimits): GrownTree {
  const tree = emptyTree();
  let G = 0;
  let H = 0;
  for (let k = 0; k < nActive; k++) {
    G += buf.gh[2 * buf.rows[k]];
    H += buf.gh[2 * buf.rows[k] + 1];
  }
  const root: Open = { node: addLeaf(tree, 0, nActive), start: 0, end: nActive, g: G, h: H, depth: 0, hist: null, split: null };
  const open: Open[] = [root];
  if (canSplit(root, lim)) {
    root.hist = take(buf);
    build(buf, root.hist, 0, nActive);
    root.split = bestSplit(root.hist, buf.layout, feats, G, H, nActive, lim);
  }
  while (lim.maxLeaves === 0 || open.length < lim.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < open.length; i++) {
      const s = open[i].split;
      if (s !== null && (pick < 0 || s.gain > (open[pick].split as Split).gain)) pick = i;
    }
    if (pick < 0) break;
    const parent = open[pick];
    const [l, r] = splitNode(buf, tree, parent, feats, lim);
    open.splice(pick, 1, l, r);
  }
  const leaves = open.map((o) => {
    if (o.hist !== null) buf.pool.push(o.hist);
    tree.value[o.node] = o.h + lim.lambda > 0 ? (-o.g / (o.h + lim.lambda)) * lim.learningRate : 0;
    return { node: o.node, start: o.start, end: o.end };
  });
  return { tree, leaves };
}

function canSplit(o: Open, lim: GrowLimits): boolean {
  return o.depth < lim.maxDepth && o.end - o.start >= 2 * lim.minSamplesLeaf && o.h >= 2 * lim.minChildWeight;
}

function build(buf: GrowBuffers, hist: Float64Array, start: number, end: number): void {
  const inp: HistInput = { slots: buf.slots, nGroups: buf.nGroups, gh: buf.gh, rows: buf.rows, start, end };
  buildHistogram(hist, buf.joint, buf.plan, buf.layout, buf.active, inp);
}

function take(buf: GrowBuffers): Float64Array {
  return buf.pool.pop() ?? new Float64Array(buf.layout.size);
}

function splitNode(buf: GrowBuffers, tree: Tree, p: Open, feats: Int32Array, lim: GrowLimits): [Open, Open] {
  const s = p.split as Split;
  const nLeft = partition(buf, p.start, p.end, s);
  const mid = p.start + nLeft;
  const left: Open = { node: addLeaf(tree, 0, nLeft), start: p.start, end: mid, g: s.gl, h: s.hl, depth: p.depth + 1, hist: null, split: null };
  const right: Open = { node: addLeaf(tree, 0, p.end - mid), start: mid, end: p.end, g: p.g - s.gl, h: p.h - s.hl, depth: p.depth + 1, hist: null, split: null };
  tree.feature[p.node] = s.feature;
  tree.threshold[p.node] = s.threshold;
  tree.missingRight[p.node] = s.missingRight ? 1 : 0;
  tree.left[p.node] = left.node;
  tree.right[p.node] = right.node;

  const parentHist = p.hist as Float64Array;
  p.hist = null;
  const [small, large] = nLeft <= p.end - mid ? [left, right] : [right, left];
  const splitSmall = canSplit(small, lim);
  const splitLarge = canSplit(large, lim);
  if (splitSmall || splitLarge) {
    // Build only the smaller child; the larger one is the parent minus it, computed in place.
    const h = take(buf);
    build(buf, h, small.start, small.end);
    if (splitLarge) {
      subtractHistogram(parentHist, h, buf.layout, feats);
      large.hist = parentHist;
    } else buf.pool.push(parentHist);
    if (splitSmall) small.hist = h;
    else buf.pool.push(h);
  } else buf.pool.push(parentHist);
  for (const c of [left, right]) {
    if (c.hist !== null) c.split = bestSplit(c.hist, buf.layout, feats, c.g, c.h, c.end - c.start, lim);
    if (c.split === null && c.hist !== null) {
      buf.pool.push(c.hist);
      c.hist = null;
    }
  }
  return [left, right];
}

/**
 * Stable in-place partition of rows[start, end): left-going rows first, order kept within each
 * side. Each row is written to both sides and only one cursor advances, which avoids a
 * data-dependent branch (the split sends rows either way about as often as a coin).
 */
function partition(buf: GrowBuffers, start: number, end: number, s: Split): number {
  const { rows, scratch } = buf;
  const col = buf.columns.subarray(s.feature * buf.nRows, (s.feature + 1) * buf.nRows);
  const t = s.threshold;
  const mr = s.missingRight ? 1 : 0;
  let l = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = rows[k];
    const b = col[row];
    const right = ((t - b) >>> 31) | (mr & (((b === 0) as unknown as number) | 0));
    rows[l] = row;
    scratch[r] = row;
    l += 1 - right;
    r += right;
  }
  rows.set(scratch.subarray(0, r), l);
  return l - start;
}
