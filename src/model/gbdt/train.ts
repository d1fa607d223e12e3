import type { GbdtParams } from './params.js';
import { histLayout } from './histogram.js';
import { jointSlots, planJoint } from './joint.js';
import { growTree } from './grow.js';
import type { GrowBuffers, GrowLimits } from './grow.js';
import { createRng, hash32, mix32, shuffle } from './rng.js';
import type { Rng } from './rng.js';
import { treeValue } from './tree.js';
import type { Tree } from './tree.js';
import type { RowSplit } from './validation-split.js';

export interface TrainInput {
  /** Column-major bins: `bins[f * nRows + i]`. */
  bins: Uint8Array;
  nRows: number;
  nFeatures: number;
  /** Bins used by each feature, including the missing bin. */
  nBins: Int32Array;
  /** 0/1 labels. */
  y: Uint8Array;
  split: RowSplit;
}

export interface ValidationSummary {
  metric: 'log_loss';
  nRows: number;
  /** Loss of the base score alone (0 trees). */
  baseline: number;
  best: number;
  /** [trees, loss] pairs, at most ~50, always including the best and the last round. */
  curve: [number, number][];
}

export interface TrainResult {
  baseScore: number;
  /** Only the trees up to the best iteration. */
  trees: Tree[];
  /** Trees kept (the best iteration); equals roundsTrained without early stopping. */
  bestIteration: number;
  roundsTrained: number;
  validation: ValidationSummary | null;
}

/** Smallest hessian per row: keeps leaf values finite when predictions saturate. */
const MIN_HESS = 1e-16;

/**
 * Gradient boosting for binary log-loss. Each round fits one tree to the gradient and hessian of
 * the loss at the current margins; with early stopping, rounds stop once the validation loss has
 * not improved for `earlyStoppingRounds` and the model is cut back to its best round.
 */
export function trainBoosting(inp: TrainInput, params: GbdtParams, onProgress?: (done: number, total: number) => void): TrainResult {
  const { bins, nRows, nFeatures, y, split } = inp;
  const { train, valid } = split;
  const nTrain = train.length;
  const useValid = params.earlyStoppingRounds > 0 && valid.length > 0;

  let pos = 0;
  for (let k = 0; k < nTrain; k++) pos += y[train[k]];
  const prior = Math.min(Math.max(pos / nTrain, 1e-6), 1 - 1e-6);
  const baseScore = Math.log(prior / (1 - prior));

  const margin = new Float64Array(nRows).fill(baseScore);
  const layout = histLayout(inp.nBins);
  const plan = planJoint(layout);
  const buf: GrowBuffers = {
    slots: jointSlots(bins, nRows, plan, layout),
    nGroups: plan.groups.length,
    plan,
    joint: new Float64Array(3 * plan.total),
    active: new Uint8Array(nFeatures).fill(1),
    columns: bins,
    nRows,
    gh: new Float64Array(2 * nRows),
    rows: new Int32Array(nTrain),
    scratch: new Int32Array(nTrain),
    layout,
    pool: [],
  };
  const lim: GrowLimits = { ...params };
  const rowSeed = hash32(params.seed) ^ 0x5bd1e995;
  const colRng = createRng(params.seed, 3);
  const allFeats = new Int32Array(nFeatures).map((_, f) => f);
  const nColumns = Math.max(1, Math.round(params.colsampleByTree * nFeatures));
  // Training rows left out of this round's sample: their margins need a tree walk.
  const outOfBag = new Int32Array(nTrain);

  const trees: Tree[] = [];
  const baseline = useValid ? logLoss(margin, y, valid) : NaN;
  let best = baseline;
  let bestIteration = 0;
  const losses: number[] = [];
  for (let round = 0; round < params.maxRounds; round++) {
    const [nActive, nOut] = params.subsample < 1 ? sampleRows(train, params.subsample, mix32(rowSeed + round), buf.rows, outOfBag) : [nTrain, 0];
    if (params.subsample >= 1) buf.rows.set(train);
    gradients(margin, y, buf.rows, nActive, buf.gh);
    const feats = nColumns < nFeatures ? sampleFeatures(nFeatures, nColumns, colRng, buf.active) : allFeats;

    const { tree, leaves } = growTree(buf, nActive, feats, lim);
    trees.push(tree);
    for (const leaf of leaves) addToRows(margin, tree.value[leaf.node], buf.rows, leaf.start, leaf.end);
    addTreeWalk(margin, tree, bins, nRows, outOfBag, nOut);
    onProgress?.(round + 1, params.maxRounds);

    if (useValid) {
      addTreeWalk(margin, tree, bins, nRows, valid, valid.length);
      const loss = logLoss(margin, y, valid);
      losses.push(loss);
      if (loss < best) {
        best = loss;
        bestIteration = round + 1;
      } else if (round + 1 - bestIteration >= params.earlyStoppingRounds) break;
    }
  }
  const roundsTrained = trees.length;
  if (!useValid) bestIteration = roundsTrained;
  if (roundsTrained < params.maxRounds) onProgress?.(params.maxRounds, params.maxRounds);
  return {
    baseScore,
    trees: trees.slice(0, bestIteration),
    bestIteration,
    roundsTrained,
    validation: useValid ? { metric: 'log_loss', nRows: valid.length, baseline, best, curve: curve(losses, bestIteration) } : null,
  };
}

