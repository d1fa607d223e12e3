import { UsageError } from '../errors.js';
import { runTrivy } from './backend/trivy.js';
import { analyzeInventory, inventoryWanted } from './inventory/index.js';
import { analyzeConfigFiles, analyzeImageConfig, compareFindings as compareMisconfigs, type Misconfiguration } from './misconfig/index.js';
import { evaluateThresholds, type GateResult, type Thresholds } from './policy/thresholds.js';
import { scanComposeEnvironment, scanImageConfigEnv, scanKubernetesSecretData, scanTargetSecrets, type SecretFinding } from './secrets/index.js';
import { scanSignatures, signatureGateReasons, type SignatureFinding, type SignatureScanOptions } from './signature/index.js';
import { openTarget, type TargetOptions } from './target/index.js';
import { SEVERITY_RANK, type Inventory, type Severity, type TargetInfo, type VulnerabilityFinding } from './types.js';
import { openVulnDb } from './vuln/db.js';
import { compareFindings, matchPackages } from './vuln/matcher.js';

export type ScannerName = 'vuln' | 'secret' | 'config' | 'signature';
export const AVAILABLE_SCANNERS: readonly ScannerName[] = ['vuln', 'secret', 'config', 'signature'];

/** Files the configuration scanner reads: Dockerfiles and YAML (Compose, Kubernetes). */
// eslint-disable-next-line security/detect-unsafe-regex -- tried only at the start or after a '/', and [^/]* stops at the next '/', so each path segment is read once per try
const CONFIG_FILE = /(^|\/)((Dockerfile|Containerfile)([.-][^/]*)?|[^/]*\.(dockerfile|containerfile|ya?ml))$/i;
const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

