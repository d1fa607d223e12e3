import { DataError } from '../errors.js';
import { openCsv, type CsvReadOptions } from './csv-reader.js';
import { parseNumericCell } from './values.js';

/**
 * A whole CSV held column by column, in the cheapest form that still lets schema inference
 * decide each column's type afterwards: numbers where every non-blank cell parses, and a
 * dictionary encoding while the number of distinct values stays small.
 */
export interface TableColumn {
  name: string;
  /** Parsed numbers (NaN for blank cells); only meaningful when `numeric` is true. */
  numbers: Float64Array;
  /** True while every non-blank cell parsed as a finite number. */
  numeric: boolean;
  /** First line where a non-numeric value appeared, for error messages. */
  firstTextLine: number | null;
  firstTextValue: string | null;
  /** Dictionary codes (-1 for a blank cell), valid while `levels` is not null. */
  codes: Int32Array;
  /** Distinct trimmed non-blank values in first-seen order; null once there were too many. */
  levels: string[] | null;
  blanks: number;
  /** Raw strings, kept only for columns asked for (the id column). */
  strings: string[] | null;
}

export interface Table {
  file: string;
  nRows: number;
  columns: TableColumn[];
  /** Physical line of each row, for error messages. */
  lines: Int32Array;
  /** SHA-256 of the file bytes is computed separately (see hashFile); this is just the byte size. */
  bytes: number;
}

export interface ReadTableOptions extends CsvReadOptions {
  /** Columns whose raw strings are kept (the id column), or a function of the header choosing them. */
  keepStrings?: string[] | ((header: string[]) => string[]);
  /** Above this many distinct values a column is no longer dictionary-encoded. */
  maxLevels?: number;
}

class Grow {
  static f64(a: Float64Array, n: number): Float64Array {
    if (n < a.length) return a;
    const b = new Float64Array(Math.max(1024, a.length * 2));
    b.set(a);
    return b;
  }
  static i32(a: Int32Array, n: number): Int32Array {
    if (n < a.length) return a;
    const b = new Int32Array(Math.max(1024, a.length * 2));
    b.set(a);
    return b;
  }
}

export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const reader = await openCsv(path, options);
  const maxLevels = options.maxLevels ?? 10_000;
  const keep = new Set(typeof options.keepStrings === 'function' ? options.keepStrings(reader.header) : (options.keepStrings ?? []));
  const columns: TableColumn[] = reader.header.map((name) => ({
    name,
    numbers: new Float64Array(1024),
    numeric: true,
    firstTextLine: null,
    firstTextValue: null,
    codes: new Int32Array(1024),
    levels: [],
    blanks: 0,
    strings: keep.has(name) ? [] : null,
  }));
  const dicts = columns.map(() => new Map<string, number>());
  let lines: Int32Array = new Int32Array(1024);
  let n = 0;
  for await (const batch of reader.batches) {
    for (let r = 0; r < batch.length; r++) {
      lines = Grow.i32(lines, n);
      lines[n] = batch.lines[r];
      for (let j = 0; j < columns.length; j++) {
        const col = columns[j];
        const raw = batch.field(r, j);
        if (col.strings) col.strings.push(raw);
        col.numbers = Grow.f64(col.numbers, n);
        if (col.numeric) {
          const v = parseNumericCell(raw);
          if (v === undefined) {
            col.numeric = false;
            col.firstTextLine = batch.lines[r];
            col.firstTextValue = raw;
          } else {
            col.numbers[n] = v;
          }
        }
        if (col.levels) {
          col.codes = Grow.i32(col.codes, n);
          const s = raw.trim();
          if (s === '') {
            col.codes[n] = -1;
            col.blanks++;
          } else {
            const dict = dicts[j];
            let code = dict.get(s);
            if (code === undefined) {
              if (col.levels.length >= maxLevels) {
                col.levels = null;
                dicts[j].clear();
                continue;
              }
              code = col.levels.length;
              dict.set(s, code);
              col.levels.push(s);
            }
            col.codes[n] = code;
          }
        } else if (raw.trim() === '') {
          col.blanks++;
        }
      }
      n++;
    }
  }
  if (n === 0) throw new DataError('EMPTY_FILE', `${path}: the file has a header but no data rows`, { file: path });
  for (const col of columns) {
    col.numbers = col.numbers.subarray(0, n);
    col.codes = col.codes.subarray(0, n);
  }
  return { file: path, nRows: n, columns, lines: lines.subarray(0, n), bytes: 0 };
}

export function findColumn(table: Table, name: string, flag: string): TableColumn {
  const col = table.columns.find((c) => c.name === name);
  if (!col) {
    const near = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const hint = near ? ` (did you mean "${near.name}"?)` : ` (columns: ${table.columns.map((c) => c.name).join(', ')})`;
    throw new DataError('UNKNOWN_COLUMN', `${table.file}: ${flag} names column "${name}", which the file does not have${hint}`, {
      file: table.file,
      column: name,
    });
  }
  return col;
}
