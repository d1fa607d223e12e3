import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tailAudit, verifyAudit } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/index.js';
import { recordScan, trackingKey } from '../../src/security/history/index.js';
import { runScan } from '../../src/security/scan.js';
import { openStore, securityScans, type Store } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { writeRelease, writeVulnDb } from '../security/history/fixtures.js';

/**
 * Vulnerability management as a user meets it: `security-scan` runs against two real releases of
 * one image, each stored, compared with the one before, dated, judged against deadlines and
 * accepted risks; `security-accept` and `security-history` on the same store. The clock is
 * controlled by filing earlier scans through the library with an earlier `now`.
 */
const tmp = tempDir('churn-history-');
const dbFile = tmp.path('osv.db');
const storeUrl = `sqlite:${tmp.path('store.db')}`;
const DAY = 86_400_000;
const saved = { ...process.env };
let store: Store;

beforeAll(async () => {
  await writeVulnDb(tmp.dir, dbFile);
  store = await openStore({ url: storeUrl });
});
afterAll(async () => {
  await store.close();
});
beforeEach(() => {
  process.env.DATABASE_URL = storeUrl;
  process.env.DATA_DIR = tmp.dir;
  // Only deadlines decide these gates: the thresholds allow the findings themselves.
  process.env.MAX_HIGH_VULNERABILITIES = '10';
});
afterEach(() => {
  process.env = { ...saved };
});

const scan = (target: string, ...flags: string[]) => runCli('security-scan', target, '--db', dbFile, ...flags);

/** Files a scan of `target` as taken `daysAgo` days ago, as the CLI would have. */
async function scanInThePast(target: string, daysAgo: number): Promise<string> {
  const config = loadConfig();
  const thresholds = { maxCritical: 0, maxHigh: 10, maxMedium: 5, failOnVulnerabilities: true };
  const result = await runScan({ target, dbFile, thresholds });
  const r = await recordScan(store, { result, targetInput: target, scanners: ['vuln'], thresholds, dueDays: config.security.dueDays, now: new Date(Date.now() - daysAgo * DAY), source: 'cli', actor: 'cli' });
  return r.scanId;
}

