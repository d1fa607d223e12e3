import { ChurnError } from '../errors.js';

/** Counts at a threshold: predicted positive when p >= threshold. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Test-set metrics. Keys are snake_case because the CLI and API print them as they are. */
export interface Metrics {
  roc_auc: number;
  pr_auc: number;
  brier: number;
  log_loss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  lift_at_10pct: number;
  confusion: Confusion;
  n: number;
  positives: number;
  threshold: number;
}

export type ThresholdCriterion = 'f1' | 'youden' | 'accuracy';

const LOG_LOSS_EPS = 1e-15;

/**
 * All metrics for labels y (0/1) and positive-class probabilities p, in O(n log n).
 * ROC-AUC counts tied scores as half (Mann–Whitney); PR-AUC is scikit-learn's average precision.
 *
 * @example
 *   computeMetrics(Uint8Array.of(0, 1, 1), Float64Array.of(0.2, 0.7, 0.4), 0.5).roc_auc // 1
 */
export function computeMetrics(y: Uint8Array, p: Float64Array, threshold: number): Metrics {
  if (!Number.isFinite(threshold)) throw badInput(`threshold must be a finite number, got ${threshold}`);
  const positives = checkInputs(y, p);
  const n = y.length;
  let brier = 0;
  let logLoss = 0;
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const q = Math.min(Math.max(pi, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    if (y[i] === 1) {
      brier += (1 - pi) ** 2;
      logLoss -= Math.log(q);
      if (pi >= threshold) c.tp++;
      else c.fn++;
    } else {
      brier += pi * pi;
      logLoss -= Math.log(1 - q);
      if (pi >= threshold) c.fp++;
      else c.tn++;
    }
  }
  const g = scoreGroups(y, p, positives);
  return {
    roc_auc: rocAuc(g, positives, n - positives),
    pr_auc: averagePrecision(g, positives),
    brier: brier / n,
    log_loss: logLoss / n,
    accuracy: (c.tp + c.tn) / n,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    lift_at_10pct: liftAt(y, p, g, 0.1, positives),
    confusion: c,
    n,
    positives,
    threshold,
  };
}

/**
 * The threshold (one of the distinct scores in p; predict positive when p >= it) that maximizes
 * the criterion. One sorted pass; ties go to the highest such threshold.
 *
 * @example
 *   chooseThreshold(Uint8Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.3, 0.6, 0.8)) // 0.6
 */
export function chooseThreshold(y: Uint8Array, p: Float64Array, criterion: ThresholdCriterion = 'f1'): number {
  if (criterion !== 'f1' && criterion !== 'youden' && criterion !== 'accuracy') throw badInput(`unknown threshold criterion "${String(criterion)}"`);
  const P = checkInputs(y, p);
  const N = y.length - P;
  const g = scoreGroups(y, p, P);
  let tp = 0;
  let fp = 0;
  let best = -Infinity;
  let at = g.values[0];
  for (let k = 0; k < g.count; k++) {
    tp += g.pos[k];
    fp += g.all[k] - g.pos[k];
    const v = criterion === 'f1' ? (2 * tp) / (2 * tp + fp + (P - tp)) : criterion === 'youden' ? tp / P - fp / N : (tp + N - fp) / (P + N);
    if (v > best) {
      best = v;
      at = g.values[k];
    }
  }
  return at;
}

/** Distinct scores in descending order, with how many rows and how many positives hold each. */
interface Groups {
  count: number;
  values: Float64Array;
  all: Float64Array;
  pos: Float64Array;
}

/** Sorting typed copies natively (rather than an index array with a comparator) keeps this fast at 1M rows. */
function scoreGroups(y: Uint8Array, p: Float64Array, positives: number): Groups {
  const n = p.length;
  const sorted = Float64Array.from(p).sort();
  const posScores = new Float64Array(positives);
  for (let i = 0, j = 0; i < n; i++) if (y[i] === 1) posScores[j++] = p[i];
  posScores.sort();
  const values = new Float64Array(n);
  const all = new Float64Array(n);
  const pos = new Float64Array(n);
  let count = 0;
  let j = positives - 1;
  for (let i = n - 1; i >= 0; ) {
    const v = sorted[i];
    let c = 0;
    while (i >= 0 && sorted[i] === v) {
      c++;
      i--;
    }
    let cp = 0;
    while (j >= 0 && posScores[j] === v) {
      cp++;
      j--;
    }
    values[count] = v;
    all[count] = c;
    pos[count++] = cp;
  }
  return { count, values, all, pos };
}

/** P(score of a random positive > a random negative), ties counted half. */
function rocAuc(g: Groups, P: number, N: number): number {
  let above = 0;
  let wins = 0;
  for (let k = 0; k < g.count; k++) {
    const neg = g.all[k] - g.pos[k];
    wins += neg * (above + 0.5 * g.pos[k]);
    above += g.pos[k];
  }
  return wins / (P * N);
}

/** Σ_n (R_n − R_{n−1}) P_n over distinct thresholds, as scikit-learn's average_precision_score. */
function averagePrecision(g: Groups, P: number): number {
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let k = 0; k < g.count; k++) {
    tp += g.pos[k];
    seen += g.all[k];
    ap += (g.pos[k] / P) * (tp / seen);
  }
  return ap;
}

/** Positive rate among the top ceil(frac·n) rows by score (ties in original order) over the overall rate. */
function liftAt(y: Uint8Array, p: Float64Array, g: Groups, frac: number, P: number): number {
  const n = y.length;
  const k = Math.ceil(frac * n);
  let taken = 0;
  let hits = 0;
  let group = 0;
  while (group < g.count && taken + g.all[group] <= k) {
    taken += g.all[group];
    hits += g.pos[group++];
  }
  if (taken < k) {
    const v = g.values[group];
    for (let i = 0; i < n && taken < k; i++) {
      if (p[i] === v) {
        taken++;
        hits += y[i];
      }
    }
  }
  return hits / k / (P / n);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Returns the positive count after checking shapes, labels, probabilities and that both classes occur. */
function checkInputs(y: Uint8Array, p: Float64Array): number {
  if (y.length !== p.length) throw badInput(`${y.length} labels but ${p.length} probabilities`);
  if (y.length === 0) throw badInput('no rows to evaluate');
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw badInput(`label ${y[i]} at row ${i} is not 0 or 1`);
    if (!(p[i] >= 0 && p[i] <= 1)) throw badInput(`probability ${p[i]} at row ${i} is not within [0, 1]`);
    positives += y[i];
  }
  if (positives === 0 || positives === y.length) {
    throw badInput(`the labels hold only class ${positives === 0 ? 0 : 1}; these metrics need both classes`);
  }
  return positives;
}

function badInput(message: string): ChurnError {
  return new ChurnError('BAD_INPUT', message);
}
