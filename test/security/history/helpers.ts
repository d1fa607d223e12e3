import type { GateResult, Thresholds } from '../../../src/security/policy/thresholds.js';
import type { AcceptedRisk, DueDays, PreviousFinding, TrackedFinding } from '../../../src/security/history/index.js';
import type { Severity } from '../../../src/security/types.js';

export const DUE: DueDays = { CRITICAL: 0, HIGH: 7, MEDIUM: 30, LOW: null, UNKNOWN: null };
export const STRICT: Thresholds = { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true };
export const T0 = new Date('2026-03-01T12:00:00.000Z');
export const days = (n: number, from = T0): Date => new Date(from.getTime() + n * 86_400_000);

export function vuln(id: string, pkg: string, severity: Severity, aliases: string[] = []): TrackedFinding {
  return { key: `vuln|${id}|pkg:deb/debian/${pkg}|/var/lib/dpkg/status`, kind: 'vuln', id, aliases, package: pkg, version: '1.0', severity, title: `${pkg} issue` };
}

export function seen(f: TrackedFinding, firstSeen: Date): PreviousFinding {
  return { ...f, firstSeen: firstSeen.toISOString() };
}

export function risk(findingId: string, until: Date, extra: Partial<AcceptedRisk> = {}): AcceptedRisk {
  return { id: `risk_${findingId}`, findingId, package: null, target: null, reason: 'compensating control', owner: 'alice', until: until.toISOString(), createdAt: T0.toISOString(), revokedAt: null, ...extra };
}

/** The gate runScan would have produced for these items. */
export function scanGate(items: readonly { severity: Severity }[], t: Thresholds = STRICT): GateResult {
  const counts: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const i of items) counts[i.severity]++;
  const limits: [Severity, number][] = [['CRITICAL', t.maxCritical], ['HIGH', t.maxHigh], ['MEDIUM', t.maxMedium]];
  const reasons = limits.filter(([s, max]) => counts[s] > max).map(([s, max]) => `${counts[s]} ${s} finding${counts[s] === 1 ? '' : 's'}, at most ${max} allowed`);
  return { passed: !t.failOnVulnerabilities || reasons.length === 0, counts, reasons };
}
