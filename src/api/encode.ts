import { RecordError } from '../errors.js';
import { httpError } from './http-errors.js';
import type { ServedModel } from './model-holder.js';

/** Numbers beyond this are refused: no customer attribute is that large, and they only come from bugs or probes. */
export const MAX_ABS_NUMBER = 1e12;

function knownLevels(served: ServedModel, field: string): string {
  const levels = served.model.encoder.features.find((f) => f.name === field)?.levels ?? [];
  const shown = levels.slice(0, 20).map((l) => `"${l}"`).join(', ');
  return levels.length > 20 ? `${shown}, …` : shown;
}

/** The error for a category the model never saw, naming the field, the value and the known levels. */
export function unknownCategory(served: ServedModel, where: string, field: string, value: unknown): Error {
  const shown = String(value).slice(0, 40);
  return httpError('UNKNOWN_CATEGORY', `${where}: field "${field}" has the value "${shown}", which the model never saw (expected one of ${knownLevels(served, field)})`, { field });
}

/** The error for a number out of range (checked after encoding, so CSV and JSON share it). */
export function checkRange(served: ServedModel, row: Float64Array, offset: number, where: string | (() => string)): void {
  const { numeric } = served;
  for (let i = 0; i < numeric.length; i++) {
    const v = row[offset + numeric[i]];
    if (v > MAX_ABS_NUMBER || v < -MAX_ABS_NUMBER) {
      const field = served.model.encoder.features[numeric[i]].name;
      throw new RecordError('BAD_NUMBER', `${typeof where === 'string' ? where : where()}: field "${field}" is out of range (at most ${MAX_ABS_NUMBER} in absolute value)`, { field });
    }
  }
}

/**
 * Encodes one JSON record into `out` at `offset`, strictly: fields the model does not know
 * (besides the id and the target), missing features, wrong types, bad or huge numbers and
 * unseen categories are each an error naming the field.
 */
export function encodeRecord(served: ServedModel, record: Record<string, unknown>, out: Float64Array, offset: number, where: string): void {
  for (const key in record) {
    if (!served.featureNames.has(key) && !served.ignoredFields.has(key)) {
      const unknown = Object.keys(record).filter((k) => !served.featureNames.has(k) && !served.ignoredFields.has(k));
      throw new RecordError('UNKNOWN_FIELD', `${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 60)}"`).join(', ')}`, { fields: unknown });
    }
  }
  const unknown = served.model.encoder.encodeObject(record, out, offset, where);
  if (unknown.length > 0) throw unknownCategory(served, where, unknown[0], record[unknown[0]]);
  checkRange(served, out, offset, where);
}

/** For CSV rows: finds which categorical field of an encoded row held an unseen value (`field(c)` reads column c). */
export function unknownCsvField(served: ServedModel, field: (column: number) => string, columns: Int32Array, row: Float64Array, offset: number): { field: string; value: string } {
  const features = served.model.encoder.features;
  for (let j = 0; j < features.length; j++) {
    const raw = field(columns[j]);
    if (features[j].kind === 'categorical' && Number.isNaN(row[offset + j]) && raw.trim() !== '') return { field: features[j].name, value: raw };
  }
  return { field: '?', value: '' };
}
