import { countBySeverity } from '../policy/thresholds.js';
import type { ScanResult } from '../scan.js';
import { SEVERITIES, SEVERITY_RANK, type Severity, type TargetInfo } from '../types.js';
import { signatureFindings } from './signature-findings.js';

/** Rows per findings table; the rest is counted and left to the JSON or SARIF report. */
export const TOP_FINDINGS = 20;
const MAX_CELL = 120;

/**
 * Text made safe for one GitHub-flavoured markdown table cell: pipes escaped, line breaks kept as
 * `<br>`, angle brackets and ampersands as entities (advisory titles hold `<`, and a CI page must
 * not render HTML from a scanned image).
 *
 * @example cell('a | b\nc') // 'a \\| b<br>c'
 */
export function cell(text: string, max = MAX_CELL): string {
  const flat = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return flat
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** Text as an inline code span inside a table cell (a redacted match, a digest, a path). */
export function code(text: string, max = MAX_CELL): string {
  if (text === '') return '';
  const flat = (text.length > max ? `${text.slice(0, max - 1)}…` : text).replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  // GFM splits table cells on `|` before it parses code spans, so the pipe is escaped even here.
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function table(head: string[], rows: string[][], align?: string[]): string[] {
  return [`| ${head.join(' | ')} |`, `|${(align ?? head.map(() => '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function bySeverity<T>(items: readonly T[], sev: (t: T) => Severity, accepted: (t: T) => boolean): T[] {
  return items
    .map((t, i) => ({ t, i }))
    .sort((a, b) => Number(accepted(a.t)) - Number(accepted(b.t)) || SEVERITY_RANK[sev(a.t)] - SEVERITY_RANK[sev(b.t)] || a.i - b.i)
    .map((x) => x.t);
}

/** A finding's place: in a folder scan, relative to the folder (as the JSON report writes it). */
function where(target: TargetInfo, path: string, line: number): string {
  const p = target.kind === 'fs' ? path.replace(/^\/+/, '') : path;
  return line > 0 ? `${p}:${line}` : p;
}

function section(title: string, total: number, rows: string[][], head: string[]): string[] {
  if (total === 0) return [];
  const shown = rows.length < total ? ` (top ${rows.length} of ${total})` : ` (${total})`;
  return ['', `## ${title}${shown}`, '', ...table(head, rows)];
}

/**
 * The scan as a summary a person reads on a CI job page: what was scanned, the gate's decision and
 * why, counts by severity, and the most severe findings (secrets only as their redacted match).
 */
export function renderMarkdown(result: ScanResult, ctx: { now: Date; toolVersion: string }): string {
  const { target, inventory, gate } = result;
  const signatures = signatureFindings(result);
  const os = inventory.os ? `${inventory.os.family} ${inventory.os.version}${inventory.os.codename ? ` (${inventory.os.codename})` : ''}` : 'unknown';
  const lines: string[] = [`# Security scan: ${cell(target.name, 200)}`, ''];
  lines.push(
    ...table(
      ['Scan', ''],
      [
        ['Target', `${code(target.name, 200)} (${target.kind})`],
        ['Digest', target.digest ? code(target.digest) : '—'],
        ...(target.imageId ? [['Image ID', code(target.imageId)]] : []),
        ...(target.repoTags.length > 0 ? [['Tags', target.repoTags.slice(0, 5).map((t) => code(t)).join(', ')]] : []),
        ['OS', cell(os)],
        ['Packages', String(inventory.packages.length)],
        ['Scanned', `${ctx.now.toISOString()} by churn-predictor ${cell(ctx.toolVersion)}`],
      ],
    ),
  );

  lines.push('', `## Gate: ${gate.passed ? 'PASSED' : 'FAILED'}`, '');
  if (!gate.passed) lines.push(...gate.reasons.map((r) => `- ${cell(r)}`));
  else if (gate.reasons.length > 0) lines.push('Reporting only (FAIL_ON_VULNERABILITIES=false); these limits were exceeded:', '', ...gate.reasons.map((r) => `- ${cell(r)}`));
  else lines.push('No severity limit was exceeded.');

  const vulnCounts = countBySeverity(result.findings);
  const configCounts = countBySeverity(result.misconfigurations.filter((m) => !m.suppressed));
  const secretCounts = countBySeverity(result.secrets.filter((s) => !s.baseline));
  const sigCounts = countBySeverity(signatures);
  const head = ['Severity', 'Vulnerabilities', 'Misconfigurations', 'Secrets', ...(signatures.length > 0 ? ['Signatures'] : []), 'Total'];
  const rows = SEVERITIES.map((s) => [s, String(vulnCounts[s]), String(configCounts[s]), String(secretCounts[s]), ...(signatures.length > 0 ? [String(sigCounts[s])] : []), `**${gate.counts[s]}**`]);
  lines.push('', '## Findings by severity', '', ...table(head, rows, head.map((_, i) => (i === 0 ? '---' : '--:'))));
  const suppressed = result.misconfigurations.length - result.misconfigurations.filter((m) => !m.suppressed).length;
  const baseline = result.secrets.length - result.secrets.filter((s) => !s.baseline).length;
  if (suppressed + baseline > 0) lines.push('', `Not counted: ${suppressed} suppressed misconfiguration${suppressed === 1 ? '' : 's'}, ${baseline} secret${baseline === 1 ? '' : 's'} accepted by the baseline.`);

  const vulns = result.shown;
  lines.push(
    ...section(
      'Vulnerabilities',
      vulns.length,
      vulns.slice(0, TOP_FINDINGS).map((f) => [f.severity, code(f.id), cell(f.pkgName), code(f.installedVersion), f.fixedVersion ? code(f.fixedVersion) : 'no fix yet', cell(f.title || f.description)]),
      ['Severity', 'ID', 'Package', 'Installed', 'Fixed', 'Title'],
    ),
  );
  const configs = bySeverity(result.shownMisconfigurations, (m) => m.severity, (m) => Boolean(m.suppressed));
  lines.push(
    ...section(
      'Misconfigurations',
      configs.length,
      configs.slice(0, TOP_FINDINGS).map((m) => [
        m.severity,
        code(m.id),
        code(where(target, m.file, m.line)),
        cell([m.resource.kind, m.resource.name, m.resource.container].filter(Boolean).join('/')),
        cell(`${m.title}: ${m.description}`) + (m.suppressed ? ` (suppressed: ${cell(m.suppressed.reason)})` : ''),
        cell(m.remediation),
      ]),
      ['Severity', 'Check', 'Location', 'Resource', 'Finding', 'Remediation'],
    ),
  );
  const secrets = bySeverity(result.shownSecrets, (s) => s.severity, (s) => Boolean(s.baseline));
  lines.push(
    ...section(
      'Secrets',
      secrets.length,
      secrets.slice(0, TOP_FINDINGS).map((s) => {
        const notes = [s.deleted ? 'deleted by a later layer, still in the image' : '', s.baseline ? 'baseline' : '', s.reason ?? ''].filter(Boolean);
        return [s.severity, code(s.ruleId), code(where(target, s.path, s.line)), code(s.match), cell(s.title + (notes.length > 0 ? ` (${notes.join('; ')})` : ''))];
      }),
      ['Severity', 'Rule', 'Location', 'Match (redacted)', 'Title'],
    ),
  );
  // Failures first; the informational status (signed / unsigned, nothing required) last.
  const sigs = bySeverity(signatures, (s) => s.severity, (s) => s.passed);
  lines.push(
    ...section(
      'Signatures',
      sigs.length,
      sigs.slice(0, TOP_FINDINGS).map((s) => [s.passed ? 'ok' : s.severity, code(s.id), code(s.code), cell(s.subject ?? target.name), cell(`${s.title}: ${s.message}`), s.passed ? '' : cell(s.remediation)]),
      ['Severity', 'Check', 'Code', 'Image', 'Finding', 'Remediation'],
    ),
  );
  if (vulns.length + configs.length + secrets.length + sigs.length === 0) lines.push('', 'No findings to show.');

  const w = result.warnings.length;
  lines.push('', w === 0 ? 'Warnings: none.' : `Warnings: ${w} (entries skipped or contained rather than failed; the CLI prints them on standard error).`);
  return `${lines.join('\n')}\n`;
}

