import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { appendAudit } from '../audit/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import { compareOpenFindings, openFinding, recordScan, renderHistoryTable, trackingKey, type DueDays, type HistoryView, type RecordedScan } from '../security/history/index.js';
import type { Thresholds } from '../security/policy/thresholds.js';
import type { ScanResult } from '../security/scan.js';
import { acceptedRisks, securityScans, type AcceptedRiskRecord } from '../store/index.js';
import { intOption } from './options.js';
import type { Cli } from './main.js';
import { withStore } from './store.js';

/** Files a `security-scan` run in the store (see recordScan); the CLI is the actor. */
export async function recordCliScan(input: { result: ScanResult; target: string; scanners: readonly string[]; thresholds: Thresholds; dueDays: DueDays; config: Config; now: Date }): Promise<RecordedScan> {
  return withStore(input.config, (store) =>
    recordScan(store, {
      result: input.result,
      targetInput: input.target,
      scanners: input.scanners,
      thresholds: input.thresholds,
      dueDays: input.dueDays,
      now: input.now,
      source: 'cli',
      actor: 'cli',
    }),
  );
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `--until`: a day (the acceptance ends as that day begins, UTC, as Trivy's ignore-file expiry
 * does) or a full ISO-8601 time with a zone.
 */
export function parseUntil(raw: string): Date {
  const text = raw.trim();
  const iso = DATE_ONLY.test(text) ? `${text}T00:00:00.000Z` : text;
  const d = new Date(iso);
  const hasZone = DATE_ONLY.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !hasZone || Number.isNaN(d.getTime()) || (DATE_ONLY.test(text) && d.toISOString().slice(0, 10) !== text)) {
    throw new UsageError(`--until must be a date (YYYY-MM-DD) or an ISO-8601 time with a zone, got "${raw}"`, { field: 'until' });
  }
  return d;
}

function describeRisk(r: AcceptedRiskRecord): string {
  const scope = [r.package ? `package ${r.package}` : '', r.target ? `target ${r.target}` : ''].filter(Boolean).join(', ');
  return `${r.id}: ${r.findingId}${scope ? ` (${scope})` : ''} accepted until ${r.until} by ${r.owner}: ${r.reason}`;
}

interface AcceptFlags {
  reason?: string;
  until?: string;
  owner?: string;
  package?: string;
  target?: string;
  revoke?: string;
}

/** The accepted-risk command and the history of a target's scans. */
export function registerSecurityHistoryCommands(program: Command, cli: Cli): void {
  program
    .command('security-accept')
    .description('accept the risk of a finding until a date: shown in reports, not counted by the gate until then (audited); --revoke ID ends it')
    .argument('[id]', 'the finding: an advisory id or alias (CVE-…, DSA-…, GHSA-…), a configuration check id or a secret rule id')
    .option('--reason <text>', 'why the risk is acceptable (required)')
    .option('--until <date>', 'when the acceptance ends: YYYY-MM-DD (at the start of that day, UTC) or an ISO-8601 time (required)')
    .option('--owner <name>', 'who answers for it (default: the current user)')
    .option('--package <name>', 'only this package (or, for configuration and secret findings, this file)')
    .option('--target <target>', 'only this scan target, written as for security-scan')
    .option('--revoke <id>', 'end the acceptance with this id (risk_…), or every one for this finding id (narrowed by --package/--target)')
    .action(async (id: string | undefined, o: AcceptFlags) => {
      const config = loadConfig();
      const target = o.target === undefined ? undefined : trackingKey(o.target);
      if (o.revoke !== undefined) {
        if (id !== undefined || o.reason !== undefined || o.until !== undefined) throw new UsageError('--revoke takes the id itself and no --reason or --until');
        const which = o.revoke.startsWith('risk_') ? { id: o.revoke } : { findingId: o.revoke, package: o.package ?? null, target: target ?? null };
        const revoked = await withStore(config, async (store) => {
          const done = await acceptedRisks.revoke(store, which, 'cli');
          for (const r of done) await appendAudit(store, { event: 'risk.revoked', actor: 'cli', detail: { riskId: r.id, findingId: r.findingId, package: r.package, target: r.target } });
          return done;
        });
        for (const r of revoked) cli.out(`revoked ${describeRisk(r)}`);
        return;
      }
      if (id === undefined) throw new UsageError('give the finding id to accept, or --revoke ID');
      if (o.reason === undefined) throw new UsageError('--reason is required: say why the risk is acceptable');
      if (o.until === undefined) throw new UsageError('--until is required: every acceptance expires');
      const until = parseUntil(o.until);
      const owner = o.owner ?? (userInfo().username || 'unknown');
      const risk = await withStore(config, async (store) => {
        const added = await acceptedRisks.add(store, { findingId: id, package: o.package ?? null, target: target ?? null, reason: o.reason ?? '', owner, until }, 'cli');
        await appendAudit(store, {
          event: 'risk.accepted',
          actor: 'cli',
          detail: { riskId: added.id, findingId: added.findingId, package: added.package, target: added.target, owner: added.owner, until: added.until, reason: added.reason },
        });
        return added;
      });
      cli.out(`accepted ${describeRisk(risk)}`);
    });

  program
    .command('security-history')
    .description("a target's stored scans over time, and its open findings with first seen, due date, overdue and accepted-until")
    .argument('<target>', 'the scan target, written as for security-scan')
    .option('--format <f>', 'table or json', 'table')
    .option('--limit <n>', 'how many scans to list, newest first', intOption(1, 10_000), 20)
    .action(async (targetInput: string, o: { format: string; limit: number }) => {
      if (o.format !== 'table' && o.format !== 'json') throw new UsageError(`--format must be table or json, got "${o.format}"`);
      const config = loadConfig();
      const target = trackingKey(targetInput);
      const now = new Date();
      const view = await withStore(config, async (store): Promise<HistoryView> => {
        const scans = await securityScans.list(store, target, o.limit);
        const latest = scans[0];
        const risks = await acceptedRisks.list(store, { activeAt: now });
        const stored = latest ? await securityScans.findings(store, latest.id) : [];
        const newKeys = new Set(latest?.comparison?.new.map((f) => f.key) ?? []);
        return {
          target,
          scans: scans.map((s) => ({
            id: s.id,
            scannedAt: s.scannedAt ?? s.createdAt,
            digest: s.digest,
            gatePassed: s.gate?.passed ?? null,
            counts: s.gate?.counts ?? null,
            new: s.comparison?.new.length ?? null,
            fixed: s.comparison?.fixed.length ?? null,
          })),
          findings: stored.map((f) => openFinding(f, f.firstSeen, newKeys.has(f.key), target, risks, config.security.dueDays, now)).sort(compareOpenFindings),
        };
      });
      if (o.format === 'json') cli.out(JSON.stringify({ ...view, now: now.toISOString() }, null, 2));
      else cli.out(renderHistoryTable(view));
    });
}
