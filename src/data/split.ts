import { createHash } from 'node:crypto';
import { DataError, UsageError } from '../errors.js';
import { openCsv } from './csv-reader.js';

/**
 * The deterministic, stratified train/test split. A row's place depends only on its id, the seed
 * and its class, never on row order or on the other rows' values, so the same customers land in
 * the same split on every machine and in every tool that implements the method:
 * key = hex SHA-256 of "<seed>:<id>"; within each class, rows sorted by key; the first
 * round(n * fraction) are test.
 */
export function splitKey(seed: number, id: string): string {
  return createHash('sha256').update(`${seed}:${id}`, 'utf8').digest('hex');
}

/** Returns 1 for test rows, 0 for train rows. `strata` is the class of each row. */
export function makeSplit(ids: readonly string[], strata: Uint8Array, testFraction: number, seed: number): Uint8Array {
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`--test-fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  const keys = ids.map((id) => splitKey(seed, id));
  const isTest = new Uint8Array(ids.length);
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < ids.length; i++) if (strata[i] === cls) rows.push(i);
    rows.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    // Round half up, as the reference method does (floor((2n + 5) / 10) for 20 %).
    const nTest = Math.floor(rows.length * testFraction + 0.5 + 1e-9);
    for (let k = 0; k < nTest; k++) isTest[rows[k]] = 1;
  }
  return isTest;
}

/** Fold number (0..k-1) for each row, stratified, from the same hashing: for cross-validation. */
export function makeFolds(ids: readonly string[], strata: Uint8Array, k: number, seed: number): Uint8Array {
  const keys = ids.map((id) => splitKey(seed, id));
  const folds = new Uint8Array(ids.length);
  // The round-robin carries on from one class to the next, so fold sizes differ by at most one.
  let next = 0;
  for (const cls of [1, 0]) {
    const rows: number[] = [];
    for (let i = 0; i < ids.length; i++) if (strata[i] === cls) rows.push(i);
    rows.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    for (const row of rows) folds[row] = next++ % k;
  }
  return folds;
}

/** Reads a split file (`<id>,split` with split `train` or `test`) into a map from id to split. */
export async function readSplitFile(path: string): Promise<Map<string, 'train' | 'test'>> {
  const reader = await openCsv(path);
  if (reader.header.length !== 2) {
    throw new DataError('BAD_SPLIT', `${path} line 1: a split file has two columns (<id>,split), found ${reader.header.length}`, { file: path });
  }
  const out = new Map<string, 'train' | 'test'>();
  for await (const batch of reader.batches) {
    for (let i = 0; i < batch.length; i++) {
      const rawId = batch.field(i, 0);
      const rawSplit = batch.field(i, 1);
      const id = rawId.trim();
      const split = rawSplit.trim().toLowerCase();
      if (split !== 'train' && split !== 'test') {
        throw new DataError('BAD_SPLIT', `${path} line ${batch.lines[i]}: split must be "train" or "test", found "${rawSplit}"`, { file: path, line: batch.lines[i] });
      }
      if (out.has(id)) throw new DataError('BAD_SPLIT', `${path} line ${batch.lines[i]}: id "${id}" appears twice`, { file: path, line: batch.lines[i] });
      out.set(id, split);
    }
  }
  if (out.size === 0) throw new DataError('EMPTY_FILE', `${path}: the split file has no rows`, { file: path });
  return out;
}

/** Applies a split file to a data file's ids; every id must be present. Returns 1 for test rows. */
export function applySplitFile(split: Map<string, 'train' | 'test'>, ids: readonly string[], lines: Int32Array, dataFile: string, splitFile: string): Uint8Array {
  const isTest = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const s = split.get(ids[i].trim());
    if (s === undefined) {
      throw new DataError('BAD_SPLIT', `${dataFile} line ${lines[i]}: id "${ids[i]}" is not in the split file ${splitFile}`, { file: dataFile, line: lines[i] });
    }
    isTest[i] = s === 'test' ? 1 : 0;
  }
  return isTest;
}
