import type { Severity } from '../types.js';
import { scoreCvss, severityFromScore } from './cvss.js';
import type { OsvAffected, OsvRecord, OsvSeverity } from './osv-record.js';

export interface SeverityInfo {
  severity: Severity;
  /** CVSS base score when a vector was scored. */
  score: number | null;
  /** The vector the score came from, as the record wrote it. */
  vector: string | null;
}

export const UNKNOWN_SEVERITY: SeverityInfo = { severity: 'UNKNOWN', score: null, vector: null };

const VERSION_RANK: Record<string, number> = { '3.0': 1, '3.1': 2, '4.0': 3 };

/** Words databases use for their own ratings: GitHub (`moderate`), Debian urgency, Ubuntu priority. */
const WORDS: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  medium: 'MEDIUM',
  moderate: 'MEDIUM',
  low: 'LOW',
  unimportant: 'LOW',
  negligible: 'LOW',
};

function fromWord(value: unknown): Severity | null {
  if (typeof value !== 'string') return null;
  // Debian's tracker marks unsure urgencies with asterisks ("low**").
  return WORDS[value.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
}

function bestVector(lists: (OsvSeverity[] | undefined)[]): SeverityInfo | null {
  let best: { info: SeverityInfo; rank: number } | null = null;
  for (const list of lists) {
    for (const s of list ?? []) {
      if (s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') continue;
      const scored = scoreCvss(s.score);
      if (scored === null) continue;
      const rank = VERSION_RANK[scored.version];
      if (best === null || rank > best.rank) {
        best = { info: { severity: severityFromScore(scored.score), score: scored.score, vector: s.score.trim() }, rank };
      }
    }
  }
  return best?.info ?? null;
}

function ownRating(record: OsvRecord, entry: OsvAffected | undefined): Severity | null {
  const candidates: unknown[] = [
    entry?.ecosystem_specific?.urgency,
    entry?.ecosystem_specific?.severity,
    entry?.database_specific?.severity,
    ...(entry?.severity ?? []).filter((s) => s.type === 'Ubuntu').map((s) => s.score),
    record.database_specific?.severity,
    ...(record.severity ?? []).filter((s) => s.type === 'Ubuntu').map((s) => s.score),
  ];
  for (const c of candidates) {
    const s = fromWord(c);
    if (s !== null) return s;
  }
  return null;
}

/**
 * The severity of a record for one affected package: the CVSS vector of the highest version
 * (4.0 over 3.1 over 3.0) from the entry or the record, scored; else the database's own rating
 * (Debian `urgency`, GitHub `database_specific.severity`, Ubuntu priority); else UNKNOWN.
 *
 * @example
 * severityOf({ id: 'X', modified: '2024-01-01T00:00:00Z', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] })
 * // -> { severity: 'CRITICAL', score: 9.8, vector: 'CVSS:3.1/…' }
 */
export function severityOf(record: OsvRecord, entry?: OsvAffected): SeverityInfo {
  const vector = bestVector([entry?.severity, record.severity]);
  if (vector !== null) return vector;
  const own = ownRating(record, entry);
  return own === null ? UNKNOWN_SEVERITY : { severity: own, score: null, vector: null };
}
