import { describe, expect, it } from 'vitest';
import { chooseThreshold, computeMetrics } from '../../src/model/metrics.js';
import type { ThresholdCriterion } from '../../src/model/metrics.js';
import { rng } from './logistic/helpers.js';

const Y = (...v: number[]): Uint8Array => Uint8Array.from(v);
const P = (...v: number[]): Float64Array => Float64Array.from(v);

/** O(n²) Mann–Whitney: the definition, for checking the sorted-pass implementation. */
function bruteAuc(y: Uint8Array, p: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** Average precision straight from its definition over distinct thresholds. */
function bruteAp(y: Uint8Array, p: Float64Array): number {
  const P = y.reduce((a, v) => a + v, 0);
  const cuts = [...new Set(p)].sort((a, b) => b - a);
  let ap = 0;
  let prevR = 0;
  for (const t of cuts) {
    let tp = 0;
    let fp = 0;
    p.forEach((v, i) => {
      if (v >= t) tp += y[i];
      if (v >= t) fp += 1 - y[i];
    });
    ap += (tp / P - prevR) * (tp / (tp + fp));
    prevR = tp / P;
  }
  return ap;
}

function criterionAt(y: Uint8Array, p: Float64Array, t: number, c: ThresholdCriterion): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  p.forEach((v, i) => {
    if (v >= t && y[i] === 1) tp++;
    else if (v >= t) fp++;
    else if (y[i] === 1) fn++;
    else tn++;
  });
  if (c === 'f1') return (2 * tp) / (2 * tp + fp + fn);
  if (c === 'youden') return tp / (tp + fn) - fp / (fp + tn);
  return (tp + tn) / y.length;
}

function randomCase(n: number, seed: number, levels: number): { y: Uint8Array; p: Float64Array } {
  const u = rng(seed);
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = u() < 0.3 ? 1 : 0;
    // Coarse probabilities make ties common; a label-dependent shift makes the scores informative.
    p[i] = Math.min(1, Math.round((u() * 0.7 + y[i] * 0.3) * levels) / levels);
  }
  y[0] = 1;
  y[1] = 0;
  return { y, p };
}

