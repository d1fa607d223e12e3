import { describe, expect, it } from 'vitest';
import { topByMagnitude } from '../../src/model/churn-model.js';

/** The plain way: every index sorted by |value|, largest first, ties by index. */
function bySort(values: Float64Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b)
    .slice(0, k);
}

describe('topByMagnitude', () => {
  it('picks what a full sort would, ties included', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647);
    for (let trial = 0; trial < 2000; trial++) {
      const n = 1 + Math.floor(rand() * 30);
      // Few distinct magnitudes and both signs, so ties are common.
      const values = Float64Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1) * Math.round(rand() * 6) * 0.25);
      for (const k of [0, 1, 3, 5, n, n + 2]) expect(topByMagnitude(values, k), `${values.join(',')} k=${k}`).toEqual(bySort(values, k));
    }
  });

  it('handles the edges', () => {
    expect(topByMagnitude(new Float64Array([]), 5)).toEqual([]);
    expect(topByMagnitude(new Float64Array([0, 0, 0]), 2)).toEqual([0, 1]);
    expect(topByMagnitude(new Float64Array([1, -3, 2]), 5)).toEqual([1, 2, 0]);
  });
});
