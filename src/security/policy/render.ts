import { AREAS } from './types.js';
import type { PolicyArea, PolicyReason, PolicyReport, PolicyResult, ThresholdRow } from './types.js';

export const POLICY_FORMATS = ['table', 'json', 'markdown'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

const AREA_TITLE: Record<PolicyArea, string> = { runtime: 'Runtime', network: 'Network', image: 'Image' };
/** Reasons shown per policy in the table and markdown views; JSON has them all. */
const SHOWN = 5;

export function isPolicyFormat(f: string): f is PolicyFormat {
  return (POLICY_FORMATS as readonly string[]).includes(f);
}

export function formatReason(r: PolicyReason): string {
  return `${r.file}${r.line > 0 ? `:${r.line}` : ''}: ${r.message}`;
}

function shownReasons(p: PolicyResult): string[] {
  const out = p.reasons.slice(0, SHOWN).map(formatReason);
  if (p.reasons.length > SHOWN) out.push(`… and ${p.reasons.length - SHOWN} more`);
  return out;
}

function due(d: number | null): string {
  return d === null ? 'no deadline' : d === 0 ? 'immediately' : `${d} day${d === 1 ? '' : 's'}`;
}

function limit(m: number | null): string {
  return m === null ? 'unlimited' : String(m);
}

function grid(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

function summaryLine(report: PolicyReport): string {
  const s = report.summary;
  return `${report.policies.length} policies: ${s.enabled} enabled, ${s.recommendedMissing} recommended-missing, ${s.violated} violated`;
}

function thresholdRows(rows: ThresholdRow[]): string[][] {
  return rows.map((t) => [t.severity.toUpperCase(), limit(t.max), t.source, due(t.dueDays), t.dueSource]);
}

/** Tables grouped by area, reasons indented under policies that are not enabled, then the thresholds. */
export function renderPolicyTable(report: PolicyReport): string {
  const out: string[] = [`Security policies (${report.policyFile}, deploy folder ${report.deployDir})`, ''];
  for (const area of AREAS) {
    const ps = report.policies.filter((p) => p.area === area);
    if (ps.length === 0) continue;
    out.push(AREA_TITLE[area]);
    const lines = grid([['Policy', 'Status', 'Enforcement', 'Description'], ...ps.map((p) => [p.name, p.status, p.enforcement, p.description])]);
    out.push(`  ${lines[0]}`);
    ps.forEach((p, i) => {
      out.push(`  ${lines[i + 1]}`);
      for (const r of p.status === 'enabled' ? [] : shownReasons(p)) out.push(`      ${r}`);
    });
    out.push('');
  }
  out.push('Thresholds');
  for (const l of grid([['Severity', 'Max findings', 'Source', 'Remediation due', 'Source'], ...thresholdRows(report.thresholds)])) out.push(`  ${l}`);
  out.push('', summaryLine(report));
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The same tables in Markdown; docs/SECURITY.md embeds this output verbatim. */
export function renderPolicyMarkdown(report: PolicyReport): string {
  const out: string[] = [];
  for (const area of AREAS) {
    const ps = report.policies.filter((p) => p.area === area);
    if (ps.length === 0) continue;
    out.push(`### ${AREA_TITLE[area]}`, '', '| Policy | Status | Enforcement | Description |', '| --- | --- | --- | --- |');
    for (const p of ps) {
      const why = p.status === 'enabled' ? '' : `<br>**Why:** ${shownReasons(p).map((r) => cell(r)).join('<br>')}`;
      out.push(`| ${cell(p.name)} | ${p.status} | ${p.enforcement} | ${cell(p.description)}${why} |`);
    }
    out.push('');
  }
  out.push('### Thresholds', '', '| Severity | Max findings | Source | Remediation due | Source |', '| --- | --- | --- | --- | --- |');
  for (const r of thresholdRows(report.thresholds)) out.push(`| ${r.join(' | ')} |`);
  out.push('', `${summaryLine(report)} (computed from \`${report.deployDir}/\` with \`${report.policyFile}\`).`);
  return `${out.join('\n')}\n`;
}

/** The JSON view (snake_case, like the API): the CLI's --format json and GET /admin/security/policies. */
export function policyReportJson(report: PolicyReport): PolicyReportJson {
  return {
    schema_version: 1,
    policy_file: report.policyFile,
    deploy_dir: report.deployDir,
    passed: report.summary.passed,
    summary: { enabled: report.summary.enabled, recommended_missing: report.summary.recommendedMissing, violated: report.summary.violated },
    policies: report.policies.map((p) => ({
      id: p.id,
      name: p.name,
      area: p.area,
      status: p.status,
      enforcement: p.enforcement,
      declared_enforcement: p.declaredEnforcement,
      description: p.description,
      reasons: p.reasons,
      checks: p.checks.map((c) => ({ type: c.type, passed: c.passed, reasons: c.reasons })),
    })),
    thresholds: report.thresholds.map((t) => ({ severity: t.severity, max: t.max, source: t.source, due_days: t.dueDays, due_source: t.dueSource })),
    trusted_registries: report.trustedRegistries,
    signature_requirements: report.signatureRequirements,
  };
}

export interface PolicyReportJson {
  schema_version: 1;
  policy_file: string;
  deploy_dir: string;
  passed: boolean;
  summary: { enabled: number; recommended_missing: number; violated: number };
  policies: {
    id: string;
    name: string;
    area: string;
    status: string;
    enforcement: string;
    declared_enforcement: string;
    description: string;
    reasons: PolicyReason[];
    checks: { type: string; passed: boolean; reasons: PolicyReason[] }[];
  }[];
  thresholds: { severity: string; max: number | null; source: string; due_days: number | null; due_source: string }[];
  trusted_registries: string[] | null;
  signature_requirements: number;
}

export function renderPolicyReport(format: PolicyFormat, report: PolicyReport): string {
  if (format === 'json') return `${JSON.stringify(policyReportJson(report), null, 2)}\n`;
  if (format === 'markdown') return renderPolicyMarkdown(report);
  return renderPolicyTable(report);
}
