import { SEVERITIES, type Severity } from '../types.js';

/** How many findings of each severity a scan may have before the gate fails. */
export interface Thresholds {
  maxCritical: number;
  maxHigh: number;
  maxMedium: number;
  /** Low has no limit unless set. */
  maxLow?: number;
  /** When false the gate reports but never fails on vulnerability counts. */
  failOnVulnerabilities: boolean;
}

export interface GateResult {
  passed: boolean;
  counts: Record<Severity, number>;
  /** One sentence per exceeded limit, e.g. "3 HIGH findings, at most 0 allowed". */
  reasons: string[];
}

export function countBySeverity(items: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const it of items) counts[it.severity]++;
  return counts;
}

/** The severity gate: pure, so CI, the API and tests all decide the same way. */
export function evaluateThresholds(items: readonly { severity: Severity }[], t: Thresholds): GateResult {
  return judgeCounts(countBySeverity(items), t);
}

/** The severity gate on counts already made (a recorded scan's, less its accepted findings). */
export function judgeCounts(counts: Record<Severity, number>, t: Thresholds): GateResult {
  const limits: [Severity, number | undefined][] = [
    ['CRITICAL', t.maxCritical],
    ['HIGH', t.maxHigh],
    ['MEDIUM', t.maxMedium],
    ['LOW', t.maxLow],
  ];
  const reasons: string[] = [];
  for (const [sev, max] of limits) {
    if (max !== undefined && counts[sev] > max) reasons.push(`${counts[sev]} ${sev} finding${counts[sev] === 1 ? '' : 's'}, at most ${max} allowed`);
  }
  return { passed: !t.failOnVulnerabilities || reasons.length === 0, counts, reasons };
}

/** Parses a --severity list such as "CRITICAL,HIGH" (case-insensitive). */
export function parseSeverityList(raw: string): Severity[] {
  const out: Severity[] = [];
  for (const part of raw.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '')) {
    if (!(SEVERITIES as readonly string[]).includes(part)) throw new Error(`unknown severity "${part}" (use ${SEVERITIES.join(', ')})`);
    out.push(part as Severity);
  }
  return out;
}
