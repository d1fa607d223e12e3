import type { Misconfiguration } from '../misconfig/index.js';
import type { GateResult } from '../policy/thresholds.js';
import type { SecretFinding } from '../secrets/index.js';
import type { SignatureFinding } from '../signature/index.js';
import { SEVERITIES, type Inventory, type TargetInfo, type VulnerabilityFinding } from '../types.js';

/** A report for a person at a terminal: counts, then findings grouped by package. */
export function renderTable(target: TargetInfo, inventory: Inventory, findings: readonly VulnerabilityFinding[], gate: GateResult, misconfigurations: readonly Misconfiguration[] = [], secrets: readonly SecretFinding[] = [], signatures: readonly SignatureFinding[] = []): string {
  const lines: string[] = [];
  const os = inventory.os ? `${inventory.os.family} ${inventory.os.version}` : 'unknown OS';
  lines.push(`${target.name} (${os}), ${inventory.packages.length} packages`);
  // The counts are what the gate weighs: vulnerabilities, configuration findings and secrets together.
  lines.push(`Total: ${SEVERITIES.reduce((n, s) => n + gate.counts[s], 0)} (${SEVERITIES.map((s) => `${s}: ${gate.counts[s]}`).join(', ')}); ${findings.length} vulnerabilities`);
  if (findings.length > 0) {
    const rows = findings.map((f) => [f.pkgName, f.id, f.severity, f.installedVersion, f.fixedVersion ?? '', f.title.length > 60 ? `${f.title.slice(0, 57)}...` : f.title]);
    const head = ['Package', 'Vulnerability', 'Severity', 'Installed', 'Fixed', 'Title'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
    lines.push('', fmt(head), fmt(w.map((n) => '-'.repeat(n))));
    let last = '';
    for (const r of rows) {
      lines.push(fmt(r[0] === last ? ['', ...r.slice(1)] : r));
      last = r[0];
    }
  }
  if (misconfigurations.length > 0) {
    lines.push('', `Configuration: ${misconfigurations.length} findings${misconfigurations.some((m) => m.suppressed) ? ` (${misconfigurations.filter((m) => m.suppressed).length} suppressed)` : ''}`);
    for (const m of misconfigurations) {
      const where = m.line > 0 ? `${m.file}:${m.line}` : m.file;
      const res = [m.resource.kind, m.resource.name, m.resource.container].filter(Boolean).join('/');
      lines.push(`  ${m.severity.padEnd(8)} ${m.id}  ${where}  ${res}: ${m.title}${m.suppressed ? ` [suppressed: ${m.suppressed.reason}]` : ''}`);
    }
  }
  if (secrets.length > 0) {
    lines.push('', `Secrets: ${secrets.length} findings`);
    for (const x of secrets) {
      // A folder has no layers: its paths read as the user wrote them, relative to the folder.
      const where = target.kind === 'fs' ? `${x.path.replace(/^\//, '')}:${x.line}` : `${x.path}:${x.line}${x.layer !== undefined ? ` (layer ${x.layer}${x.deleted ? ', deleted later' : ''})` : ''}`;
      lines.push(`  ${x.severity.padEnd(8)} ${x.ruleId}  ${where}  ${x.match}${x.baseline ? ' [baseline]' : ''}${x.reason ? ` [${x.reason}]` : ''}`);
    }
  }
  if (signatures.length > 0) {
    const failed = signatures.filter((x) => !x.passed).length;
    lines.push('', `Signatures: ${failed === 0 ? 'no failures' : `${failed} failed`}`);
    for (const x of signatures) lines.push(`  ${x.severity.padEnd(8)} ${x.id}  ${x.code}  ${x.message}`);
  }
  if (inventory.warnings.length > 0) lines.push('', `${inventory.warnings.length} malformed package entries were skipped`);
  lines.push('', gate.passed ? 'Gate: passed' : `Gate: FAILED\n${gate.reasons.map((r) => `  - ${r}`).join('\n')}`);
  return lines.join('\n');
}
