import { DataError, RecordError } from '../errors.js';
import type { CsvBatch } from '../data/csv-scanner.js';
import { isBlank, parseNumberBytes, parseNumericCell } from '../data/values.js';
import type { FeatureSpec } from './types.js';

/**
 * Turns incoming records (CSV rows or JSON objects) into the raw numeric rows the models read,
 * validating each value against the training schema. Training and serving share this code,
 * so a value is read the same way in both.
 */
export class RecordEncoder {
  private readonly levelIndex: (Map<string, number> | null)[];
  /**
   * UTF-8 bytes of the levels of small categorical features, grouped by byte length
   * (byLength[len] = level indexes), so a CSV cell is matched in place without making a string.
   */
  private readonly levelsByLength: (number[][] | null)[];
  private readonly levelBytes: Uint8Array[][];
  readonly width: number;

  constructor(readonly features: readonly FeatureSpec[]) {
    this.width = features.length;
    this.levelIndex = features.map((f) => (f.kind === 'categorical' ? new Map((f.levels ?? []).map((l, i) => [l, i])) : null));
    this.levelsByLength = features.map((f) => {
      const levels = f.levels ?? [];
      if (f.kind !== 'categorical' || levels.length > 64) return null;
      const byLength: number[][] = [];
      levels.forEach((l, i) => (byLength[Buffer.byteLength(l)] ??= []).push(i));
      return byLength;
    });
    this.levelBytes = features.map((f) => (f.levels ?? []).map((l) => new Uint8Array(Buffer.from(l, 'utf8'))));
  }

  /** Maps each feature to its column in a CSV header; a missing feature column is an error naming it. */
  columnsFor(header: readonly string[], file: string): Int32Array {
    const pos = new Map(header.map((h, i) => [h, i]));
    const out = new Int32Array(this.width);
    const missing: string[] = [];
    this.features.forEach((f, j) => {
      const p = pos.get(f.name);
      if (p === undefined) missing.push(f.name);
      else out[j] = p;
    });
    if (missing.length > 0) {
      throw new DataError('MISSING_COLUMN', `${file} line 1: the model needs column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}, which the file does not have`, {
        file,
        columns: missing,
      });
    }
    return out;
  }

  /** Encodes CSV fields into out[offset .. offset+width). Unknown categories become NaN (counted). */
  encodeFields(fields: readonly string[], columns: Int32Array, out: Float64Array, offset: number, where: () => string): number {
    let unknown = 0;
    for (let j = 0; j < this.width; j++) {
      const raw = fields[columns[j]];
      const index = this.levelIndex[j];
      if (index === null) {
        const v = parseNumericCell(raw);
        if (v === undefined) {
          const f = this.features[j].name;
          throw new RecordError('BAD_NUMBER', `${where()}: column "${f}" must be a number, found "${truncate(raw)}"`, { field: f });
        }
        out[offset + j] = v;
      } else {
        const s = raw.trim();
        if (s === '') out[offset + j] = Number.NaN;
        else {
          const code = index.get(s);
          if (code === undefined) unknown++;
          out[offset + j] = code ?? Number.NaN;
        }
      }
    }
    return unknown;
  }

  /**
   * Encodes record r of a CSV batch into out[offset .. offset+width), reading values in place from
   * the batch text (the hot path of batch scoring). Returns how many categories were unseen.
   */
  encodeBatchRow(batch: CsvBatch, r: number, columns: Int32Array, out: Float64Array, offset: number, where: () => string): number {
    let unknown = 0;
    const bytes = batch.bytes;
    const base = r * batch.nFields;
    for (let j = 0; j < this.width; j++) {
      const k = base + columns[j];
      let s = batch.starts[k];
      let e = batch.ends[k];
      const index = this.levelIndex[j];
      if (index === null) {
        const v = batch.escaped[k] ? parseNumericCell(batch.field(r, columns[j])) : parseNumberBytes(bytes, s, e);
        if (v === undefined) {
          const f = this.features[j].name;
          throw new RecordError('BAD_NUMBER', `${where()}: column "${f}" must be a number, found "${truncate(batch.field(r, columns[j]))}"`, { field: f });
        }
        out[offset + j] = v;
        continue;
      }
      while (s < e && bytes[s] <= 32) s++;
      while (e > s && bytes[e - 1] <= 32) e--;
      if (s === e) {
        out[offset + j] = Number.NaN;
        continue;
      }
      let code = -1;
      const byLength = this.levelsByLength[j];
      if (byLength !== null && !batch.escaped[k]) {
        const candidates = byLength[e - s];
        if (candidates !== undefined) code = matchLevel(bytes, s, e, candidates, this.levelBytes[j]);
      } else {
        code = index.get(batch.field(r, columns[j]).trim()) ?? -1;
      }
      if (code < 0) unknown++;
      out[offset + j] = code < 0 ? Number.NaN : code;
    }
    return unknown;
  }

  /**
   * Encodes a JSON record. Every feature must be present; null (or a blank string) means missing.
   * Numbers may come as JSON numbers or numeric strings; categories as strings, numbers or booleans.
   * Returns the names of categorical fields whose value was not seen in training.
   */
  encodeObject(record: Record<string, unknown>, out: Float64Array, offset: number, where: string): string[] {
    const unknown: string[] = [];
    const missing = this.features.filter((f) => !Object.prototype.hasOwnProperty.call(record, f.name)).map((f) => f.name);
    if (missing.length > 0) {
      throw new RecordError('MISSING_FIELD', `${where}: missing field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, { fields: missing });
    }
    for (let j = 0; j < this.width; j++) {
      const f = this.features[j];
      const v = record[f.name];
      const index = this.levelIndex[j];
      if (index === null) out[offset + j] = numericValue(v, f.name, where);
      else if (v === null || (typeof v === 'string' && isBlank(v))) out[offset + j] = Number.NaN;
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        const s = typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v).trim();
        const code = index.get(s);
        if (code === undefined) unknown.push(f.name);
        out[offset + j] = code ?? Number.NaN;
      } else {
        throw new RecordError('BAD_TYPE', `${where}: field "${f.name}" must be a string, found ${describe(v)}`, { field: f.name });
      }
    }
    return unknown;
  }
}

function matchLevel(bytes: Uint8Array, s: number, e: number, candidates: number[], levels: Uint8Array[]): number {
  for (let c = 0; c < candidates.length; c++) {
    const level = levels[candidates[c]];
    let i = 0;
    while (s + i < e && level[i] === bytes[s + i]) i++;
    if (s + i === e) return candidates[c];
  }
  return -1;
}

function numericValue(v: unknown, field: string, where: string): number {
  if (v === null) return Number.NaN;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RecordError('BAD_NUMBER', `${where}: field "${field}" must be a finite number`, { field });
    return v;
  }
  if (typeof v === 'string') {
    const n = parseNumericCell(v);
    if (n === undefined) throw new RecordError('BAD_NUMBER', `${where}: field "${field}" must be a number, found "${truncate(v)}"`, { field });
    return n;
  }
  throw new RecordError('BAD_TYPE', `${where}: field "${field}" must be a number, found ${describe(v)}`, { field });
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