describe('computeMetrics', () => {
  it('matches a hand-computed example', () => {
    const m = computeMetrics(Y(0, 0, 1, 1), P(0.1, 0.4, 0.35, 0.8), 0.5);
    expect(m.roc_auc).toBeCloseTo(0.75, 12);
    // Thresholds 0.8, 0.4, 0.35 give (R, P) = (0.5, 1), (0.5, 0.5), (1, 2/3).
    expect(m.pr_auc).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
    expect(m.brier).toBeCloseTo((0.01 + 0.16 + 0.65 ** 2 + 0.04) / 4, 12);
    expect(m.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, 12);
    expect(m.confusion).toEqual({ tp: 1, fp: 0, tn: 2, fn: 1 });
    expect(m).toMatchObject({ accuracy: 0.75, precision: 1, recall: 0.5, n: 4, positives: 2, threshold: 0.5 });
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    // Top ceil(0.4) = 1 row is a positive: rate 1 over an overall rate of 0.5.
    expect(m.lift_at_10pct).toBe(2);
  });

  it('counts tied scores as half for ROC-AUC and as one threshold for average precision', () => {
    const m = computeMetrics(Y(0, 1, 0, 1), P(0.5, 0.5, 0.5, 0.9), 0.5);
    // Pairs: 0.9 beats both negatives (2), the tied positive scores 0.5 against each (1): 3 / 4.
    expect(m.roc_auc).toBeCloseTo(0.75, 12);
    // Thresholds 0.9 and 0.5: (R, P) = (0.5, 1), (1, 0.5).
    expect(m.pr_auc).toBeCloseTo(0.75, 12);
    expect(computeMetrics(Y(0, 1, 0, 1), P(0.3, 0.3, 0.3, 0.3), 0.5).roc_auc).toBe(0.5);
  });

  it('agrees with the definitions of AUC and AP on random data with many ties', () => {
    for (const [n, seed, levels] of [[50, 1, 5], [200, 2, 20], [301, 3, 1e9]]) {
      const { y, p } = randomCase(n, seed, levels);
      const m = computeMetrics(y, p, 0.5);
      expect(m.roc_auc).toBeCloseTo(bruteAuc(y, p), 12);
      expect(m.pr_auc).toBeCloseTo(bruteAp(y, p), 12);
    }
  });

  it('predicts positive at exactly the threshold, and returns 0 where a ratio is undefined', () => {
    const m = computeMetrics(Y(1, 0, 1), P(0.5, 0.2, 0.4), 0.5);
    expect(m.confusion).toEqual({ tp: 1, fp: 0, tn: 1, fn: 1 });
    const none = computeMetrics(Y(1, 0, 1), P(0.5, 0.2, 0.4), 0.9);
    expect(none).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('clips probabilities of 0 and 1 in the log loss', () => {
    const m = computeMetrics(Y(1, 0), P(0, 1), 0.5);
    // As numpy's clip: the upper bound is the double nearest 1 − 1e-15, so 1 − it is not exactly 1e-15.
    expect(m.log_loss).toBeCloseTo((-Math.log(1e-15) - Math.log(1 - (1 - 1e-15))) / 2, 12);
    expect(m.log_loss).toBeCloseTo(34.539, 3);
    expect(m.brier).toBe(1);
  });

  it('takes the top 10% by probability for lift, ties in original order', () => {
    // n = 20: k = 2. Scores 0.9 (negative), then three tied at 0.8 of which the first in order is positive.
    const y = new Uint8Array(20);
    const p = new Float64Array(20).fill(0.1);
    p[5] = 0.9;
    p[3] = 0.8;
    y[3] = 1;
    p[4] = 0.8;
    p[7] = 0.8;
    y[7] = 1;
    y[10] = 1;
    y[11] = 1;
    // Positives: 4 of 20 (rate 0.2). Top 2: rows 5 and 3: one positive, rate 0.5.
    expect(computeMetrics(y, p, 0.5).lift_at_10pct).toBeCloseTo(2.5, 12);
    // Moving the positive after the negative in the tie drops it out of the top 2.
    y[3] = 0;
    y[4] = 1;
    expect(computeMetrics(y, p, 0.5).lift_at_10pct).toBe(0);
  });

  it('rejects mismatched lengths, a missing class, bad labels and bad probabilities', () => {
    const bad: [Uint8Array, Float64Array, number][] = [
      [Y(0, 1), P(0.5), 0.5],
      [Y(), P(), 0.5],
      [Y(1, 1), P(0.2, 0.3), 0.5],
      [Y(0, 2), P(0.2, 0.3), 0.5],
      [Y(0, 1), P(0.2, Number.NaN), 0.5],
      [Y(0, 1), P(0.2, 1.5), 0.5],
      [Y(0, 1), P(0.2, 0.3), Number.NaN],
    ];
    for (const [y, p, t] of bad) expect(() => computeMetrics(y, p, t)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('chooseThreshold', () => {
  it('picks the F1-best cut in a small example', () => {
    expect(chooseThreshold(Y(0, 0, 1, 1), P(0.1, 0.3, 0.6, 0.8))).toBe(0.6);
    // Lowering to 0.3 would add a false positive; keeping 0.6 misses one positive (F1 2/3 vs 4/5 at 0.3).
    expect(chooseThreshold(Y(0, 1, 0, 1), P(0.1, 0.3, 0.6, 0.8))).toBe(0.3);
  });

  it('maximizes each criterion over all distinct scores, as brute force does', () => {
    for (const criterion of ['f1', 'youden', 'accuracy'] as const) {
      for (let seed = 1; seed <= 12; seed++) {
        const { y, p } = randomCase(40 + seed * 13, seed, seed % 2 === 0 ? 10 : 1e6);
        const t = chooseThreshold(y, p, criterion);
        expect(p.includes(t)).toBe(true);
        const best = Math.max(...[...new Set(p)].map((c) => criterionAt(y, p, c, criterion)));
        expect(criterionAt(y, p, t, criterion)).toBeCloseTo(best, 12);
        // Ties go to the highest threshold: nothing above t scores as well.
        for (const c of new Set(p)) if (c > t) expect(criterionAt(y, p, c, criterion)).toBeLessThan(best - 1e-12);
      }
    }
  });

  it('rejects a single class and an unknown criterion', () => {
    expect(() => chooseThreshold(Y(0, 0), P(0.1, 0.2))).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => chooseThreshold(Y(0, 1), P(0.1, 0.2), 'auc' as ThresholdCriterion)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
