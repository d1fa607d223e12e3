import { describe, expect, it } from 'vitest';
import { CACHE_SLOT_BYTES, PredictionCache } from '../../src/api/prediction-cache.js';

const row = (...v: number[]) => Float64Array.from(v);
const body = (text: string) => Buffer.from(text);
const read = (c: PredictionCache, r: Float64Array) => {
  const hit = c.get(r);
  return hit === undefined ? undefined : `${hit.body.toString()}/${hit.prediction}`;
};

describe('PredictionCache', () => {
  it('evicts the least recently used entry and counts hits, misses and evictions', () => {
    const c = new PredictionCache(2);
    c.set(row(1, 2), body('a'), 0);
    c.set(row(3, 4), body('b'), 1);
    expect(read(c, row(1, 2))).toBe('a/0');
    c.set(row(5, 6), body('c'), 1);
    expect(read(c, row(3, 4))).toBeUndefined();
    expect(read(c, row(1, 2))).toBe('a/0');
    expect(read(c, row(5, 6))).toBe('c/1');
    expect(c.stats()).toEqual({ size: 2, capacity: 2, hits: 3, misses: 1, evictions: 1, hit_rate: 0.75 });
    expect(c.clear()).toBe(2);
    expect(read(c, row(1, 2))).toBeUndefined();
    c.set(row(7, 8), body('d'), 0);
    expect(read(c, row(7, 8))).toBe('d/0');
    expect(c.stats()).toMatchObject({ size: 1, evictions: 1 });
    const off = new PredictionCache(0);
    off.set(row(1), body('a'), 1);
    expect(off.get(row(1))).toBeUndefined();
    expect(off.stats().size).toBe(0);
  });

  it('keys by the exact bytes of the row: NaN finds NaN, 0 and -0 differ, a changed entry is replaced', () => {
    const c = new PredictionCache(10);
    c.set(row(Number.NaN, 1), body('nan'), 1);
    expect(read(c, row(Number.NaN, 1))).toBe('nan/1');
    c.set(row(0, 1), body('zero'), 0);
    expect(read(c, row(-0, 1))).toBeUndefined();
    c.set(row(0, 1), body('zero again'), 1);
    expect(read(c, row(0, 1))).toBe('zero again/1');
    expect(c.stats().size).toBe(2);
  });

  it('hands out copies: a body read before its slot is reused keeps its bytes', () => {
    const c = new PredictionCache(1);
    c.set(row(1), body('first'), 0);
    const held = c.get(row(1))?.body;
    c.set(row(2), body('second'), 1);
    expect(held?.toString()).toBe('first');
  });

  it('serves, but does not keep, bodies longer than a slot; starts over for rows of another width', () => {
    const c = new PredictionCache(4);
    c.set(row(1), Buffer.alloc(CACHE_SLOT_BYTES + 1, 'x'), 1);
    expect(c.get(row(1))).toBeUndefined();
    c.set(row(1), Buffer.alloc(CACHE_SLOT_BYTES, 'y'), 1);
    expect(c.get(row(1))?.body.length).toBe(CACHE_SLOT_BYTES);
    c.set(row(1, 2, 3), body('wide'), 0);
    expect(c.stats().size).toBe(1);
    expect(c.get(row(1))).toBeUndefined();
    expect(read(c, row(1, 2, 3))).toBe('wide/0');
  });

  it('answers as a plain least-recently-used map would, over long random runs that grow and wrap it', () => {
    // The reference: a Map kept in recency order by delete and re-insert, keyed by the row's text.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (const capacity of [1, 3, 50, 300]) {
      const c = new PredictionCache(capacity);
      const ref = new Map<string, string>();
      let evictions = 0;
      for (let i = 0; i < 30_000; i++) {
        const k = rand(capacity * 3);
        const r = row(k % 7, Math.floor(k / 7), k % 2 === 0 ? Number.NaN : k);
        const key = Array.from(r).join();
        if (rand(2) === 0) {
          const want = ref.get(key);
          if (want !== undefined) {
            ref.delete(key);
            ref.set(key, want);
          }
          expect(read(c, r)).toBe(want);
        } else {
          const value = `v${i}/${i % 2}`;
          ref.delete(key);
          ref.set(key, value);
          if (ref.size > capacity) {
            ref.delete(ref.keys().next().value as string);
            evictions++;
          }
          c.set(r, body(`v${i}`), (i % 2) as 0 | 1);
        }
        if (i % 7000 === 6999) {
          expect(c.clear()).toBe(ref.size);
          ref.clear();
        }
      }
      expect(c.stats()).toMatchObject({ size: ref.size, evictions });
    }
  });
});
