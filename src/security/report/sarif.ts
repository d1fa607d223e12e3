import { createHash } from 'node:crypto';
import type { Location, Log, Notification, PhysicalLocation, ReportingDescriptor, Result } from 'sarif';
import type { Misconfiguration } from '../misconfig/index.js';
import type { ScanResult } from '../scan.js';
import type { SecretFinding } from '../secrets/index.js';
import { SEVERITY_RANK, type Severity, type TargetInfo, type VulnerabilityFinding } from '../types.js';
import { cell, code } from './markdown.js';
import { signatureFindings, type SignatureFindingView } from './signature-findings.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our own fingerprint in `partialFingerprints`; bump the version if its inputs change. */
export const FINGERPRINT_KEY = 'churnFinding/v1';
/** Image paths are relative to the image's root filesystem, which this base names. */
export const IMAGE_ROOT = 'ROOTPATH';
const MAX_NOTIFICATIONS = 200;

const LEVEL: Record<Severity, Result.level> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
/** What code-scanning dashboards read as `security-severity` when no CVSS score is known. */
const SEVERITY_SCORE: Record<Severity, number | null> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: null };

const SECRET_HELP =
  'Remove the secret from the file and rotate it: anyone who can pull the image or read the tree has it. A file deleted by a later image layer is still in the image history, so rebuild without it. Load credentials at run time from a secret store. A test fixture can be accepted in the secret baseline file or skipped through .churnignore.';

interface RuleEntry {
  rule: ReportingDescriptor;
  index: number;
  severity: Severity;
  score: number | null;
}

/** Rules in order of first use; each keeps the highest severity and score of its results. */
class Rules {
  readonly list: RuleEntry[] = [];
  private readonly byId = new Map<string, RuleEntry>();

  use(id: string, severity: Severity, score: number | null, make: () => ReportingDescriptor): number {
    let e = this.byId.get(id);
    if (!e) {
      e = { rule: make(), index: this.list.length, severity, score };
      this.byId.set(id, e);
      this.list.push(e);
    }
    if (SEVERITY_RANK[severity] < SEVERITY_RANK[e.severity]) e.severity = severity;
    if (score !== null && (e.score === null || score > e.score)) e.score = score;
    return e.index;
  }

  descriptors(): ReportingDescriptor[] {
    return this.list.map(({ rule, severity, score }) => {
      const securitySeverity = score ?? SEVERITY_SCORE[severity];
      const props = rule.properties ?? {};
      return {
        ...rule,
        defaultConfiguration: { level: LEVEL[severity] },
        properties: {
          ...props,
          ...(securitySeverity === null ? {} : { 'security-severity': securitySeverity.toFixed(1) }),
          tags: [...new Set([...(props.tags ?? []), severity])],
        },
      };
    });
  }
}

/**
 * A path as a relative URI reference: no leading slash, each segment percent-encoded (so a colon
 * in an image name or a space in a file name cannot turn it into something else).
 */
export function toUri(path: string): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  return segments.length === 0 ? '.' : segments.map(encodeURIComponent).join('/');
}

/** What an image-level finding (its config, not one of its files) points at: the image as named. */
function imageUri(target: TargetInfo): string {
  return toUri(target.name.replace(/^(?:docker-archive:|oci-archive:|oci:|docker:\/\/)/, ''));
}

function locate(target: TargetInfo, path: string, line: number): Location {
  const isImage = target.kind !== 'fs';
  const inImage = isImage && path.startsWith('/');
  const physicalLocation: PhysicalLocation = {
    artifactLocation: inImage ? { uri: toUri(path), uriBaseId: IMAGE_ROOT } : { uri: isImage ? imageUri(target) : toUri(path) },
  };
  if (line > 0 && (inImage || !isImage)) physicalLocation.region = { startLine: line };
  return { physicalLocation };
}

const fingerprint = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

