import { describe, expect, it } from 'vitest';
import { openCsv } from '../../src/data/csv-reader.js';
import { RecordEncoder } from '../../src/model/record.js';
import type { FeatureSpec } from '../../src/model/types.js';
import { codeOf } from '../support/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const features: FeatureSpec[] = [
  { name: 'tenure', kind: 'numeric' },
  { name: 'Contract', kind: 'categorical', levels: ['Month-to-month', 'One year', 'Two year'] },
  { name: 'City', kind: 'categorical', levels: Array.from({ length: 100 }, (_, i) => `city-${i}`).concat(['Zürich']) },
];
const enc = new RecordEncoder(features);


describe('RecordEncoder', () => {
  it('reads the same values from CSV bytes as from strings', async () => {
    const rows = [
      ['12', 'Two year', 'city-7'],
      [' 3.25 ', ' One year ', 'Zürich'],
      ['', 'Month-to-month', ''],
      ['-1e2', 'Weekly', 'city-99'],
      ['007', '"Two year"', 'nowhere'],
      ['123456789012345678', 'One year', 'city-0'],
    ];
    const text = `tenure,Contract,City\n${rows.map((r) => r.map((v) => (v.startsWith('"') ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n')}\n`;
    const reader = await openCsv(tmp.file('enc.csv', text));
    const cols = enc.columnsFor(reader.header, 'enc.csv');
    for await (const batch of reader.batches) {
      for (let r = 0; r < batch.length; r++) {
        const a = new Float64Array(3);
        const b = new Float64Array(3);
        const ua = enc.encodeBatchRow(batch, r, cols, a, 0, () => `row ${r}`);
        const ub = enc.encodeFields(batch.record(r), cols, b, 0, () => `row ${r}`);
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(ua).toBe(ub);
      }
      const first = new Float64Array(3);
      enc.encodeBatchRow(batch, 1, cols, first, 0, () => '');
      expect(Array.from(first)).toEqual([3.25, 1, 100]);
      enc.encodeBatchRow(batch, 3, cols, first, 0, () => '');
      expect(first[0]).toBe(-100);
      expect(Number.isNaN(first[1])).toBe(true);
    }
  });

  it('names the column of text in a numeric cell', async () => {
    const reader = await openCsv(tmp.file('bad.csv', 'tenure,Contract,City\n1,One year,x\nabc,One year,x\n'));
    const cols = enc.columnsFor(reader.header, 'bad.csv');
    const out = new Float64Array(3);
    for await (const batch of reader.batches) {
      enc.encodeBatchRow(batch, 0, cols, out, 0, () => 'line 2');
      expect(() => enc.encodeBatchRow(batch, 1, cols, out, 0, () => 'bad.csv line 3')).toThrow('bad.csv line 3: column "tenure" must be a number, found "abc"');
    }
  });

  it('validates JSON records field by field', () => {
    const out = new Float64Array(3);
    expect(enc.encodeObject({ tenure: 5, Contract: 'One year', City: 'Mars' }, out, 0, 'record')).toEqual(['City']);
    expect(Array.from(out.subarray(0, 2))).toEqual([5, 1]);
    expect(enc.encodeObject({ tenure: null, Contract: null, City: 'city-3' }, out, 0, 'record')).toEqual([]);
    expect(Number.isNaN(out[0]) && Number.isNaN(out[1])).toBe(true);
    expect(enc.encodeObject({ tenure: '7', Contract: 'Two year', City: 'city-1' }, out, 0, 'r')).toEqual([]);
    expect(out[0]).toBe(7);
    expect(codeOf(() => enc.encodeObject({ tenure: 5, Contract: 'One year' }, out, 0, 'r'))).toBe('MISSING_FIELD');
    expect(codeOf(() => enc.encodeObject({ tenure: 'ten', Contract: 'One year', City: 'x' }, out, 0, 'r'))).toBe('BAD_NUMBER');
    expect(codeOf(() => enc.encodeObject({ tenure: Number.POSITIVE_INFINITY, Contract: 'One year', City: 'x' }, out, 0, 'r'))).toBe('BAD_NUMBER');
    expect(codeOf(() => enc.encodeObject({ tenure: [1], Contract: 'One year', City: 'x' }, out, 0, 'r'))).toBe('BAD_TYPE');
    expect(codeOf(() => enc.encodeObject({ tenure: 1, Contract: { a: 1 }, City: 'x' }, out, 0, 'r'))).toBe('BAD_TYPE');
    expect(() => enc.encodeObject({ tenure: 1 }, out, 0, 'customer 4')).toThrow('customer 4: missing fields "Contract", "City"');
  });

  it('names every feature column a CSV header lacks', () => {
    expect(() => enc.columnsFor(['tenure'], 'few.csv')).toThrow('few.csv line 1: the model needs columns "Contract", "City"');
    expect(Array.from(enc.columnsFor(['City', 'x', 'Contract', 'tenure'], 'f.csv'))).toEqual([3, 2, 0]);
  });
});
