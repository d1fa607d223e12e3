import type { Misconfiguration } from '../misconfig/index.js';
import { redact, scanImageConfigEnv, scanSecrets, type SecretFinding } from '../secrets/index.js';
import type { SignatureFinding } from '../signature/index.js';
import type { ImageConfig, Inventory, Package, Severity, TargetInfo, VulnerabilityFinding } from '../types.js';

/**
 * The report in the layout Trivy writes with `--format json` (SchemaVersion 2), so dashboards and
 * scripts that already read Trivy reports read ours. Only the fields we can fill truthfully are
 * written; results are grouped by package source (the OS packages, then each manifest file).
 */
export interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgID: string;
  PkgName: string;
  PkgIdentifier: { PURL: string };
  InstalledVersion: string;
  FixedVersion?: string;
  Status: 'fixed' | 'affected';
  Layer?: { Digest: string; DiffID: string };
  SeveritySource: string;
  PrimaryURL?: string;
  DataSource: { ID: string; Name: string };
  Title: string;
  Description: string;
  Severity: Severity;
  CVSS?: Record<string, { V3Vector?: string; V3Score?: number; V40Vector?: string; V40Score?: number }>;
  References: string[];
  PublishedDate?: string;
  LastModifiedDate?: string;
  VendorIDs?: string[];
}

export interface TrivyMisconfiguration {
  Type: string;
  ID: string;
  /** The equivalent Trivy check id, when one exists, so results can be mapped. */
  AVDID?: string;
  Title: string;
  Description: string;
  Message: string;
  Resolution: string;
  Severity: Severity;
  PrimaryURL?: string;
  References: string[];
  Status: 'FAIL' | 'SUPPRESSED';
  CauseMetadata: { Resource: string; Provider: string; StartLine?: number; EndLine?: number };
  Suppression?: { Reason: string };
}

export interface TrivySecret {
  RuleID: string;
  Category: string;
  Severity: Severity;
  Title: string;
  StartLine: number;
  EndLine: number;
  /** Redacted: never the whole secret. */
  Match: string;
  Layer?: { Digest: string; DiffID: string };
  Deleted?: boolean;
  Baseline?: boolean;
}

export interface TrivyResult {
  Target: string;
  Class: 'os-pkgs' | 'lang-pkgs' | 'secret' | 'config';
  Type: string;
  Vulnerabilities?: TrivyVulnerability[];
  Secrets?: TrivySecret[];
  Misconfigurations?: TrivyMisconfiguration[];
}

export interface TrivyReport {
  SchemaVersion: 2;
  CreatedAt: string;
  ArtifactName: string;
  ArtifactType: 'container_image' | 'filesystem';
  Metadata: {
    OS?: { Family: string; Name: string };
    ImageID?: string;
    DiffIDs?: string[];
    RepoTags?: string[];
    RepoDigests?: string[];
    ImageConfig?: unknown;
  };
  Results: TrivyResult[];
}

function ecosystemOf(f: VulnerabilityFinding): string {
  const m = /^pkg:([a-z]+)\//.exec(f.purl);
  return m ? m[1] : 'unknown';
}

function toTrivy(f: VulnerabilityFinding): TrivyVulnerability {
  const v: TrivyVulnerability = {
    VulnerabilityID: f.id,
    PkgID: `${f.pkgName}@${f.installedVersion}`,
    PkgName: f.pkgName,
    PkgIdentifier: { PURL: f.purl },
    InstalledVersion: f.installedVersion,
    Status: f.fixedVersion ? 'fixed' : 'affected',
    SeveritySource: f.source,
    DataSource: { ID: 'osv', Name: `OSV ${f.source}` },
    Title: f.title,
    Description: f.description,
    Severity: f.severity,
    References: f.references,
  };
  if (f.fixedVersion) v.FixedVersion = f.fixedVersion;
  if (f.layer) v.Layer = { Digest: f.layer.digest, DiffID: f.layer.diffId };
  if (f.references.length > 0) v.PrimaryURL = f.references[0];
  if (f.cvssVector && f.score !== null) {
    v.CVSS = { osv: f.cvssVector.startsWith('CVSS:4') ? { V40Vector: f.cvssVector, V40Score: f.score } : { V3Vector: f.cvssVector, V3Score: f.score } };
  }
  if (f.published) v.PublishedDate = f.published;
  if (f.modified) v.LastModifiedDate = f.modified;
  const aliases = f.aliases.filter((a) => a !== f.id);
  if (aliases.length > 0) v.VendorIDs = aliases;
  return v;
}