const isUrl = (s: string | undefined): s is string => s !== undefined && URL.canParse(s) && /^https?:/i.test(s);

function vulnRule(group: readonly VulnerabilityFinding[]): ReportingDescriptor {
  const f = group[0];
  const title = f.title || f.id;
  const aliases = f.aliases.filter((a) => a !== f.id);
  const score = f.score !== null ? ` (CVSS ${f.score.toFixed(1)}${f.cvssVector ? `, ${f.cvssVector}` : ''})` : '';
  const fix = (v: VulnerabilityFinding) => (v.fixedVersion ? `upgrade ${v.pkgName} to ${v.fixedVersion} or later` : `no fixed version of ${v.pkgName} is published yet: remove the package or accept the risk until one is`);
  const remediation = [...new Set(group.map(fix))];
  const text = [
    `${f.id}: ${title}`,
    `Severity: ${f.severity}${score}`,
    ...(aliases.length > 0 ? [`Aliases: ${aliases.join(', ')}`] : []),
    ...(f.description && f.description !== title ? ['', f.description] : []),
    '',
    'Affected packages in this scan:',
    ...group.map((v) => `  ${v.pkgName} ${v.installedVersion} (${v.pkgPath}): fixed in ${v.fixedVersion ?? 'no release yet'}`),
    '',
    `Remediation: ${remediation.join('; ')}.`,
    ...(f.references.length > 0 ? ['', 'References:', ...f.references.map((r) => `  ${r}`)] : []),
  ].join('\n');
  const markdown = [
    `**${cell(f.id)}**: ${cell(title, 400)}`,
    '',
    `Severity: **${f.severity}**${score ? ` ${cell(score.trim())}` : ''}${aliases.length > 0 ? `; aliases: ${aliases.map((a) => code(a)).join(', ')}` : ''}`,
    ...(f.description && f.description !== title ? ['', cell(f.description, 2000)] : []),
    '',
    '| Package | Installed | Fixed version | Found in |',
    '|---|---|---|---|',
    ...group.map((v) => `| ${cell(v.pkgName)} | ${code(v.installedVersion)} | ${v.fixedVersion ? code(v.fixedVersion) : 'none yet'} | ${code(v.pkgPath)} |`),
    '',
    `**Remediation:** ${cell(remediation.join('; '), 2000)}.`,
    ...(f.references.length > 0 ? ['', ...f.references.slice(0, 10).map((r) => `- ${cell(r, 300)}`)] : []),
  ].join('\n');
  const ecosystems = [...new Set(group.map((v) => /^pkg:([a-z]+)\//.exec(v.purl)?.[1]).filter((e): e is string => Boolean(e)))];
  return {
    id: f.id,
    name: 'PackageVulnerability',
    shortDescription: { text: title },
    fullDescription: { text: f.description || title },
    ...(isUrl(f.references[0]) ? { helpUri: f.references[0] } : {}),
    help: { text, markdown },
    properties: { precision: 'very-high', tags: ['security', 'vulnerability', ...ecosystems] },
  };
}

function vulnResult(f: VulnerabilityFinding, ruleIndex: number, target: TargetInfo): Result {
  return {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.pkgName} ${f.installedVersion} is affected by ${f.id} (${f.severity}): ${f.title || f.id}. ${f.fixedVersion ? `Fixed in ${f.fixedVersion}.` : 'No fixed version yet.'}` },
    locations: [locate(target, f.pkgPath, 0)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint('vuln', f.id, f.purl, f.pkgPath) },
    properties: {
      package: f.pkgName,
      installedVersion: f.installedVersion,
      ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}),
      purl: f.purl,
      ...(f.layer ? { layerDiffId: f.layer.diffId } : {}),
    },
  };
}

function misconfigRule(m: Misconfiguration): ReportingDescriptor {
  const refs = [m.references.cis, m.references.pss, m.references.trivy ? `Trivy ${m.references.trivy}` : undefined].filter((x): x is string => Boolean(x));
  const text = [`${m.id}: ${m.title}`, `Severity: ${m.severity}`, ...(refs.length > 0 ? [`Maps to: ${refs.join('; ')}`] : []), '', `Resolution: ${m.remediation}`, ...(m.references.urls.length > 0 ? ['', 'References:', ...m.references.urls.map((u) => `  ${u}`)] : [])].join('\n');
  const markdown = [
    `**${cell(m.id)}**: ${cell(m.title, 400)}`,
    '',
    `Severity: **${m.severity}**${refs.length > 0 ? `; maps to ${refs.map((r) => cell(r)).join('; ')}` : ''}`,
    '',
    `**Resolution:** ${cell(m.remediation, 2000)}`,
    ...(m.references.urls.length > 0 ? ['', ...m.references.urls.map((u) => `- ${cell(u, 300)}`)] : []),
  ].join('\n');
  const kind = m.id.startsWith('CP-DF') ? 'dockerfile' : m.id.startsWith('CP-K8S') ? 'kubernetes' : m.id.startsWith('CP-DC') ? 'compose' : 'image-config';
  return {
    id: m.id,
    name: 'Misconfiguration',
    shortDescription: { text: m.title },
    fullDescription: { text: `${m.title}. ${m.remediation}` },
    ...(isUrl(m.references.urls[0]) ? { helpUri: m.references.urls[0] } : {}),
    help: { text, markdown },
    properties: { precision: 'very-high', tags: ['security', 'misconfiguration', kind] },
  };
}

function misconfigResult(m: Misconfiguration, ruleIndex: number, target: TargetInfo): Result {
  const resource = [m.resource.kind, m.resource.name, m.resource.container].filter(Boolean).join('/');
  const location = locate(target, m.file, m.line);
  location.logicalLocations = [{ name: m.resource.container ?? m.resource.name, fullyQualifiedName: resource, kind: 'resource' }];
  return {
    ruleId: m.id,
    ruleIndex,
    level: LEVEL[m.severity],
    message: { text: `${m.title}: ${m.description} (${resource})` },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint('config', m.id, m.file, resource, m.description) },
    ...(m.suppressed ? { suppressions: [{ kind: 'inSource', justification: m.suppressed.reason }] } : {}),
  };
}

function secretRule(s: SecretFinding): ReportingDescriptor {
  return {
    id: s.ruleId,
    name: 'Secret',
    shortDescription: { text: s.title },
    fullDescription: { text: `${s.title} (${s.category}) in a file or image setting.` },
    help: { text: `${s.ruleId}: ${s.title} (${s.category})\n\nResolution: ${SECRET_HELP}`, markdown: `**${cell(s.ruleId)}**: ${cell(s.title)} (${cell(s.category)})\n\n**Resolution:** ${SECRET_HELP}` },
    properties: { precision: 'high', tags: ['security', 'secret', s.category] },
  };
}

function secretResult(s: SecretFinding, ruleIndex: number, target: TargetInfo): Result {
  const notes = [s.deleted ? 'the file is deleted by a later layer but stays in the image history' : '', s.reason ?? ''].filter(Boolean);
  const layer = s.layer === undefined || target.kind === 'fs' ? undefined : target.layers[s.layer];
  return {
    ruleId: s.ruleId,
    ruleIndex,
    level: LEVEL[s.severity],
    // Only the redacted match ever leaves the scanner.
    message: { text: `${s.title} (${s.category}): ${s.match}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` },
    locations: [locate(target, s.path, s.line)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint('secret', s.fingerprint, String(s.line)) },
    properties: { category: s.category, ...(layer ? { layerDiffId: layer.diffId } : {}), ...(s.deleted ? { deleted: true } : {}) },
    ...(s.baseline ? { suppressions: [{ kind: 'external', justification: 'accepted in the secret baseline file' }] } : {}),
  };
}

function signatureRule(s: SignatureFindingView): ReportingDescriptor {
  return {
    id: s.id,
    name: 'Signature',
    shortDescription: { text: s.title },
    fullDescription: { text: s.title },
    help: { text: `${s.id}: ${s.title}\n\nResolution: ${s.remediation}`, markdown: `**${cell(s.id)}**: ${cell(s.title)}\n\n**Resolution:** ${cell(s.remediation, 2000)}` },
    properties: { precision: 'very-high', tags: ['security', 'signature'] },
  };
}

function signatureResult(s: SignatureFindingView, ruleIndex: number, target: TargetInfo): Result {
  return {
    ruleId: s.id,
    ruleIndex,
    level: LEVEL[s.severity],
    message: { text: `${s.title} (${s.code}): ${s.message}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: target.kind === 'fs' ? '.' : imageUri(target) } } }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint('signature', s.id, s.code, s.subject ?? target.name) },
  };
}

