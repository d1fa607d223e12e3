import { describe, expect, it } from 'vitest';
import { openCsv } from '../../src/data/csv-reader.js';
import { DataError } from '../../src/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();

async function readAll(path: string, chunkBytes?: number) {
  const r = await openCsv(path, { chunkBytes });
  const records: string[][] = [];
  const lines: number[] = [];
  for await (const b of r.batches) {
    records.push(...b.records);
    lines.push(...b.lines);
  }
  return { header: r.header, records, lines };
}

async function errorOf(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('openCsv', () => {
  const tricky = '\uFEFFid,name,note\r\n1,"Smith, Jo","said ""hi""\r\nthen left"\r\n\r\n2,Ann,\r\n3,"",plain\r\n';

  it('reads BOM, CRLF, quoted commas, escaped quotes, embedded newlines and blank lines', async () => {
    const { header, records, lines } = await readAll(tmp.file('tricky.csv', tricky));
    expect(header).toEqual(['id', 'name', 'note']);
    expect(records).toEqual([
      ['1', 'Smith, Jo', 'said "hi"\r\nthen left'],
      ['2', 'Ann', ''],
      ['3', '', 'plain'],
    ]);
    expect(lines).toEqual([2, 5, 6]);
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    const path = tmp.file('tricky2.csv', tricky + '4,"ä ö ü",x\n');
    const whole = await readAll(path);
    for (const chunk of [1, 2, 3, 5, 7, 16]) {
      expect(await readAll(path, chunk)).toEqual(whole);
    }
    expect(whole.records[3]).toEqual(['4', 'ä ö ü', 'x']);
  });

  it('accepts a last line without a newline and LF-only files', async () => {
    const { records } = await readAll(tmp.file('lf.csv', 'a,b\n1,2\n3,4'));
    expect(records).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('rejects ragged rows naming the file and line', async () => {
    const path = tmp.file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n');
    const e = await errorOf(readAll(path));
    expect(e.code).toBe('RAGGED_ROW');
    expect(e.message).toContain('ragged.csv line 3');
    expect(e.message).toContain('expected 3 fields');
  });

  it('rejects an unclosed quote and text after a closing quote', async () => {
    expect((await errorOf(readAll(tmp.file('open.csv', 'a,b\n1,"never closed\n')))).code).toBe('BAD_QUOTE');
    const e = await errorOf(readAll(tmp.file('after.csv', 'a,b\n1,"x"y\n')));
    expect(e.code).toBe('BAD_QUOTE');
    expect(e.message).toContain('line 2');
  });

  it('rejects an empty file, a missing file, and duplicate or empty column names', async () => {
    expect((await errorOf(openCsv(tmp.file('empty.csv', '')))).code).toBe('EMPTY_FILE');
    expect((await errorOf(openCsv(tmp.path('nope.csv')))).code).toBe('FILE_NOT_FOUND');
    expect((await errorOf(openCsv(tmp.file('dup.csv', 'a,b,a\n1,2,3\n')))).code).toBe('DUPLICATE_COLUMN');
    expect((await errorOf(openCsv(tmp.file('blankcol.csv', 'a,,c\n1,2,3\n')))).message).toContain('column 2 has an empty name');
  });
});
