import { describe, expect, it } from 'vitest';
import { bestSplit, histLayout, subtractHistogram } from '../../../src/model/gbdt/histogram.js';
import { buildHistogram, jointSlots, planJoint } from '../../../src/model/gbdt/joint.js';
import { createRng } from './helpers.js';

function setup(seed: number) {
  const rng = createRng(seed);
  const nRows = 400;
  // A mix of tiny and wide features so several get packed into joint groups.
  const nBins = Int32Array.from([3, 4, 2, 40, 5, 3, 200]);
  const p = nBins.length;
  const bins = new Uint8Array(nRows * p);
  for (let f = 0; f < p; f++) for (let i = 0; i < nRows; i++) bins[f * nRows + i] = Math.floor(rng() * nBins[f]);
  const grad = Float64Array.from({ length: nRows }, () => rng() * 2 - 1);
  const hess = Float64Array.from({ length: nRows }, () => 0.05 + rng() * 0.2);
  const layout = histLayout(nBins);
  const plan = planJoint(layout);
  const slots = jointSlots(bins, nRows, plan, layout);
  const gh = new Float64Array(2 * nRows);
  for (let i = 0; i < nRows; i++) {
    gh[2 * i] = grad[i];
    gh[2 * i + 1] = hess[i];
  }
  const hist = (rows: Int32Array): Float64Array => {
    const h = new Float64Array(layout.size);
    const joint = new Float64Array(3 * plan.total);
    buildHistogram(h, joint, plan, layout, new Uint8Array(p).fill(1), { slots, nGroups: plan.groups.length, gh, rows, start: 0, end: rows.length });
    return h;
  };
  return { rng, nRows, nBins, p, bins, grad, hess, layout, plan, hist };
}

describe('histograms', () => {
  it('packs small features into joint groups and reads per-feature sums off them exactly', () => {
    const { nRows, nBins, p, bins, grad, hess, layout, plan, hist } = setup(1);
    expect(plan.groups.length).toBeLessThan(p);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i).filter((i) => i % 3 !== 0);
    const h = hist(rows);
    for (let f = 0; f < p; f++) {
      for (let b = 0; b < nBins[f]; b++) {
        let g = 0;
        let hs = 0;
        let c = 0;
        for (const i of rows) {
          if (bins[f * nRows + i] !== b) continue;
          g += grad[i];
          hs += hess[i];
          c++;
        }
        const o = layout.offset[f] + 3 * b;
        expect(h[o]).toBeCloseTo(g, 10);
        expect(h[o + 1]).toBeCloseTo(hs, 10);
        expect(h[o + 2]).toBe(c);
      }
    }
  });

  it('derives a sibling by subtraction', () => {
    const { nRows, p, layout, hist } = setup(2);
    const all = Int32Array.from({ length: nRows }, (_, i) => i);
    const left = all.filter((i) => i % 4 === 1);
    const right = all.filter((i) => i % 4 !== 1);
    const parent = hist(all);
    subtractHistogram(parent, hist(left), layout, Int32Array.from({ length: p }, (_, f) => f));
    const direct = hist(right);
    for (let k = 0; k < layout.size; k++) expect(parent[k]).toBeCloseTo(direct[k], 9);
  });

  it('finds the split a brute-force search over every feature, threshold and missing side finds', () => {
    for (const seed of [3, 4, 5]) {
      const { nRows, nBins, p, bins, grad, hess, layout, hist } = setup(seed);
      const rows = Int32Array.from({ length: nRows }, (_, i) => i);
      const lim = { lambda: 1.5, minSamplesLeaf: 10, minChildWeight: 0.5, minGainToSplit: 0 };
      let G = 0;
      let H = 0;
      for (const i of rows) {
        G += grad[i];
        H += hess[i];
      }
      const got = bestSplit(hist(rows), layout, Int32Array.from({ length: p }, (_, f) => f), G, H, nRows, lim);
      let best = 0;
      for (let f = 0; f < p; f++) {
        for (const mr of [false, true]) {
          for (let t = 0; t < nBins[f]; t++) {
            let gl = 0;
            let hl = 0;
            let cl = 0;
            for (const i of rows) {
              const b = bins[f * nRows + i];
              const right = b > t || (mr && b === 0);
              if (right) continue;
              gl += grad[i];
              hl += hess[i];
              cl++;
            }
            const cr = nRows - cl;
            if (cl < lim.minSamplesLeaf || cr < lim.minSamplesLeaf || hl < lim.minChildWeight || H - hl < lim.minChildWeight) continue;
            const gain = 0.5 * ((gl * gl) / (hl + lim.lambda) + ((G - gl) * (G - gl)) / (H - hl + lim.lambda) - (G * G) / (H + lim.lambda));
            best = Math.max(best, gain);
          }
        }
      }
      expect(got).not.toBeNull();
      expect(got?.gain).toBeCloseTo(best, 9);
    }
  });
});
