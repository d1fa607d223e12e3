import { describe, expect, it } from 'vitest';
import { BlendModel } from '../../src/model/blend.js';
import { fitGbdt } from '../../src/model/gbdt/estimator.js';
import { fitLogistic } from '../../src/model/logistic/estimator.js';
import { restoreModel } from '../../src/model/restore.js';
import { toRowMajor } from '../../src/model/types.js';
import { xorData } from './gbdt/helpers.js';

const data = xorData(800, 5);
const logistic = fitLogistic(data.X, data.y);
const gbdt = fitGbdt(data.X, data.y, { maxRounds: 30 });
const blend = new BlendModel([logistic, gbdt], [0.3, 0.7]);
const rows = toRowMajor(data.X);
const p = data.X.features.length;

function margins(m: { predictMargins(r: Float64Array, n: number, o: Float64Array): void }, n: number): Float64Array {
  const out = new Float64Array(n);
  m.predictMargins(rows, n, out);
  return out;
}

describe('BlendModel', () => {
  it('averages its parts in log-odds, and its explanation is theirs weighted the same', () => {
    const n = 40;
    const [b, l, g] = [margins(blend, n), margins(logistic, n), margins(gbdt, n)];
    const out = new Float64Array(p).fill(5);
    for (let i = 0; i < n; i++) {
      expect(b[i]).toBeCloseTo(0.3 * l[i] + 0.7 * g[i], 12);
      const row = rows.subarray(i * p, (i + 1) * p);
      const c = blend.contributions(row);
      const cl = logistic.contributions(row);
      const cg = gbdt.contributions(row);
      expect(c.bias).toBeCloseTo(0.3 * cl.bias + 0.7 * cg.bias, 12);
      c.values.forEach((v, j) => expect(v).toBeCloseTo(0.3 * cl.values[j] + 0.7 * cg.values[j], 12));
      expect(c.values.reduce((s, v) => s + v, c.bias)).toBeCloseTo(b[i], 9);
      // Into a buffer the caller keeps, with what the last row left in it.
      const into = blend.contributions(row, out);
      expect(into.values).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(c.values));
    }
  });

  it('survives a save and restore', () => {
    const back = restoreModel(JSON.parse(JSON.stringify(blend.toState())) as ReturnType<typeof blend.toState>);
    expect(Array.from(margins(back, 20))).toEqual(Array.from(margins(blend, 20)));
  });
});