/**
 * The scan as one SARIF 2.1.0 run, for code-scanning dashboards: one rule per vulnerability,
 * configuration check, secret rule and signature check, with help text and remediation; one result
 * per finding the --severity filter lets through, located in the image (relative to its root,
 * ROOTPATH) or in the scanned tree. Suppressed and baseline-accepted findings carry `suppressions`.
 */
export function buildSarif(result: ScanResult, ctx: { now: Date; toolVersion: string }): Log {
  const { target } = result;
  const rules = new Rules();
  const results: Result[] = [];
  const groups = new Map<string, VulnerabilityFinding[]>();
  for (const f of result.shown) groups.set(f.id, [...(groups.get(f.id) ?? []), f]);
  for (const f of result.shown) {
    const group = groups.get(f.id) ?? [f];
    results.push(vulnResult(f, rules.use(f.id, f.severity, f.score, () => vulnRule(group)), target));
  }
  for (const m of result.shownMisconfigurations) results.push(misconfigResult(m, rules.use(m.id, m.severity, null, () => misconfigRule(m)), target));
  for (const s of result.shownSecrets) results.push(secretResult(s, rules.use(s.ruleId, s.severity, null, () => secretRule(s)), target));
  // The informational status (signed, or unsigned where nothing is required) is no problem to show.
  for (const s of signatureFindings(result).filter((x) => !x.passed)) results.push(signatureResult(s, rules.use(s.id, s.severity, null, () => signatureRule(s)), target));

  const notifications: Notification[] = result.warnings.slice(0, MAX_NOTIFICATIONS).map((w) => ({ level: 'warning', message: { text: w } }));
  if (result.warnings.length > MAX_NOTIFICATIONS) notifications.push({ level: 'warning', message: { text: `… and ${result.warnings.length - MAX_NOTIFICATIONS} more warnings` } });
  const os = result.inventory.os;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'churn-predictor',
            version: ctx.toolVersion,
            ...(/^\d+\.\d+\.\d+/.test(ctx.toolVersion) ? { semanticVersion: ctx.toolVersion } : {}),
            rules: rules.descriptors(),
          },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: ctx.now.toISOString(), ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        ...(target.kind === 'fs' ? {} : { originalUriBaseIds: { [IMAGE_ROOT]: { uri: 'file:///', description: { text: 'The root filesystem of the scanned image.' } } } }),
        results,
        properties: {
          target: target.name,
          targetKind: target.kind,
          ...(target.digest ? { digest: target.digest } : {}),
          ...(target.imageId ? { imageId: target.imageId } : {}),
          ...(target.repoTags.length > 0 ? { repoTags: target.repoTags } : {}),
          ...(os ? { os: `${os.family} ${os.version}` } : {}),
          packages: result.inventory.packages.length,
          gate: { passed: result.gate.passed, reasons: result.gate.reasons, counts: result.gate.counts },
        },
      },
    ],
  };
}
