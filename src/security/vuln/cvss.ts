import * as cvssNamespace from 'ae-cvss-calculator';
import type { Severity } from '../types.js';

/*
 * CVSS base scores through ae-cvss-calculator, which implements the FIRST formulas for 3.0, 3.1
 * and 4.0 (its 3.1 results match the specification's formula on every base vector: see the
 * exhaustive check in the tests). The library scores incomplete vectors as 0 and throws on
 * unknown metrics, so vectors are checked here first and only their base metrics handed over.
 */

// The package is a webpack UMD bundle: Node's ESM loader exposes it as `default`, CommonJS
// loaders (tsx scripts) as the module itself.
type CvssLib = typeof cvssNamespace;
const cvssLib: CvssLib = (cvssNamespace as CvssLib & { default?: CvssLib }).default ?? cvssNamespace;

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  /** Base score, 0.0 to 10.0 (CVSS-B for 4.0). */
  score: number;
}

const V3_BASE: Record<string, string> = { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' };
const V4_BASE: Record<string, string> = {
  AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN',
};

/**
 * Scores by canonical base vector. The library takes ~70 us per vector; real data repeats a
 * few thousand distinct vectors across tens of thousands of records.
 */
const scores = new Map<string, number | null>();

/** The vector's base part in canonical order, or null when a base metric is missing, repeated or out of range. */
function baseVector(vector: string, base: Record<string, string>, prefix: string): string | null {
  const parts = vector.trim().split('/');
  if (parts[0] !== prefix) return null;
  const seen = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const m = /^([A-Za-z]+):([A-Za-z])$/.exec(part);
    if (m === null || seen.has(m[1])) return null;
    seen.set(m[1], m[2]);
  }
  const out = [prefix];
  for (const [metric, allowed] of Object.entries(base)) {
    const value = seen.get(metric);
    if (value === undefined || !allowed.includes(value)) return null;
    out.push(`${metric}:${value}`);
  }
  return out.join('/');
}

/**
 * The base score of a CVSS 3.0, 3.1 or 4.0 vector, or null when the vector is not a complete,
 * valid one of those versions (CVSS 2 vectors included).
 *
 * @example
 * scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')  // { version: '3.1', score: 9.8 }
 */
export function scoreCvss(vector: string): CvssScore | null {
  const m = /^\s*CVSS:(3\.0|3\.1|4\.0)\//.exec(vector);
  if (m === null) return null;
  const version = m[1] as CvssVersion;
  const base = baseVector(vector, version === '4.0' ? V4_BASE : V3_BASE, `CVSS:${version}`);
  if (base === null) return null;
  let score = scores.get(base);
  if (score === undefined) {
    const calc = version === '3.0' ? new cvssLib.Cvss3P0(base) : version === '3.1' ? new cvssLib.Cvss3P1(base) : new cvssLib.Cvss4P0(base);
    const raw = calc.calculateScores().base;
    score = typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 && raw <= 10 ? Math.round(raw * 10) / 10 : null;
    if (scores.size >= 50_000) scores.clear();
    scores.set(base, score);
  }
  return score === null ? null : { version, score };
}

/**
 * The qualitative rating of a base score (CVSS 3.1 and 4.0 use the same bands). A 0.0 score
 * ("None") maps to LOW: the record names a known issue, and LOW is the least alarming band we have.
 */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}
