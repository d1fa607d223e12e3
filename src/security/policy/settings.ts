import type { Config } from '../../config/index.js';
import type { Thresholds } from './thresholds.js';
import { GATE_SEVERITIES } from './types.js';
import type { GateSeverity, PolicyFile, ThresholdRow } from './types.js';

const LIMIT_VARS: Record<GateSeverity, string> = {
  critical: 'MAX_CRITICAL_VULNERABILITIES',
  high: 'MAX_HIGH_VULNERABILITIES',
  medium: 'MAX_MEDIUM_VULNERABILITIES',
  low: 'MAX_LOW_VULNERABILITIES',
};
const DUE_VARS: Record<GateSeverity, string> = {
  critical: 'VULN_DUE_DAYS_CRITICAL',
  high: 'VULN_DUE_DAYS_HIGH',
  medium: 'VULN_DUE_DAYS_MEDIUM',
  low: 'VULN_DUE_DAYS_LOW',
};

type ConfigPart = Pick<Config['security'], 'failOnVulnerabilities' | 'thresholdOverrides' | 'dueDayOverrides'>;

/**
 * The gate limits in force: the policy file's, each overridden by its environment variable
 * when that is set (MAX_CRITICAL_VULNERABILITIES, …, MAX_LOW_VULNERABILITIES).
 *
 * @example thresholdsFrom(policy, loadConfig()) // { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true }
 */
export function thresholdsFrom(policy: PolicyFile, config: { security: ConfigPart }): Thresholds {
  const max = (s: GateSeverity) => config.security.thresholdOverrides[s] ?? policy.thresholds[s];
  const low = max('low');
  // The Thresholds shape has no "unlimited" for critical/high/medium; a limit that large never trips.
  const cap = (v: number | null) => v ?? Number.MAX_SAFE_INTEGER;
  return {
    maxCritical: cap(max('critical')),
    maxHigh: cap(max('high')),
    maxMedium: cap(max('medium')),
    ...(low === null ? {} : { maxLow: low }),
    failOnVulnerabilities: config.security.failOnVulnerabilities,
  };
}

/** Days until a finding of each severity is due: the policy file's, overridden by VULN_DUE_DAYS_* when set. null: no deadline. */
export function remediationDaysFrom(policy: PolicyFile, config: { security: ConfigPart }): Record<GateSeverity, number | null> {
  const out = {} as Record<GateSeverity, number | null>;
  for (const s of GATE_SEVERITIES) {
    const o = config.security.dueDayOverrides[s];
    out[s] = o === undefined ? policy.remediationDueDays[s] : o;
  }
  return out;
}

/** The thresholds table: limit, where it came from, due days. */
export function thresholdRows(policy: PolicyFile, config: { security: ConfigPart }): ThresholdRow[] {
  const due = remediationDaysFrom(policy, config);
  return GATE_SEVERITIES.map((severity) => {
    const env = config.security.thresholdOverrides[severity];
    return {
      severity,
      max: env ?? policy.thresholds[severity],
      source: env === undefined ? 'policy file' : LIMIT_VARS[severity],
      dueDays: due[severity],
      dueSource: config.security.dueDayOverrides[severity] === undefined ? 'policy file' : DUE_VARS[severity],
    };
  });
}