describe('security-scan with history', () => {
  it('stores every scan and reports new, fixed and still open across two releases of an image', async () => {
    const layout = join(tmp.dir, 'app');
    const target = await writeRelease(layout, 1);
    const first = await scan(target);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('History: first scan of this target');

    await writeRelease(layout, 2);
    const second = await scan(target);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/History: compared with scan_\w+ of .* UTC: 1 new, 1 fixed, 1 still open/);
    expect(second.stdout).toMatch(/ new +HIGH +DSA-7003-1 +libbaz/);
    expect(second.stdout).toMatch(/ fixed +HIGH +DSA-7001-1 +libfoo/);

    const key = trackingKey(target);
    const [latest, earlier] = await securityScans.list(store, key);
    expect(latest.digest).not.toBe(earlier.digest);
    expect(latest.comparison?.previous?.scanId).toBe(earlier.id);
    expect(latest.comparison?.fixed.map((f) => [f.id, f.package])).toEqual([['DSA-7001-1', 'libfoo']]);
    expect(latest.comparison?.stillOpen.map((f) => [f.id, f.package])).toEqual([['DSA-7002-1', 'libbar']]);
    // libbar was upgraded (2.0-1 -> 2.0-2) but is still vulnerable: the same finding, first seen in the first scan.
    const libbar = (await securityScans.findings(store, latest.id)).find((f) => f.package === 'libbar');
    expect(libbar).toMatchObject({ version: '2.0-2', firstSeen: earlier.scannedAt });
    const stored = await securityScans.get(store, latest.id);
    expect((stored?.report as { Results: { Vulnerabilities: { VulnerabilityID: string }[] }[] }).Results[0].Vulnerabilities.map((v) => v.VulnerabilityID).sort()).toEqual(['DSA-7002-1', 'DSA-7003-1']);

    const audit = (await tailAudit(store, { limit: 10 })).filter((e) => e.event === 'scan.completed' && e.detail.target === key);
    expect(audit[0].detail).toMatchObject({ scanId: latest.id, new: 1, fixed: 1, stillOpen: 1, gatePassed: true, source: 'cli' });
    expect((await verifyAudit(store)).ok).toBe(true);
  });

  it('records nothing with --no-record, and keeps json output in the Trivy layout', async () => {
    const target = await writeRelease(join(tmp.dir, 'norecord'), 1);
    const r = await scan(target, '--no-record', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).SchemaVersion).toBe(2);
    expect(await securityScans.list(store, trackingKey(target))).toEqual([]);
    const table = await scan(target, '--no-record');
    expect(table.stdout).not.toContain('History:');
  });

  it('fails the gate on overdue findings, listed first, and writes a policy violation', async () => {
    const target = await writeRelease(join(tmp.dir, 'overdue'), 1);
    const past = await scanInThePast(target, 10);
    const firstSeen = (await securityScans.findings(store, past)).find((f) => f.package === 'libfoo')?.firstSeen ?? '';
    const r = await scan(target);
    expect(r.code).toBe(1);
    const due = new Date(Date.parse(firstSeen) + 7 * DAY).toISOString().slice(0, 10);
    expect(r.stderr).toContain(`1 finding past its due date: DSA-7001-1 in libfoo (HIGH, due ${due})`);
    expect(r.stdout).toMatch(/Overdue: 1\n +HIGH +DSA-7001-1 +libfoo +first seen \d{4}-\d\d-\d\d, due/);
    const violation = (await tailAudit(store, { limit: 5 })).find((e) => e.event === 'policy.violation');
    expect(violation?.detail).toMatchObject({ target: trackingKey(target), policy: 'security-gate' });

    const history = await runCli('security-history', target, '--format', 'json');
    expect(history.code).toBe(0);
    const view = JSON.parse(history.stdout) as { scans: unknown[]; findings: { id: string; overdue: boolean; firstSeen: string; dueAt: string }[] };
    expect(view.scans).toHaveLength(2);
    expect(view.findings.map((f) => [f.id, f.overdue])).toEqual([
      ['DSA-7001-1', true],
      ['DSA-7002-1', false],
    ]);
    expect(Date.parse(view.findings[1].dueAt) - Date.parse(view.findings[1].firstSeen)).toBe(30 * DAY);
    const table = await runCli('security-history', target);
    expect(table.stdout).toMatch(/Open findings: 2 \(1 overdue, 0 accepted\)/);
    expect(table.stdout).toMatch(/HIGH +DSA-7001-1 +libfoo .* OVERDUE/);

    // Deadlines are configuration: with none for HIGH the same scan passes.
    process.env.VULN_DUE_DAYS_HIGH = 'none';
    expect((await scan(target)).code).toBe(0);
  });

  it('leaves an accepted finding out of the gate until the acceptance expires or is revoked, all audited', async () => {
    const target = await writeRelease(join(tmp.dir, 'accepted'), 1);
    await scanInThePast(target, 10);
    expect((await scan(target)).code).toBe(1);

    const until = new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10);
    const accept = await runCli('security-accept', 'CVE-2099-7001', '--reason', 'not reachable: the service never parses foo input', '--until', until, '--owner', 'alice', '--package', 'libfoo', '--target', target);
    expect(accept.code).toBe(0);
    expect(accept.stdout).toMatch(/accepted risk_\w+: CVE-2099-7001 \(package libfoo, target oci:.*\) accepted until/);
    const accepted = (await tailAudit(store, { limit: 1 }))[0];
    expect(accepted).toMatchObject({ event: 'risk.accepted', actor: 'cli', detail: { findingId: 'CVE-2099-7001', package: 'libfoo', owner: 'alice', until: `${until}T00:00:00.000Z` } });

    const passing = await scan(target);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/Accepted risks \(not counted by the gate\): 1\n +HIGH +DSA-7001-1 +libfoo +accepted until .* \(alice: not reachable/);
    expect(passing.stdout).toContain('Gate: passed');

    // Past the expiry (a scan filed with a later clock) the finding counts again, and is overdue.
    const config = loadConfig();
    const thresholds = { maxCritical: 0, maxHigh: 10, maxMedium: 5, failOnVulnerabilities: true };
    const result = await runScan({ target, dbFile, thresholds });
    const later = await recordScan(store, { result, targetInput: target, scanners: ['vuln'], thresholds, dueDays: config.security.dueDays, now: new Date(Date.parse(until) + 1), source: 'cli', actor: 'cli' });
    expect(later.assessment.findings.find((f) => f.id === 'DSA-7001-1')).toMatchObject({ accepted: null, overdue: true });
    expect(later.assessment.gate.passed).toBe(false);

    const revoke = await runCli('security-accept', '--revoke', 'cve-2099-7001');
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/^revoked risk_\w+: CVE-2099-7001/);
    expect((await tailAudit(store, { limit: 1 }))[0]).toMatchObject({ event: 'risk.revoked', detail: { findingId: 'CVE-2099-7001' } });
    expect((await scan(target)).code).toBe(1);
    expect((await verifyAudit(store)).ok).toBe(true);
  });

  it('refuses bad acceptances with the flag named', async () => {
    const cases: [string[], RegExp][] = [
      [['CVE-1', '--until', '2999-01-01'], /--reason is required/],
      [['CVE-1', '--reason', 'r'], /--until is required/],
      [['CVE-1', '--reason', 'r', '--until', '2020-01-01'], /until must lie in the future/],
      [['CVE-1', '--reason', 'r', '--until', '2999-02-30'], /--until must be a date/],
      [['CVE-1', '--reason', 'r', '--until', 'next week'], /--until must be a date/],
      [['bad id!', '--reason', 'r', '--until', '2999-01-01'], /finding id must be/],
      [['--reason', 'r', '--until', '2999-01-01'], /give the finding id/],
      [['--revoke', 'CVE-404'], /No accepted risk in force for CVE-404/],
      [['CVE-1', '--revoke', 'CVE-1'], /--revoke takes the id itself/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli('security-accept', ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    expect((await runCli('security-history', 'app:1', '--format', 'xml')).code).toBe(2);
  });
});