/** Builds the report. `now` is passed in so golden files and tests are stable. */
const CONFIG_TYPES: Record<string, { type: string; provider: string }> = {
  dockerfile: { type: 'dockerfile', provider: 'Dockerfile' },
  kubernetes: { type: 'kubernetes', provider: 'Kubernetes' },
  compose: { type: 'docker-compose', provider: 'Compose' },
  image: { type: 'image-config', provider: 'Image' },
};

function configKind(m: Misconfiguration): keyof typeof CONFIG_TYPES {
  if (m.id.startsWith('CP-DF')) return 'dockerfile';
  if (m.id.startsWith('CP-K8S')) return 'kubernetes';
  if (m.id.startsWith('CP-DC')) return 'compose';
  return 'image';
}

function toTrivyMisconfig(m: Misconfiguration): TrivyMisconfiguration {
  const kind = CONFIG_TYPES[configKind(m)];
  const resource = [m.resource.kind, m.resource.name, m.resource.container].filter(Boolean).join('/');
  const refs = [m.references.cis, m.references.pss].filter((x): x is string => Boolean(x));
  return {
    Type: `${kind.provider} Security Check`,
    ID: m.id,
    ...(m.references.trivy ? { AVDID: m.references.trivy } : {}),
    Title: m.title,
    Description: m.description,
    Message: m.description,
    Resolution: m.remediation,
    Severity: m.severity,
    ...(m.references.urls[0] ? { PrimaryURL: m.references.urls[0] } : {}),
    References: [...refs, ...m.references.urls],
    Status: m.suppressed ? 'SUPPRESSED' : 'FAIL',
    CauseMetadata: { Resource: resource, Provider: kind.provider, ...(m.line > 0 ? { StartLine: m.line, EndLine: m.line } : {}) },
    ...(m.suppressed ? { Suppression: { Reason: m.suppressed.reason } } : {}),
  };
}

