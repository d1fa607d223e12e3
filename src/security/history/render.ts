import { SEVERITIES } from '../types.js';
import type { Assessment } from './assess.js';
import type { FindingRef, OpenFinding } from './types.js';

const LISTED = 10;

const day = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 10));
const refLine = (label: string, f: FindingRef): string => `  ${label.padEnd(7)} ${f.severity.padEnd(8)} ${f.id}${f.package ? `  ${f.package}` : ''}`;

function capped<T>(items: readonly T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, LISTED).map(line);
  if (items.length > LISTED) lines.push(`  … and ${items.length - LISTED} more`);
  return lines;
}

/** A finding's standing in words: overdue, accepted until, or when it is due. */
export function standing(f: OpenFinding): string {
  if (f.accepted) return `accepted until ${day(f.accepted.until)} (${f.accepted.owner}: ${f.accepted.reason.length > 60 ? `${f.accepted.reason.slice(0, 57)}...` : f.accepted.reason})`;
  if (f.overdue) return `OVERDUE since ${day(f.dueAt)}`;
  return f.dueAt === null ? 'no deadline' : `due ${day(f.dueAt)}`;
}

/**
 * The short section the table report ends with: the comparison with the previous scan of the
 * target, then overdue and accepted findings. Still-open findings are only counted.
 */
export function renderHistorySection(a: Assessment, scanId: string): string {
  const { comparison: c, findings } = a;
  const lines: string[] = [''];
  if (c.previous === null) lines.push(`History: first scan of this target (${scanId}), ${findings.length} open findings recorded`);
  else {
    lines.push(`History: compared with ${c.previous.scanId} of ${c.previous.scannedAt.slice(0, 16).replace('T', ' ')} UTC: ${c.new.length} new, ${c.fixed.length} fixed, ${c.stillOpen.length} still open`);
    lines.push(...capped(c.new, (f) => refLine('new', f)), ...capped(c.fixed, (f) => refLine('fixed', f)));
  }
  const overdue = findings.filter((f) => f.overdue);
  const accepted = findings.filter((f) => f.accepted !== null);
  if (overdue.length > 0) {
    lines.push(`Overdue: ${overdue.length}`);
    lines.push(...capped(overdue, (f) => `  ${f.severity.padEnd(8)} ${f.id}${f.package ? `  ${f.package}` : ''}  first seen ${day(f.firstSeen)}, due ${day(f.dueAt)}`));
  }
  if (accepted.length > 0) {
    lines.push(`Accepted risks (not counted by the gate): ${accepted.length}`);
    lines.push(...capped(accepted, (f) => `  ${f.severity.padEnd(8)} ${f.id}${f.package ? `  ${f.package}` : ''}  ${standing(f)}`));
  }
  return lines.join('\n');
}

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
  return [fmt(head), fmt(w.map((n) => '-'.repeat(n))), ...rows.map(fmt)];
}

export interface HistoryView {
  target: string;
  scans: {
    id: string;
    scannedAt: string;
    digest: string | null;
    gatePassed: boolean | null;
    counts: Record<string, number> | null;
    new: number | null;
    fixed: number | null;
  }[];
  /** Open findings of the newest scan, standing as of now. */
  findings: OpenFinding[];
}

/** `churn security-history` as a table: scans over time, then the open findings with their deadlines. */
export function renderHistoryTable(v: HistoryView): string {
  const lines = [`Scans of ${v.target}: ${v.scans.length}`];
  if (v.scans.length > 0) {
    lines.push(
      '',
      ...table(
        ['Scanned (UTC)', 'Scan', 'Digest', 'Gate', ...SEVERITIES.slice(0, 4).map((s) => s[0]), 'New', 'Fixed'],
        v.scans.map((s) => [
          s.scannedAt.slice(0, 19).replace('T', ' '),
          s.id,
          s.digest ? `${s.digest.slice(0, 19)}…` : '-',
          s.gatePassed === null ? '-' : s.gatePassed ? 'passed' : 'FAILED',
          ...SEVERITIES.slice(0, 4).map((sev) => String(s.counts?.[sev] ?? 0)),
          s.new === null ? '-' : String(s.new),
          s.fixed === null ? '-' : String(s.fixed),
        ]),
      ),
    );
  }
  const overdue = v.findings.filter((f) => f.overdue).length;
  const accepted = v.findings.filter((f) => f.accepted !== null).length;
  lines.push('', `Open findings: ${v.findings.length} (${overdue} overdue, ${accepted} accepted)`);
  if (v.findings.length > 0) {
    lines.push(
      '',
      ...table(
        ['Severity', 'ID', 'Package', 'First seen', 'Due', 'Status'],
        v.findings.map((f) => [f.severity, f.id, f.package, day(f.firstSeen), day(f.dueAt), f.accepted ? standing(f) : f.overdue ? 'OVERDUE' : f.dueAt === null ? 'no deadline' : 'open']),
      ),
    );
  }
  return lines.join('\n');
}
