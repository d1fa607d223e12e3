import { describe, expect, it } from 'vitest';
import { applySplitFile, makeFolds, makeSplit, readSplitFile, splitKey } from '../../src/data/split.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();

describe('deterministic split', () => {
  it('hashes "<seed>:<id>" with SHA-256', () => {
    // echo -n '42:7590-VHVEG' | sha256sum
    expect(splitKey(42, '7590-VHVEG')).toBe('d2a226889aadafdf8982eb49809870ec6d12c668a84f6ee9571b153f128da8a2');
    expect(splitKey(42, 'a')).not.toBe(splitKey(43, 'a'));
  });

  it('is stratified, rounds half up, and does not depend on row order', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `id-${i}`);
    const y = Uint8Array.from(ids, (_, i) => (i % 4 === 0 ? 1 : 0));
    const t = makeSplit(ids, y, 0.2, 7);
    const testPos = ids.filter((_, i) => t[i] && y[i]).length;
    const testNeg = ids.filter((_, i) => t[i] && !y[i]).length;
    expect(testPos).toBe(50);
    expect(testNeg).toBe(150);
    const order = ids.map((_, i) => i).reverse();
    const t2 = makeSplit(order.map((i) => ids[i]), Uint8Array.from(order, (i) => y[i]), 0.2, 7);
    order.forEach((i, k) => expect(t2[k]).toBe(t[i]));
  });

  it('makes balanced stratified folds', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const y = Uint8Array.from(ids, (_, i) => (i % 3 === 0 ? 1 : 0));
    const f = makeFolds(ids, y, 3, 1);
    for (let k = 0; k < 3; k++) {
      expect(ids.filter((_, i) => f[i] === k).length).toBe(100);
      expect(ids.filter((_, i) => f[i] === k && y[i]).length).toBe(k === 0 ? 34 : 33);
    }
  });

  it('reads split files and requires every id', async () => {
    const path = tmp.file('split.csv', 'customerID,split\na,train\nb,test\n');
    const split = await readSplitFile(path);
    expect(Array.from(applySplitFile(split, ['a', 'b'], Int32Array.from([2, 3]), 'd.csv', path))).toEqual([0, 1]);
    expect(() => applySplitFile(split, ['a', 'c'], Int32Array.from([2, 3]), 'd.csv', path)).toThrow(/d.csv line 3: id "c" is not in the split file/);
    await expect(readSplitFile(tmp.file('bad.csv', 'id,split\na,validation\n'))).rejects.toThrow(/line 2: split must be "train" or "test"/);
  });
});
