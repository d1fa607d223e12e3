import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import type { SignatureRequirement } from '../signature/index.js';
import type { Severity } from '../types.js';
import { loadPolicyFile } from './policy-file.js';
import { remediationDaysFrom, thresholdsFrom } from './settings.js';
import { imagePolicyFrom } from './signature-requirements.js';
import type { Thresholds } from './thresholds.js';
import type { PolicyFile } from './types.js';

/** What a scan is judged by: gate limits, remediation deadlines and the image policy. */
export interface ScanSettings {
  thresholds: Thresholds;
  dueDays: Record<Severity, number | null>;
  signatureRequirements: SignatureRequirement[];
  trustedRegistries: string[] | null;
  /** The policy file these came from, or null when none was found (then: the environment and built-in defaults). */
  policyFile: string | null;
}

/** The policy file a deploy folder carries. */
export function policyFileIn(deployDir: string): string {
  return join(deployDir, 'policies', 'security-policies.yaml');
}

/**
 * The settings a scan runs under. With a policy file (the one given, else the deploy folder's
 * when it exists) its thresholds, deadlines, signature requirements and trusted registries
 * apply, each threshold and deadline overridden by its environment variable when set; without
 * one, the environment's values and the built-in defaults. A given file that cannot be read
 * is an error, never silently skipped.
 */
export async function scanSettings(config: Pick<Config, 'security' | 'deployDir'>, policyFile?: string): Promise<ScanSettings> {
  const file = policyFile ?? policyFileIn(config.deployDir);
  if (policyFile === undefined && !existsSync(file)) {
    const s = config.security;
    return {
      thresholds: { maxCritical: s.maxCritical, maxHigh: s.maxHigh, maxMedium: s.maxMedium, ...(s.thresholdOverrides.low === undefined ? {} : { maxLow: s.thresholdOverrides.low }), failOnVulnerabilities: s.failOnVulnerabilities },
      dueDays: { ...s.dueDays },
      signatureRequirements: [],
      trustedRegistries: null,
      policyFile: null,
    };
  }
  return settingsFrom(await loadPolicyFile(file), config);
}

export function settingsFrom(policy: PolicyFile, config: Pick<Config, 'security'>): ScanSettings {
  const due = remediationDaysFrom(policy, config);
  const image = imagePolicyFrom(policy);
  return {
    thresholds: thresholdsFrom(policy, config),
    dueDays: { CRITICAL: due.critical, HIGH: due.high, MEDIUM: due.medium, LOW: due.low, UNKNOWN: config.security.dueDays.UNKNOWN },
    signatureRequirements: image.requirements,
    trustedRegistries: image.trustedRegistries,
    policyFile: policy.path,
  };
}
