import type { Tree } from './tree.js';
import { goesRight, treeDepth } from './tree.js';

/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2): Shapley values of
 * one row in polynomial time, where "feature unknown" means averaging the subtrees by node cover.
 * Child weights are cover(child) / (cover(left) + cover(right)), so bias + Σ values equals the
 * margin exactly even if a stored parent cover disagrees with its children.
 */
export interface Explanation {
  /** Expected margin: base score plus every tree's cover-weighted mean leaf value. */
  bias: number;
  values: Float64Array;
}

/**
 * Explains the margin of one row (`binRow[f]` is feature f's bin) over a forest, into `out`
 * when given (see FittedModel.contributions).
 * @example
 * const { bias, values } = treeShap(trees, baseScore, binRow, nFeatures);
 * // bias + Σ values === baseScore + Σ tree leaf values for this row (to rounding)
 */
export function treeShap(trees: Tree[], baseScore: number, binRow: Uint8Array, nFeatures: number, out?: Float64Array): Explanation {
  const values = out ?? new Float64Array(nFeatures);
  values.fill(0, 0, nFeatures);
  const info = forestInfo(trees, nFeatures);
  // A tree's Shapley values depend on the row only through the direction taken at each internal
  // node, so they are computed once per direction pattern and reused: the pattern's bits index
  // the tree's table.
  const flat = info.flat;
  for (let i = 0; i < flat.trees.length; i++) {
    const n0 = flat.nodeStart[i];
    const n1 = flat.nodeStart[i + 1];
    let key = 0;
    for (let n = n0; n < n1; n++) {
      const bin = binRow[flat.nodeFeature[n]];
      if (bin > flat.nodeThreshold[n] || (bin === 0 && flat.nodeMissingRight[n] === 1)) key |= 1 << (n - n0);
    }
    const f0 = flat.featStart[i];
    const nf = flat.featStart[i + 1] - f0;
    const at = flat.tableStart[i] + key * nf;
    if (flat.done[flat.patternStart[i] + key] === 0) {
      info.scratch.fill(0);
      recurse(trees[flat.trees[i]], binRow, info.scratch, info.path, 0, 0, 0, 1, 1, -1);
      for (let j = 0; j < nf; j++) flat.table[at + j] = info.scratch[flat.features[f0 + j]];
      flat.done[flat.patternStart[i] + key] = 1;
    }
    for (let j = 0; j < nf; j++) values[flat.features[f0 + j]] += flat.table[at + j];
  }
  for (const k of info.rest) {
    const t = trees[k];
    const memo = info.memos[k];
    if (memo === null) {
      recurse(t, binRow, values, info.path, 0, 0, 0, 1, 1, -1);
      continue;
    }
    let key = 0;
    for (let i = 0; i < memo.internal.length; i++) {
      const node = memo.internal[i];
      if (goesRight(t, node, binRow[t.feature[node]])) key |= 1 << i;
    }
    let hit = memo.cache.get(key);
    if (hit === undefined) {
      info.scratch.fill(0);
      recurse(t, binRow, info.scratch, info.path, 0, 0, 0, 1, 1, -1);
      hit = Float64Array.from(memo.features, (f) => info.scratch[f]);
      memo.cache.set(key, hit);
    }
    for (let i = 0; i < hit.length; i++) values[memo.features[i]] += hit[i];
  }
  return { bias: baseScore + info.expected, values };
}

/** Trees with at most this many internal nodes (2^7 patterns) have their patterns in the flat tables. */
const FLAT_MEMO_NODES = 7;
/** Trees with more internal nodes than this are explained directly, not memoized. */
const MAX_MEMO_NODES = 20;

/**
 * The pattern tables of the small trees, and what computing a pattern's key needs, in a few
 * contiguous arrays for the whole forest. Serving explains one row between long stretches of
 * HTTP work that evict the caches; walking 71 tree objects and their arrays cost a cache miss
 * per step, several times the arithmetic, where these arrays are read front to back.
 */
