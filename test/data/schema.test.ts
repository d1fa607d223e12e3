import { describe, expect, it } from 'vitest';
import { idCandidates, inferSchema } from '../../src/data/schema.js';
import { readTable } from '../../src/data/table.js';
import { codeOf } from '../support/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();

function csv(rows: string[][]): string {
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

async function load(name: string, text: string, id?: string) {
  const path = tmp.file(name, text);
  return readTable(path, { keepStrings: (h) => idCandidates(h, id) });
}


const header = ['customerID', 'tenure', 'plan', 'charges', 'region', 'note', 'Churn'];
const rows = Array.from({ length: 60 }, (_, i) => [`C${i}`, String(i % 13), i % 3 === 0 ? 'basic' : 'pro', i === 5 ? ' ' : (20 + i * 1.5).toFixed(2), 'north', `free text ${i}`, i % 4 === 0 ? 'Yes' : 'No']);

describe('inferSchema', () => {
  it('types columns, finds the id, drops constant and all-unique columns with notices', async () => {
    const table = await load('basic.csv', csv([header, ...rows]));
    const { schema, y, notices } = inferSchema(table, { target: 'Churn' });
    expect(schema.id).toBe('customerID');
    expect(schema.positive).toBe('Yes');
    expect(schema.features).toEqual([
      { name: 'tenure', kind: 'numeric' },
      { name: 'plan', kind: 'categorical', levels: ['basic', 'pro'] },
      { name: 'charges', kind: 'numeric' },
    ]);
    expect(schema.dropped.map((d) => d.column)).toEqual(['region', 'note']);
    expect(notices.join('\n')).toMatch(/region.*same value/);
    expect(notices.join('\n')).toMatch(/note.*every value is different/);
    expect(Array.from(y.slice(0, 5))).toEqual([1, 0, 0, 0, 1]);
    // The blank charges cell is missing, not zero.
    expect(Number.isNaN(table.columns[3].numbers[5])).toBe(true);
  });

  it('honours overrides and --positive', async () => {
    const table = await load('over.csv', csv([header, ...rows]));
    const { schema, y } = inferSchema(table, { target: 'Churn', positive: 'No', categorical: ['tenure'], drop: ['charges'] });
    expect(schema.features.find((f) => f.name === 'tenure')?.kind).toBe('categorical');
    expect(schema.features.some((f) => f.name === 'charges')).toBe(false);
    expect(y[0]).toBe(0);
    expect(y[1]).toBe(1);
  });

  it('reads 0/1 targets and asks for --positive when the classes are not recognisable', async () => {
    const t01 = await load('t01.csv', csv([['x', 'left'], ...Array.from({ length: 20 }, (_, i) => [String(i), String(i % 2)])]));
    expect(inferSchema(t01, { target: 'left' }).schema.positive).toBe('1');
    const odd = await load('odd.csv', csv([['x', 'status'], ...Array.from({ length: 20 }, (_, i) => [String(i), i % 2 ? 'gold' : 'silver'])]));
    expect(codeOf(() => inferSchema(odd, { target: 'status' }))).toBe('BAD_TARGET');
    expect(inferSchema(odd, { target: 'status', positive: 'gold' }).schema.negative).toBe('silver');
    expect(codeOf(() => inferSchema(odd, { target: 'status', positive: 'bronze' }))).toBe('BAD_TARGET');
  });

  it('rejects a misspelt target or id, a three-class target, a blank target, and duplicate ids', async () => {
    const table = await load('bad.csv', csv([header, ...rows]));
    let message = '';
    try {
      inferSchema(table, { target: 'churn' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('did you mean "Churn"');
    expect(codeOf(() => inferSchema(table, { target: 'Churn', id: 'custid' }))).toBe('UNKNOWN_COLUMN');
    const three = await load('three.csv', csv([['a', 't'], ['1', 'x'], ['2', 'y'], ['3', 'z']]));
    expect(codeOf(() => inferSchema(three, { target: 't' }))).toBe('BAD_TARGET');
    const blank = await load('blank.csv', csv([['a', 't'], ['1', 'Yes'], ['2', ''], ['3', 'No']]));
    expect(() => inferSchema(blank, { target: 't' })).toThrow(/line 3: target column "t" is blank/);
    const dup = await load('dup.csv', csv([['id', 'a', 't'], ['1', '1', 'Yes'], ['2', '2', 'No'], ['1', '3', 'No']]), 'id');
    expect(codeOf(() => inferSchema(dup, { target: 't', id: 'id' }))).toBe('BAD_ID');
  });

  it('rejects --numeric on a text column, naming the line and value', async () => {
    const table = await load('num.csv', csv([header, ...rows]));
    expect(() => inferSchema(table, { target: 'Churn', numeric: ['plan'] })).toThrow(/line 2: column "plan" was given with --numeric but holds "basic"/);
  });
});
