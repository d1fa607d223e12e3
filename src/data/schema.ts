import { DataError, UsageError } from '../errors.js';
import type { Table, TableColumn } from './table.js';

/** How the columns of a training file are used. Stored in the model artifact. */
export interface ColumnSchema {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical: the levels seen in training, in first-seen order. */
  levels?: string[];
}

export interface DatasetSchema {
  target: string;
  /** The target value that means "churned". */
  positive: string;
  negative: string;
  id: string | null;
  features: ColumnSchema[];
  dropped: { column: string; reason: string }[];
}

export interface InferSchemaOptions {
  target: string;
  id?: string;
  positive?: string;
  /** Columns forced to be categorical or numeric, overriding inference. */
  categorical?: string[];
  numeric?: string[];
  /** Columns left out on purpose. */
  drop?: string[];
}

export interface InferredSchema {
  schema: DatasetSchema;
  /** 1 where the row's target is the positive value. */
  y: Uint8Array;
  /** Things the user should know (dropped columns, guesses made). */
  notices: string[];
}

const ID_NAME = /^(id|.*[_\- ]id|.*Id|.*ID|customer.?id|.*uuid)$/;
const POSITIVE_WORDS = ['yes', 'true', '1', 'y', 'churn', 'churned', 'left', 'positive'];
const NEGATIVE_WORDS = ['no', 'false', '0', 'n', 'stay', 'stayed', 'retained', 'active', 'negative'];
/** Above this many levels a text column reads as free text or an identifier, not a category. */
export const MAX_CATEGORY_LEVELS = 1000;

/** Columns whose names suggest an identifier; the reader keeps their raw strings. */
export function idCandidates(header: string[], explicitId?: string): string[] {
  if (explicitId !== undefined) return [explicitId];
  return header.filter((h) => ID_NAME.test(h));
}

export function inferSchema(table: Table, opts: InferSchemaOptions): InferredSchema {
  const notices: string[] = [];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const need = (name: string, flag: string): TableColumn => {
    const col = byName.get(name);
    if (col) return col;
    const near = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const hint = near ? ` (did you mean "${near.name}"?)` : ` (columns: ${table.columns.map((c) => c.name).join(', ')})`;
    throw new DataError('UNKNOWN_COLUMN', `${table.file}: ${flag} names column "${name}", which the file does not have${hint}`, { file: table.file, column: name });
  };
  const targetCol = need(opts.target, '--target');
  for (const name of [...(opts.categorical ?? []), ...(opts.numeric ?? []), ...(opts.drop ?? [])]) need(name, 'a column option');
  const overlap = (opts.categorical ?? []).filter((c) => (opts.numeric ?? []).includes(c));
  if (overlap.length > 0) throw new UsageError(`column "${overlap[0]}" cannot be both --categorical and --numeric`);

  const { positive, negative, y } = resolveTarget(table, targetCol, opts.positive);
  const id = resolveId(table, opts, notices);
  if (id === opts.target) throw new UsageError(`--id and --target both name "${id}"`);

  const features: ColumnSchema[] = [];
  const dropped: DatasetSchema['dropped'] = [];
  const drop = (column: string, reason: string) => {
    dropped.push({ column, reason });
    notices.push(`column "${column}" is not used as a feature: ${reason}`);
  };
  for (const col of table.columns) {
    if (col.name === opts.target || col.name === id) continue;
    if (opts.drop?.includes(col.name)) {
      drop(col.name, 'left out with --drop');
      continue;
    }
    const filled = table.nRows - col.blanks;
    if (filled === 0) {
      drop(col.name, 'every value is blank');
      continue;
    }
    const forceCat = opts.categorical?.includes(col.name) ?? false;
    const forceNum = opts.numeric?.includes(col.name) ?? false;
    if (forceNum && !col.numeric) {
      throw new DataError('BAD_NUMBER', `${table.file} line ${col.firstTextLine}: column "${col.name}" was given with --numeric but holds "${col.firstTextValue}"`, {
        file: table.file,
        line: col.firstTextLine,
        column: col.name,
      });
    }
    if (col.numeric && !forceCat) {
      if (isConstantNumeric(col.numbers)) drop(col.name, 'it has the same value in every row');
      else features.push({ name: col.name, kind: 'numeric' });
      continue;
    }
    if (col.levels === null || col.levels.length > MAX_CATEGORY_LEVELS) {
      const why = col.numeric ? '' : ` (not numeric: line ${col.firstTextLine} holds "${col.firstTextValue}")`;
      if (forceCat) throw new DataError('BAD_COLUMN', `${table.file}: column "${col.name}" has more than ${MAX_CATEGORY_LEVELS} distinct values and cannot be categorical`, { column: col.name });
      drop(col.name, `it has more than ${MAX_CATEGORY_LEVELS} distinct values${why}; treat it as an id with --id, or fix the values`);
      continue;
    }
    if (col.levels.length <= 1) {
      drop(col.name, 'it has the same value in every row');
      continue;
    }
    if (col.levels.length === filled && filled > 50) {
      drop(col.name, 'every value is different, so it cannot generalize (an identifier?)');
      continue;
    }
    features.push({ name: col.name, kind: 'categorical', levels: [...col.levels] });
  }
  if (features.length === 0) throw new DataError('NO_FEATURES', `${table.file}: no usable feature columns remain`, { file: table.file });
  return { schema: { target: opts.target, positive, negative, id, features, dropped }, y, notices };
}