export interface ScanOptions {
  target: string;
  scanners?: readonly ScannerName[];
  backend?: 'native' | 'trivy';
  /** The vulnerability database (native backend). */
  dbFile: string;
  thresholds: Thresholds;
  /** Only these severities are reported; the gate still weighs every finding. */
  severities?: readonly Severity[];
  /** Ports the configuration checks allow to be exposed (ALLOWED_INGRESS_PORTS). */
  allowedPorts?: number[];
  /** Secret scanner settings: .churnignore text, baseline fingerprints, allow-lists. */
  secrets?: { ignore?: string; baseline?: string[]; allowPaths?: string[]; defaultSkips?: boolean };
  targetOptions?: TargetOptions;
  /** Signature scanner settings: keys, annotations, policy requirements, trusted registries. */
  signature?: SignatureScanOptions;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface ScanResult {
  target: TargetInfo;
  inventory: Inventory;
  /** Every finding, sorted. */
  findings: VulnerabilityFinding[];
  /** The findings the --severity filter lets through. */
  shown: VulnerabilityFinding[];
  /** Configuration findings (suppressed ones included, marked), sorted. */
  misconfigurations: Misconfiguration[];
  shownMisconfigurations: Misconfiguration[];
  /** Secret findings (baseline-accepted ones included, marked), sorted; matches are redacted. */
  secrets: SecretFinding[];
  shownSecrets: SecretFinding[];
  /** Signature findings: failed requirements, untrusted registries, and the signature status; sorted. */
  signatures: SignatureFinding[];
  gate: GateResult;
  /** Things contained rather than failed (skipped entries, unreadable versions). */
  warnings: string[];
}

/**
 * One pipeline: target -> inventory -> vulnerability matching -> gate. Every stage hands the
 * next plain values; writers turn the result into table, JSON or SBOM output.
 */
export async function runScan(opts: ScanOptions): Promise<ScanResult> {
  const scanners = opts.scanners ?? ['vuln'];
  const missing = scanners.filter((s) => !AVAILABLE_SCANNERS.includes(s));
  if (missing.length > 0) throw new UsageError(`--scanners: ${missing.join(', ')} not available in this build (available: ${AVAILABLE_SCANNERS.join(', ')})`);
  const backend = opts.backend ?? 'native';
  const warnings: string[] = [];
  opts.onProgress?.('reading', 0, 3);
  const opened = await openTarget(opts.target, opts.targetOptions);
  let inventory: Inventory;
  let misconfigurations: Misconfiguration[] = [];
  const wantInventory = inventoryWanted();
  const wantConfig = scanners.includes('config');
  const wantSecrets = scanners.includes('secret');
  let secrets: SecretFinding[] = [];
  const secretOptions = { ignore: opts.secrets?.ignore, baseline: opts.secrets?.baseline, allow: { paths: opts.secrets?.allowPaths }, defaultSkips: opts.secrets?.defaultSkips };
  try {
    const wantYaml = wantConfig || wantSecrets;
    const files = await opened.files((path, size) => wantInventory(path, size) || (wantYaml && size <= MAX_CONFIG_BYTES && CONFIG_FILE.test(path)));
    inventory = analyzeInventory(files.filter((f) => wantInventory(f.path, f.size)));
    if (wantConfig) {
      const isImage = opened.info.kind !== 'fs';
      const configFiles = files
        .filter((f) => CONFIG_FILE.test(f.path))
        .map((f) => ({ path: isImage ? f.path : f.path.replace(/^\//, ''), content: f.content.toString('utf8') }));
      misconfigurations = analyzeConfigFiles(configFiles, { allowedPorts: opts.allowedPorts });
      if (opened.info.config) misconfigurations.push(...analyzeImageConfig(opened.info.config, { allowedPorts: opts.allowedPorts, source: opened.info.name }));
      misconfigurations.sort(compareMisconfigs);
    }
    if (wantSecrets) {
      opts.onProgress?.('secrets', 1, 3);
      secrets = await scanTargetSecrets(opened, secretOptions);
      if (opened.info.config) secrets.push(...scanImageConfigEnv(opened.info.config.env, secretOptions));
      // Kubernetes Secret data is base64: decoded here, where a plain text scan cannot see it.
      for (const f of files.filter((x) => /\.ya?ml$/i.test(x.path))) {
        const text = f.content.toString('utf8');
        secrets.push(...scanKubernetesSecretData(text, f.path, secretOptions), ...scanComposeEnvironment(text, f.path, secretOptions));
      }
      secrets = dedupeSecrets(secrets);
    }
    warnings.push(...opened.warnings.map((w) => `${w.path}: ${w.message}`));
  } finally {
    await opened.close();
  }
  warnings.push(...inventory.warnings.map((w) => `${w.path}: ${w.message}`));
  opts.onProgress?.('matching', 1, 3);
  let findings: VulnerabilityFinding[] = [];
  if (scanners.includes('vuln')) {
    if (backend === 'trivy') findings = (await runTrivy(opts.target)).sort(compareFindings);
    else {
      const db = openVulnDb(opts.dbFile);
      try {
        findings = matchPackages(db, inventory.os, inventory.packages, opened.info.layers, (w) => warnings.push(`${w.path}: ${w.message}`));
      } finally {
        db.close();
      }
    }
  }
  opts.onProgress?.('matching', 3, 3);
  let signatures: SignatureFinding[] = [];
  if (scanners.includes('signature')) {
    const t = opts.targetOptions ?? {};
    signatures = await scanSignatures(opts.target, opts.signature ?? {}, { insecure: t.insecure, credentials: t.credentials, limits: t.limits });
  }
  const severities = opts.severities && opts.severities.length > 0 ? new Set(opts.severities) : null;
  const counted = [...findings, ...misconfigurations.filter((m) => !m.suppressed), ...secrets.filter((x) => !x.baseline), ...signatures];
  const gate = evaluateThresholds(counted, opts.thresholds);
  // A required signature that is missing or bad fails the gate whatever the count thresholds say.
  const signatureReasons = signatureGateReasons(signatures);
  if (signatureReasons.length > 0) {
    gate.passed = false;
    gate.reasons.push(...signatureReasons);
  }
  return {
    target: opened.info,
    inventory,
    findings,
    shown: severities ? findings.filter((f) => severities.has(f.severity)) : findings,
    misconfigurations,
    shownMisconfigurations: severities ? misconfigurations.filter((m) => severities.has(m.severity)) : misconfigurations,
    secrets,
    shownSecrets: severities ? secrets.filter((x) => severities.has(x.severity)) : secrets,
    signatures,
    gate,
    warnings,
  };
}

/** One finding per secret and place (a file seen in several layers, or by two sources, counts once), sorted. */
function dedupeSecrets(all: SecretFinding[]): SecretFinding[] {
  const seen = new Map<string, SecretFinding>();
  for (const f of all) {
    const key = `${f.fingerprint}:${f.line}:${f.layer ?? ''}:${f.deleted ? 1 : 0}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.path.localeCompare(b.path) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}