/**
 * Bernoulli sample of the training rows (order kept) into `rows`, the rest into `outOfBag`.
 * Row i is kept when a hash of (i, round salt) falls below rate × 2³²: as random as a stream,
 * but without a generator call per row, and branch-free like the partition.
 */
function sampleRows(train: Int32Array, rate: number, salt: number, rows: Int32Array, outOfBag: Int32Array): [number, number] {
  const limit = rate * 4294967296;
  let nActive = 0;
  let nOut = 0;
  for (let k = 0; k < train.length; k++) {
    const i = train[k];
    let h = Math.imul(i ^ salt, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    const keep = ((((h ^ (h >>> 16)) >>> 0) < limit) as unknown as number) | 0;
    rows[nActive] = i;
    outOfBag[nOut] = i;
    nActive += keep;
    nOut += 1 - keep;
  }
  // A tree needs at least one row.
  if (nActive === 0) rows[nActive++] = outOfBag[--nOut];
  return [nActive, nOut];
}

/** `n` features drawn without replacement, ascending; marks them in `active`. */
function sampleFeatures(p: number, n: number, rng: Rng, active: Uint8Array): Int32Array {
  const perm = new Int32Array(p).map((_, f) => f);
  shuffle(perm, rng);
  const feats = perm.subarray(0, n).sort();
  active.fill(0);
  for (const f of feats) active[f] = 1;
  return feats;
}

function addToRows(margin: Float64Array, v: number, rows: Int32Array, start: number, end: number): void {
  for (let k = start; k < end; k++) margin[rows[k]] += v;
}

/** Adds the tree's value to the margins of rows[0, n), walking it on the column-major bins. */
function addTreeWalk(margin: Float64Array, tree: Tree, bins: Uint8Array, nRows: number, rows: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) margin[rows[k]] += treeValue(tree, bins, rows[k], nRows);
}

function gradients(margin: Float64Array, y: Uint8Array, rows: Int32Array, n: number, gh: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const i = rows[k];
    const p = 1 / (1 + Math.exp(-margin[i]));
    gh[2 * i] = p - y[i];
    gh[2 * i + 1] = Math.max(p * (1 - p), MIN_HESS);
  }
}

/** Mean log-loss over `rows`, computed from margins without forming probabilities (no log(0)). */
export function logLoss(margin: Float64Array, y: Uint8Array, rows: Int32Array): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const m = margin[i];
    // log(1 + e^m) - y m, with softplus written to avoid overflow
    s += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - y[i] * m;
  }
  return s / rows.length;
}

function curve(losses: number[], bestIteration: number): [number, number][] {
  const step = Math.max(1, Math.ceil(losses.length / 50));
  const out: [number, number][] = [];
  for (let k = 0; k < losses.length; k++) {
    const trees = k + 1;
    if (trees % step === 0 || trees === bestIteration || trees === losses.length) out.push([trees, losses[k]]);
  }
  return out;
}
