import type { Misconfiguration } from '../misconfig/index.js';
import type { ScanResult } from '../scan.js';
import type { SecretFinding } from '../secrets/index.js';
import type { SignatureFinding } from '../signature/index.js';
import type { VulnerabilityFinding } from '../types.js';
import type { TrackedFinding } from './types.js';

/** The package URL without version and qualifiers: the package's identity across upgrades. */
function packageIdentity(purl: string): string {
  const at = purl.indexOf('@', purl.indexOf('/'));
  return at < 0 ? purl.split('?')[0] : purl.slice(0, at);
}

export function trackVulnerability(f: VulnerabilityFinding): TrackedFinding {
  return {
    // The manifest path keeps one package in two lock files apart; the version is left out on purpose.
    key: `vuln|${f.id}|${packageIdentity(f.purl)}|${f.pkgPath}`,
    kind: 'vuln',
    id: f.id,
    aliases: f.aliases.filter((a) => a !== f.id),
    package: f.pkgName,
    version: f.installedVersion,
    severity: f.severity,
    title: f.title,
  };
}

export function trackMisconfiguration(m: Misconfiguration): TrackedFinding {
  const resource = [m.resource.kind, m.resource.name, m.resource.container ?? ''].join('/');
  return {
    // No line: editing the file above a finding must not make it a new one.
    key: `config|${m.id}|${m.file}|${resource}`,
    kind: 'config',
    id: m.id,
    aliases: m.references.trivy ? [m.references.trivy] : [],
    package: m.file,
    version: null,
    severity: m.severity,
    title: m.title,
  };
}

export function trackSecret(s: SecretFinding): TrackedFinding {
  return {
    // The fingerprint covers rule, path and secret value: a rotated secret is a new finding.
    key: `secret|${s.ruleId}|${s.fingerprint}`,
    kind: 'secret',
    id: s.ruleId,
    aliases: [],
    package: s.path,
    version: null,
    severity: s.severity,
    title: s.title,
  };
}

export function trackSignature(s: SignatureFinding): TrackedFinding {
  return { key: `signature|${s.id}|${s.code}`, kind: 'signature', id: s.id, aliases: [s.code], package: '', version: null, severity: s.severity, title: s.title };
}

/**
 * Every failed finding the scan's gate counted (suppressed configuration findings, baseline
 * secrets and passed signature checks are not), one entry per item in the order the gate saw them. Several items can share a
 * key (one advisory reported for two layers' copies of a file); `uniqueFindings` folds them.
 */
export function trackedItems(result: ScanResult): TrackedFinding[] {
  return [
    ...result.findings.map(trackVulnerability),
    ...result.misconfigurations.filter((m) => !m.suppressed).map(trackMisconfiguration),
    ...result.secrets.filter((s) => !s.baseline).map(trackSecret),
    // The informational status (signed, or unsigned where nothing requires it) is not a finding to follow.
    ...result.signatures.filter((s) => !s.passed).map(trackSignature),
  ];
}

/** One finding per key; the first item of a key wins. */
export function uniqueFindings(items: readonly TrackedFinding[]): TrackedFinding[] {
  const byKey = new Map<string, TrackedFinding>();
  for (const f of items) if (!byKey.has(f.key)) byKey.set(f.key, f);
  return [...byKey.values()];
}