interface FlatMemo {
  /** The trees held here, in forest order; the rest are in `rest`. */
  trees: Int32Array;
  /** Internal nodes of tree i (its pattern bits, in node order): [nodeStart[i], nodeStart[i + 1]). */
  nodeStart: Int32Array;
  nodeFeature: Int32Array;
  nodeThreshold: Float64Array;
  nodeMissingRight: Uint8Array;
  /** Features tree i splits on: features[featStart[i] .. featStart[i + 1]); a table row holds their values in this order. */
  featStart: Int32Array;
  features: Int32Array;
  /** Pattern `key` of tree i: values at table[tableStart[i] + key * (its feature count)], valid once done[patternStart[i] + key] is 1. */
  tableStart: Int32Array;
  patternStart: Int32Array;
  table: Float64Array;
  done: Uint8Array;
}

/** A tree's internal nodes (its pattern bits, in node order) and the features they split on. */
interface TreeShape {
  internal: number[];
  features: number[];
}

function treeShape(t: Tree): TreeShape {
  const internal = t.feature.flatMap((f, node) => (f >= 0 ? [node] : []));
  return { internal, features: [...new Set(internal.map((n) => t.feature[n]))] };
}

function flatMemo(trees: Tree[], small: number[], shapes: TreeShape[]): FlatMemo {
  const m = small.length;
  const nodeStart = new Int32Array(m + 1);
  const featStart = new Int32Array(m + 1);
  const tableStart = new Int32Array(m);
  const patternStart = new Int32Array(m);
  let tableSize = 0;
  let patterns = 0;
  small.forEach((k, i) => {
    const { internal, features } = shapes[k];
    nodeStart[i + 1] = nodeStart[i] + internal.length;
    featStart[i + 1] = featStart[i] + features.length;
    tableStart[i] = tableSize;
    patternStart[i] = patterns;
    tableSize += (1 << internal.length) * features.length;
    patterns += 1 << internal.length;
  });
  const nodeFeature = new Int32Array(nodeStart[m]);
  const nodeThreshold = new Float64Array(nodeStart[m]);
  const nodeMissingRight = new Uint8Array(nodeStart[m]);
  small.forEach((k, i) => {
    shapes[k].internal.forEach((node, j) => {
      nodeFeature[nodeStart[i] + j] = trees[k].feature[node];
      nodeThreshold[nodeStart[i] + j] = trees[k].threshold[node];
      nodeMissingRight[nodeStart[i] + j] = trees[k].missingRight[node];
    });
  });
  return {
    trees: Int32Array.from(small),
    nodeStart,
    nodeFeature,
    nodeThreshold,
    nodeMissingRight,
    featStart,
    features: Int32Array.from(small.flatMap((k) => shapes[k].features)),
    tableStart,
    patternStart,
    table: new Float64Array(tableSize),
    done: new Uint8Array(patterns),
  };
}

/** A larger tree's patterns, as they are met (up to 2^20 of them could exist); values in `features` order. */
interface TreeMemo extends TreeShape {
  cache: Map<number, Float64Array>;
}

/**
 * What does not depend on the row (the forest's expected value, the path scratch space, the
 * pattern tables), built once per forest: explanations are on the serving path.
 */
const infoCache = new WeakMap<Tree[], { expected: number; path: PathArrays; scratch: Float64Array; flat: FlatMemo; rest: number[]; memos: (TreeMemo | null)[] }>();
function forestInfo(trees: Tree[], nFeatures: number) {
  let info = infoCache.get(trees);
  if (!info) {
    const maxDepth = trees.reduce((d, t) => Math.max(d, treeDepth(t)), 0);
    const shapes = trees.map(treeShape);
    const small = trees.flatMap((_, k) => (shapes[k].internal.length <= FLAT_MEMO_NODES ? [k] : []));
    const rest = trees.flatMap((_, k) => (shapes[k].internal.length > FLAT_MEMO_NODES ? [k] : []));
    const memos = shapes.map((shape): TreeMemo | null => (shape.internal.length > FLAT_MEMO_NODES && shape.internal.length <= MAX_MEMO_NODES ? { ...shape, cache: new Map() } : null));
    info = {
      expected: trees.reduce((sum, t) => sum + expectedValue(t, 0), 0),
      path: new PathArrays(((maxDepth + 2) * (maxDepth + 3)) / 2),
      scratch: new Float64Array(nFeatures),
      flat: flatMemo(trees, small, shapes),
      rest,
      memos,
    };
    infoCache.set(trees, info);
  }
  return info;
}