export function buildTrivyReport(
  target: TargetInfo,
  inventory: Inventory,
  findings: readonly VulnerabilityFinding[],
  now: Date,
  misconfigurations: readonly Misconfiguration[] = [],
  secrets: readonly SecretFinding[] = [],
  signatures: readonly SignatureFinding[] = [],
): TrivyReport {
  const isImage = target.kind !== 'fs';
  const osName = inventory.os ? `${inventory.os.family} ${inventory.os.version}` : null;
  const groups = new Map<string, { result: TrivyResult; order: number }>();
  const osPkgs = new Set(['deb', 'apk', 'rpm']);
  const groupFor = (key: string, make: () => TrivyResult, order: number) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { result: make(), order }));
    return g.result;
  };
  // Every package source gets a result, even without findings, as Trivy does for OS packages.
  if (inventory.os) groupFor('os', () => ({ Target: `${target.name} (${osName})`, Class: 'os-pkgs', Type: inventory.os?.family ?? 'unknown', Vulnerabilities: [] }), 0);
  const langTarget = (p: Pick<Package, 'path'>) => p.path.replace(/^\//, '');
  for (const f of findings) {
    const eco = ecosystemOf(f);
    const result = osPkgs.has(eco)
      ? groupFor('os', () => ({ Target: `${target.name}${osName ? ` (${osName})` : ''}`, Class: 'os-pkgs', Type: inventory.os?.family ?? eco, Vulnerabilities: [] }), 0)
      : groupFor(`lang:${f.pkgPath}`, () => ({ Target: langTarget({ path: f.pkgPath }), Class: 'lang-pkgs', Type: eco === 'pypi' ? 'python-pkg' : eco === 'npm' ? 'node-pkg' : eco, Vulnerabilities: [] }), 1);
    result.Vulnerabilities?.push(toTrivy(f));
  }
  for (const m of misconfigurations) {
    const kind = CONFIG_TYPES[configKind(m)];
    groupFor(`config:${m.file}`, () => ({ Target: m.file.replace(/^\//, ''), Class: 'config', Type: kind.type, Misconfigurations: [] }), 2).Misconfigurations?.push(toTrivyMisconfig(m));
  }
  for (const x of secrets) {
    const layer = x.layer === undefined ? undefined : target.layers[x.layer];
    groupFor(`secret:${x.path}`, () => ({ Target: x.path.replace(/^\//, ''), Class: 'secret', Type: '', Secrets: [] }), 3).Secrets?.push({
      RuleID: x.ruleId,
      Category: x.category,
      Severity: x.severity,
      Title: x.title,
      StartLine: x.line,
      EndLine: x.line,
      Match: x.match,
      ...(layer && target.kind !== 'fs' ? { Layer: { Digest: layer.digest, DiffID: layer.diffId } } : {}),
      ...(x.deleted ? { Deleted: true } : {}),
      ...(x.baseline ? { Baseline: true } : {}),
    });
  }
  // Trivy has no signature class: failed signature checks travel as image misconfigurations, which
  // readers of Trivy reports already handle; the informational status is left out.
  for (const x of signatures.filter((f) => !f.passed)) {
    groupFor('signature', () => ({ Target: target.name, Class: 'config', Type: 'image-signature', Misconfigurations: [] }), 4).Misconfigurations?.push({
      Type: 'Image Signature Check',
      ID: x.id,
      Title: x.title,
      Description: x.title,
      Message: x.message,
      Resolution: 'Sign the image digest with a trusted key or identity (churn sign / cosign sign), and pull it from a trusted registry.',
      Severity: x.severity,
      References: [],
      Status: 'FAIL',
      CauseMetadata: { Resource: x.digest ?? x.target, Provider: 'Image' },
    });
  }
  const results = [...groups.values()].sort((a, b) => a.order - b.order || a.result.Target.localeCompare(b.result.Target)).map((g) => g.result);
  const metadata: TrivyReport['Metadata'] = {};
  if (inventory.os) metadata.OS = { Family: inventory.os.family, Name: inventory.os.version };
  if (isImage) {
    if (target.imageId) metadata.ImageID = target.imageId;
    metadata.DiffIDs = target.layers.map((l) => l.diffId);
    metadata.RepoTags = target.repoTags;
    metadata.RepoDigests = target.repoDigests;
    if (target.config) metadata.ImageConfig = withoutSecrets(target.config);
  }
  return {
    SchemaVersion: 2,
    CreatedAt: now.toISOString(),
    ArtifactName: target.name,
    ArtifactType: isImage ? 'container_image' : 'filesystem',
    Metadata: metadata,
    Results: results,
  };
}

/** Names whose values are withheld whatever they look like. */
const SENSITIVE_NAME = /pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth/i;

/**
 * The image config as the report shows it: Env values that are (or are named like) secrets
 * masked, and build history lines that hold one withheld. The Secrets results already report
 * them, redacted; the metadata must not print them whole.
 */
function withoutSecrets(config: ImageConfig): ImageConfig {
  const env = config.env.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 0) return entry;
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    return SENSITIVE_NAME.test(name) || scanImageConfigEnv([entry], REPORT_SCAN).length > 0 ? `${name}=${redact(value)}` : entry;
  });
  const history = config.history.map((h) => {
    const found = scanSecrets(Buffer.from(h.createdBy), 'history', REPORT_SCAN);
    return found.length === 0 ? h : { ...h, createdBy: `(withheld: holds a secret, ${[...new Set(found.map((f) => f.ruleId))].join(', ')})` };
  });
  return { ...config, env, history };
}

/** Placeholders count too: masking a fake value costs nothing, printing a real one is a leak. */
const REPORT_SCAN = Object.freeze({ placeholders: 'low' as const });

