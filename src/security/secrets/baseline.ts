import { ChurnError } from '../../errors.js';
import type { SecretFinding } from './types.js';

/**
 * Parses a baseline file: a JSON array of fingerprints (strings), or of objects with a
 * `fingerprint` (so a saved findings list works as a baseline too).
 *
 * @example
 * const baseline = parseBaseline(readFileSync('.churn-secrets-baseline.json', 'utf8'));
 */
export function parseBaseline(text: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ChurnError('BAD_BASELINE', 'secret baseline is not valid JSON', { kind: 'input', cause });
  }
  if (!Array.isArray(doc)) throw new ChurnError('BAD_BASELINE', 'secret baseline must be a JSON array of fingerprints', { kind: 'input' });
  const bad: number[] = [];
  const out = new Set<string>();
  doc.forEach((entry: unknown, i) => {
    const fp = typeof entry === 'object' && entry !== null && 'fingerprint' in entry ? (entry as { fingerprint: unknown }).fingerprint : entry;
    if (typeof fp === 'string' && /^[0-9a-f]{64}$/.test(fp)) out.add(fp);
    else bad.push(i);
  });
  if (bad.length > 0) throw new ChurnError('BAD_BASELINE', `secret baseline has ${bad.length} entries that are not sha256 fingerprints`, { kind: 'input', details: { indexes: bad } });
  return out;
}

/** The baseline file text that accepts every given finding. */
export function formatBaseline(findings: readonly SecretFinding[]): string {
  return `${JSON.stringify([...new Set(findings.map((f) => f.fingerprint))].sort(), null, 2)}\n`;
}