/** Cover-weighted mean leaf value of the subtree at `node`. */
export function expectedValue(t: Tree, node: number): number {
  if (t.feature[node] < 0) return t.value[node];
  const l = t.left[node];
  const r = t.right[node];
  const cl = t.cover[l];
  const cr = t.cover[r];
  return (cl * expectedValue(t, l) + cr * expectedValue(t, r)) / (cl + cr);
}

/** The "unique path" of Algorithm 2 as parallel arrays; each recursion level owns a slice. */
class PathArrays {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  pweight: Float64Array;
  constructor(n: number) {
    this.feature = new Int32Array(n);
    this.zero = new Float64Array(n);
    this.one = new Float64Array(n);
    this.pweight = new Float64Array(n);
  }
  /** Plain loops: the slices are a few elements long, where copyWithin's call cost dominates. */
  copy(from: number, to: number, n: number): void {
    for (let i = 0; i < n; i++) {
      this.feature[to + i] = this.feature[from + i];
      this.zero[to + i] = this.zero[from + i];
      this.one[to + i] = this.one[from + i];
      this.pweight[to + i] = this.pweight[from + i];
    }
  }
}

function extend(p: PathArrays, s: number, depth: number, zero: number, one: number, feature: number): void {
  p.feature[s + depth] = feature;
  p.zero[s + depth] = zero;
  p.one[s + depth] = one;
  p.pweight[s + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    p.pweight[s + i + 1] += (one * p.pweight[s + i] * (i + 1)) / (depth + 1);
    p.pweight[s + i] = (zero * p.pweight[s + i] * (depth - i)) / (depth + 1);
  }
}

function unwind(p: PathArrays, s: number, depth: number, at: number): void {
  const one = p.one[s + at];
  const zero = p.zero[s + at];
  let next = p.pweight[s + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.pweight[s + i];
      p.pweight[s + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (p.pweight[s + i] * zero * (depth - i)) / (depth + 1);
    } else {
      p.pweight[s + i] = (p.pweight[s + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = at; i < depth; i++) {
    p.feature[s + i] = p.feature[s + i + 1];
    p.zero[s + i] = p.zero[s + i + 1];
    p.one[s + i] = p.one[s + i + 1];
  }
}

function unwoundSum(p: PathArrays, s: number, depth: number, at: number): number {
  const one = p.one[s + at];
  const zero = p.zero[s + at];
  let next = p.pweight[s + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = p.pweight[s + i] - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += (p.pweight[s + i] / zero) * ((depth + 1) / (depth - i));
    }
  }
  return total;
}

/**
 * Each recursion level works on its own slice of the shared path arrays, starting right after
 * the parent's, so the parent's path is intact when its second child runs.
 */
function recurse(t: Tree, row: Uint8Array, phi: Float64Array, p: PathArrays, node: number, parentStart: number, depth: number, zero: number, one: number, feature: number): void {
  const s = parentStart + depth + 1;
  p.copy(parentStart, s, depth + 1);
  extend(p, s, depth, zero, one, feature);
  const f = t.feature[node];
  if (f < 0) {
    const v = t.value[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(p, s, depth, i);
      phi[p.feature[s + i]] += w * (p.one[s + i] - p.zero[s + i]) * v;
    }
    return;
  }
  const right = goesRight(t, node, row[f]);
  const hot = right ? t.right[node] : t.left[node];
  const cold = right ? t.left[node] : t.right[node];
  const total = t.cover[hot] + t.cover[cold];
  let inZero = 1;
  let inOne = 1;
  let d = depth;
  let at = 0;
  while (at <= d && p.feature[s + at] !== f) at++;
  if (at <= d) {
    // The feature was split on higher up: undo that step so it counts once, with both fractions combined.
    inZero = p.zero[s + at];
    inOne = p.one[s + at];
    unwind(p, s, d, at);
    d--;
  }
  recurse(t, row, phi, p, hot, s, d + 1, (t.cover[hot] / total) * inZero, inOne, f);
  recurse(t, row, phi, p, cold, s, d + 1, (t.cover[cold] / total) * inZero, 0, f);
}
