import { isChurnError } from '../errors.js';
import { MAX_ABS_NUMBER, unknownCategory } from './encode.js';
import type { ServedModel } from './model-holder.js';

/** One thing wrong with a record, as POST /validate reports it. */
export interface Problem {
  field: string;
  code: string;
  message: string;
}

/**
 * Every problem of one record, not just the first. It runs the serving encoder itself and,
 * after each complaint, blanks the offending field and tries again, so /validate can never
 * disagree with /predict about what is acceptable.
 */
export function checkRecord(served: ServedModel, record: Record<string, unknown>, where: string): Problem[] {
  const problems: Problem[] = [];
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (served.featureNames.has(k)) copy[k] = v;
    else if (!served.ignoredFields.has(k)) problems.push({ field: k.slice(0, 100), code: 'UNKNOWN_FIELD', message: `${where}: unknown field "${k.slice(0, 60)}"` });
  }
  const { model, row } = served;
  for (let attempt = 0; attempt <= model.width + 1; attempt++) {
    try {
      for (const field of model.encoder.encodeObject(copy, row, 0, where)) {
        problems.push({ field, code: 'UNKNOWN_CATEGORY', message: unknownCategory(served, where, field, copy[field]).message });
      }
      break;
    } catch (e) {
      if (!isChurnError(e)) throw e;
      const fields = (e.details?.fields as string[] | undefined) ?? [String(e.details?.field ?? '?')];
      for (const field of fields) {
        problems.push({ field, code: e.code, message: fields.length > 1 ? `${where}: missing field "${field}"` : e.message });
        copy[field] = null;
      }
    }
  }
  for (const j of served.numeric) {
    const v = row[j];
    const field = model.encoder.features[j].name;
    if (Math.abs(v) > MAX_ABS_NUMBER && copy[field] !== null) {
      problems.push({ field, code: 'BAD_NUMBER', message: `${where}: field "${field}" is out of range (at most ${MAX_ABS_NUMBER} in absolute value)` });
    }
  }
  return problems;
}
