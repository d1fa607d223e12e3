import { makeFolds } from '../data/split.js';
import { BlendModel } from './blend.js';
import { fitGbdt, type GbdtParams } from './gbdt/estimator.js';
import { fitLogistic, type LogisticParams } from './logistic/estimator.js';
import { computeMetrics } from './metrics.js';
import { sigmoid, takeLabels, takeRows, toRowMajor, type FeatureMatrix, type FittedModel } from './types.js';

/** One configuration tried by automatic selection. */
export type Candidate = { name: string; kind: 'logistic'; params: Partial<LogisticParams> } | { name: string; kind: 'gbdt'; params: Partial<GbdtParams> };

export interface CandidateScore {
  name: string;
  kind: 'logistic' | 'gbdt' | 'blend';
  params: Record<string, unknown>;
  cv_log_loss: number;
  cv_roc_auc: number;
}

export interface Selection {
  model: FittedModel;
  /** Out-of-fold probabilities of the chosen configuration, for choosing the threshold honestly. */
  oofProbability: Float64Array;
  chosen: CandidateScore;
  scores: CandidateScore[];
  folds: number;
}

/**
 * The configurations `--model auto` compares. Small on purpose: training must stay interactive,
 * and on churn tables the differences between nearby settings are smaller than fold noise.
 */
export const AUTO_CANDIDATES: readonly Candidate[] = [
  { name: 'logistic C=0.1', kind: 'logistic', params: { C: 0.1 } },
  { name: 'logistic C=1', kind: 'logistic', params: { C: 1 } },
  { name: 'gbdt default', kind: 'gbdt', params: {} },
  { name: 'gbdt depth 2', kind: 'gbdt', params: { maxDepth: 2, learningRate: 0.1 } },
];

const BLEND_WEIGHTS = [0.25, 0.5, 0.75];

function fitCandidate(c: Candidate, X: FeatureMatrix, y: Uint8Array, seed: number): FittedModel {
  return c.kind === 'logistic' ? fitLogistic(X, y, c.params) : fitGbdt(X, y, { seed, ...c.params });
}

/** The candidates with the user's own settings applied on top (e.g. class weights). */
export function withOverrides(candidates: readonly Candidate[], logistic: Partial<LogisticParams> = {}, gbdt: Partial<GbdtParams> = {}): Candidate[] {
  return candidates.map((c) => (c.kind === 'logistic' ? { ...c, params: { ...c.params, ...logistic } } : { ...c, params: { ...c.params, ...gbdt } }));
}

/**
 * Chooses a model by k-fold cross-validation on the training rows only (the test rows are never
 * seen here), scoring by out-of-fold log loss, a proper score that rewards both ranking and
 * calibration. Blends of the best linear and the best tree model are scored from the same
 * out-of-fold margins, so they cost no extra fits. The winner is refitted on all training rows.
 */
export function selectModel(
  X: FeatureMatrix,
  y: Uint8Array,
  ids: readonly string[],
  options: { seed: number; folds?: number; candidates?: readonly Candidate[]; onProgress?: (done: number, total: number) => void },
): Selection {
  const k = options.folds ?? 3;
  const candidates = options.candidates ?? AUTO_CANDIDATES;
  const fold = makeFolds(ids, y, k, options.seed + 1);
  const rows = toRowMajor(X);
  const p = X.features.length;
  const oof = candidates.map(() => new Float64Array(X.nRows));
  const total = candidates.length * k + 1;
  let done = 0;
  for (let f = 0; f < k; f++) {
    const trainIdx: number[] = [];
    const validIdx: number[] = [];
    for (let i = 0; i < X.nRows; i++) (fold[i] === f ? validIdx : trainIdx).push(i);
    const Xt = takeRows(X, trainIdx);
    const yt = takeLabels(y, trainIdx);
    const validRows = new Float64Array(validIdx.length * p);
    validIdx.forEach((row, r) => validRows.set(rows.subarray(row * p, row * p + p), r * p));
    const margins = new Float64Array(validIdx.length);
    candidates.forEach((c, ci) => {
      fitCandidate(c, Xt, yt, options.seed).predictMargins(validRows, validIdx.length, margins);
      validIdx.forEach((row, r) => (oof[ci][row] = margins[r]));
      options.onProgress?.(++done, total);
    });
  }
  const score = (name: string, kind: CandidateScore['kind'], params: Record<string, unknown>, m: Float64Array): CandidateScore => {
    const metrics = computeMetrics(y, m.map(sigmoid), 0.5);
    return { name, kind, params, cv_log_loss: metrics.log_loss, cv_roc_auc: metrics.roc_auc };
  };
  const scores = candidates.map((c, ci) => score(c.name, c.kind, c.params, oof[ci]));
  const best = (kind: 'logistic' | 'gbdt') => {
    let bi = -1;
    scores.forEach((s, i) => {
      if (s.kind === kind && (bi < 0 || s.cv_log_loss < scores[bi].cv_log_loss)) bi = i;
    });
    return bi;
  };
  const bl = best('logistic');
  const bg = best('gbdt');
  const blends: { weight: number; margins: Float64Array }[] = [];
  if (bl >= 0 && bg >= 0) {
    for (const w of BLEND_WEIGHTS) {
      const m = oof[bl].map((v, i) => w * v + (1 - w) * oof[bg][i]);
      blends.push({ weight: w, margins: m });
      scores.push(score(`blend ${w} × ${candidates[bl].name} + ${1 - w} × ${candidates[bg].name}`, 'blend', { logisticWeight: w, logistic: candidates[bl].params, gbdt: candidates[bg].params }, m));
    }
  }
  let win = 0;
  scores.forEach((s, i) => {
    if (s.cv_log_loss < scores[win].cv_log_loss) win = i;
  });
  const chosen = scores[win];
  let model: FittedModel;
  let winnerMargins: Float64Array;
  if (chosen.kind === 'blend') {
    const b = blends[win - candidates.length];
    const lr = fitCandidate(candidates[bl], X, y, options.seed);
    const gb = fitCandidate(candidates[bg], X, y, options.seed);
    model = new BlendModel([lr, gb], [b.weight, 1 - b.weight]);
    winnerMargins = b.margins;
  } else {
    model = fitCandidate(candidates[win], X, y, options.seed);
    winnerMargins = oof[win];
  }
  options.onProgress?.(total, total);
  return { model, oofProbability: winnerMargins.map(sigmoid), chosen, scores, folds: k };
}
