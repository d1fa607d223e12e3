/**
 * One regression tree over binned features, as trained and as stored (plain JSON arrays indexed
 * by node id; node 0 is the root). The padded fast form in forest.ts is derived from this.
 *
 * Split rule at an internal node: the row goes right when `bin > threshold`, or when the bin is 0
 * (missing) and `missingRight` is 1; otherwise left.
 */
export interface Tree {
  /** Feature index, or -1 for a leaf. */
  feature: number[];
  threshold: number[];
  /** 1: missing values go right; 0: left. */
  missingRight: number[];
  left: number[];
  right: number[];
  /** Leaf output in log-odds (learning rate applied); 0 at internal nodes. */
  value: number[];
  /** Training rows that reached the node (weights the expectations of TreeSHAP). */
  cover: number[];
}

export function emptyTree(): Tree {
  return { feature: [], threshold: [], missingRight: [], left: [], right: [], value: [], cover: [] };
}

/** Appends a leaf and returns its id. */
export function addLeaf(t: Tree, value: number, cover: number): number {
  t.feature.push(-1);
  t.threshold.push(0);
  t.missingRight.push(0);
  t.left.push(-1);
  t.right.push(-1);
  t.value.push(value);
  t.cover.push(cover);
  return t.feature.length - 1;
}

export function goesRight(t: Tree, node: number, bin: number): boolean {
  return bin > t.threshold[node] || (bin === 0 && t.missingRight[node] === 1);
}

/** Leaf value for a row whose bins are `bins[offset + f * stride]`. */
export function treeValue(t: Tree, bins: Uint8Array, offset: number, stride: number): number {
  let node = 0;
  while (t.feature[node] >= 0) {
    node = goesRight(t, node, bins[offset + t.feature[node] * stride]) ? t.right[node] : t.left[node];
  }
  return t.value[node];
}

/** Depth of the deepest leaf (0 for a single leaf). */
export function treeDepth(t: Tree, node = 0): number {
  if (t.feature[node] < 0) return 0;
  return 1 + Math.max(treeDepth(t, t.left[node]), treeDepth(t, t.right[node]));
}