function isConstantNumeric(v: Float64Array): boolean {
  let first = Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) continue;
    if (Number.isNaN(first)) first = x;
    else if (x !== first) return false;
  }
  return true;
}

function resolveTarget(table: Table, col: TableColumn, positiveFlag: string | undefined): { positive: string; negative: string; y: Uint8Array } {
  const levels = col.levels;
  if (levels === null || levels.length > 2 || levels.length < 2) {
    const count = levels === null ? 'many' : String(levels.length);
    const shown = levels ? `: ${levels.slice(0, 5).map((l) => `"${l}"`).join(', ')}` : '';
    throw new DataError('BAD_TARGET', `${table.file}: target column "${col.name}" must have exactly two classes, found ${count}${shown}`, {
      file: table.file,
      column: col.name,
    });
  }
  if (col.blanks > 0) {
    const i = col.codes.indexOf(-1);
    throw new DataError('BAD_TARGET', `${table.file} line ${table.lines[i]}: target column "${col.name}" is blank`, { file: table.file, line: table.lines[i], column: col.name });
  }
  let posIndex: number;
  if (positiveFlag !== undefined) {
    posIndex = levels.indexOf(positiveFlag.trim());
    if (posIndex < 0) {
      throw new DataError('BAD_TARGET', `${table.file}: --positive "${positiveFlag}" is not a value of "${col.name}" (values: "${levels[0]}", "${levels[1]}")`, {
        file: table.file,
        column: col.name,
      });
    }
  } else {
    const lower = levels.map((l) => l.toLowerCase());
    const pos = lower.map((l) => POSITIVE_WORDS.includes(l));
    const neg = lower.map((l) => NEGATIVE_WORDS.includes(l));
    if (pos[0] && neg[1]) posIndex = 0;
    else if (pos[1] && neg[0]) posIndex = 1;
    else {
      throw new DataError('BAD_TARGET', `${table.file}: cannot tell which value of "${col.name}" means churn ("${levels[0]}" or "${levels[1]}"); say it with --positive`, {
        file: table.file,
        column: col.name,
      });
    }
  }
  const y = new Uint8Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) y[i] = col.codes[i] === posIndex ? 1 : 0;
  return { positive: levels[posIndex], negative: levels[1 - posIndex], y };
}

function resolveId(table: Table, opts: InferSchemaOptions, notices: string[]): string | null {
  if (opts.id !== undefined) {
    const col = table.columns.find((c) => c.name === opts.id);
    if (!col) {
      throw new DataError('UNKNOWN_COLUMN', `${table.file}: --id names column "${opts.id}", which the file does not have (columns: ${table.columns.map((c) => c.name).join(', ')})`, {
        file: table.file,
        column: opts.id,
      });
    }
    checkUniqueIds(table, col);
    return col.name;
  }
  for (const col of table.columns) {
    if (col.name === opts.target || !col.strings) continue;
    if (col.blanks === 0 && new Set(col.strings).size === table.nRows) {
      notices.push(`using column "${col.name}" as the customer id (say otherwise with --id)`);
      return col.name;
    }
  }
  return null;
}

function checkUniqueIds(table: Table, col: TableColumn): void {
  if (!col.strings) return;
  const seen = new Map<string, number>();
  for (let i = 0; i < col.strings.length; i++) {
    const id = col.strings[i].trim();
    if (id === '') throw new DataError('BAD_ID', `${table.file} line ${table.lines[i]}: id column "${col.name}" is blank`, { file: table.file, line: table.lines[i] });
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw new DataError('BAD_ID', `${table.file} line ${table.lines[i]}: id "${id}" in column "${col.name}" repeats line ${table.lines[prev]}`, { file: table.file, line: table.lines[i] });
    }
    seen.set(id, i);
  }
}
