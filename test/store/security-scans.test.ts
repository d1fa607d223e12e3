import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { UsageError } from '../../src/errors.js';
import type { Comparison, PreviousFinding } from '../../src/security/history/index.js';
import { acceptedRisks, securityScans, StoreError, type CompletedScan, type Store } from '../../src/store/index.js';
import { codeOfAsync } from '../support/errors.js';
import { storeTargets } from './helpers.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (hours: number): Date => new Date(T0.getTime() + hours * 3_600_000);

function finding(id: string, pkg: string, firstSeen: Date): PreviousFinding {
  return { key: `vuln|${id}|pkg:deb/debian/${pkg}|/var/lib/dpkg/status`, kind: 'vuln', id, aliases: [`CVE-${id}`], package: pkg, version: '1.0-1', severity: 'HIGH', title: `${pkg} issue`, firstSeen: firstSeen.toISOString() };
}

const noChange: Comparison = { previous: null, new: [], fixed: [], stillOpen: [] };

function scan(target: string, scannedAt: Date, findings: PreviousFinding[], passed = true): CompletedScan {
  return {
    target,
    targetInput: target,
    digest: `sha256:${'a'.repeat(64)}`,
    scanners: ['vuln', 'secret'],
    source: 'cli',
    requestedBy: 'cli',
    scannedAt,
    gate: { passed, counts: { CRITICAL: 0, HIGH: findings.length, MEDIUM: 0, LOW: 0, UNKNOWN: 0 }, reasons: passed ? [] : ['too many'] },
    comparison: noChange,
    report: { SchemaVersion: 2, ArtifactName: target, Results: [] },
    findings,
  };
}

for (const target of storeTargets('secscans')) {
  let store: Store;
  describe(`security scans on ${target.name}`, () => {
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
      await target.cleanup();
    });

    it('stores scans with their findings and finds the previous scan of a target', async () => {
      const first = await securityScans.saveCompleted(store, scan('app', at(0), [finding('DSA-1', 'libfoo', at(0)), finding('DSA-2', 'libbar', at(0))], false));
      const second = await securityScans.saveCompleted(store, scan('app', at(5), [finding('DSA-2', 'libbar', at(0))]));
      await securityScans.saveCompleted(store, scan('other', at(7), []));

      expect(await securityScans.previous(store, 'app', at(6))).toMatchObject({ id: second, scannedAt: at(5).toISOString() });
      expect(await securityScans.previous(store, 'app', at(4))).toMatchObject({ id: first });
      expect(await securityScans.previous(store, 'app', at(5), second)).toMatchObject({ id: first });
      expect(await securityScans.previous(store, 'app', at(-1))).toBeNull();

      expect((await securityScans.list(store, 'app')).map((s) => s.id)).toEqual([second, first]);
      const got = await securityScans.get(store, first);
      expect(got).toMatchObject({ status: 'done', scanners: ['vuln', 'secret'], gate: { passed: false, reasons: ['too many'] }, comparison: noChange, report: { ArtifactName: 'app' } });
      const fs = await securityScans.findings(store, first);
      expect(fs.map((f) => [f.id, f.package, f.aliases, f.firstSeen])).toEqual([
        ['DSA-1', 'libfoo', ['CVE-DSA-1'], at(0).toISOString()],
        ['DSA-2', 'libbar', ['CVE-DSA-2'], at(0).toISOString()],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      const many = await securityScans.findingsOfScans(store, [first, second, 'scan_none']);
      expect([...many.entries()].map(([k, v]) => [k, v.length])).toEqual([[first, 2], [second, 1], ['scan_none', 0]]);
    });

    it('lists the newest scan of each target, most recent first', async () => {
      const latest = await securityScans.latestPerTarget(store);
      expect(latest.map((s) => [s.target, s.scannedAt])).toEqual([
        ['other', at(7).toISOString()],
        ['app', at(5).toISOString()],
      ]);
      expect(await securityScans.latestPerTarget(store, 1)).toHaveLength(1);
    });

    it('stores many findings in batches', async () => {
      const many = Array.from({ length: 1100 }, (_, i) => finding(`DSA-${i}`, `p${i}`, at(0)));
      const id = await securityScans.saveCompleted(store, scan('big', at(1), many));
      expect(await securityScans.findings(store, id)).toHaveLength(1100);
    });

    it('runs an API job through queued, running and done; a failed job refuses a late result', async () => {
      const id = await securityScans.createJob(store, { target: 'docker.io/library/app:1', targetInput: 'app:1', scanners: ['vuln'], source: 'api', requestedBy: 'key:ak_1' }, at(10));
      expect(await securityScans.get(store, id)).toMatchObject({ status: 'queued', createdAt: at(10).toISOString(), scannedAt: null, gate: null, report: null });
      expect(await securityScans.markRunning(store, id, at(10))).toBe(true);
      expect(await securityScans.markRunning(store, id, at(10))).toBe(false);
      expect(await securityScans.list(store, 'docker.io/library/app:1')).toEqual([]);
      await securityScans.saveCompleted(store, { ...scan('docker.io/library/app:1', at(11), [finding('DSA-9', 'libx', at(11))]), source: 'api', requestedBy: 'key:ak_1' }, id);
      expect(await securityScans.get(store, id)).toMatchObject({ status: 'done', source: 'api', scannedAt: at(11).toISOString(), startedAt: at(10).toISOString(), createdAt: at(10).toISOString() });
      expect(await securityScans.fail(store, id, 'too late')).toBe(false);

      const job = await securityScans.createJob(store, { target: 't', targetInput: 't', scanners: ['vuln'], source: 'api', requestedBy: 'key:ak_1' });
      expect(await securityScans.fail(store, job, 'the service stopped')).toBe(true);
      expect(await securityScans.get(store, job)).toMatchObject({ status: 'failed', error: 'the service stopped' });
      expect(await codeOfAsync(securityScans.saveCompleted(store, scan('t', at(12), []), job))).toBe('NOT_FOUND');
      expect(await securityScans.findings(store, job)).toEqual([]);
      expect(await securityScans.get(store, 'scan_missing')).toBeNull();
    });

    it('has database checks behind the values', async () => {
      await expect(sql`insert into security_scans (id, target, target_input, status, source, requested_by, scanners, created_at) values ('x', 't', 't', 'bogus', 'cli', 'cli', '', 'x')`.execute(store.db)).rejects.toThrow();
      await expect(sql`insert into security_findings (scan_id, finding_key, kind, finding_id, severity, first_seen) values ('no-such-scan', 'k', 'vuln', 'X', 'HIGH', 'x')`.execute(store.db)).rejects.toThrow();
    });

    describe('accepted risks', () => {
      it('adds, lists in force, expires and revokes acceptances', async () => {
        const a = await acceptedRisks.add(store, { findingId: 'CVE-2099-7001', package: 'libfoo', reason: ' not reachable ', owner: 'alice', until: at(48) }, 'cli', T0);
        expect(a).toMatchObject({ findingId: 'CVE-2099-7001', package: 'libfoo', target: null, reason: 'not reachable', owner: 'alice', until: at(48).toISOString(), createdBy: 'cli', revokedAt: null });
        const b = await acceptedRisks.add(store, { findingId: 'CP-DF-001', target: 'fs:/app', reason: 'r', owner: 'bob', until: at(2) }, 'cli', at(0.5));
        expect((await acceptedRisks.list(store, { activeAt: at(1) })).map((r) => r.id)).toEqual([a.id, b.id]);
        expect((await acceptedRisks.list(store, { activeAt: at(3) })).map((r) => r.id)).toEqual([a.id]);

        const revoked = await acceptedRisks.revoke(store, { findingId: 'cve-2099-7001' }, 'cli', at(4));
        expect(revoked.map((r) => [r.id, r.revokedAt, r.revokedBy])).toEqual([[a.id, at(4).toISOString(), 'cli']]);
        expect(await acceptedRisks.list(store, { activeAt: at(5) })).toEqual([]);
        expect(await codeOfAsync(acceptedRisks.revoke(store, { findingId: 'CVE-2099-7001' }, 'cli'))).toBe('NOT_FOUND');
        expect((await acceptedRisks.revoke(store, { id: b.id }, 'cli'))[0].id).toBe(b.id);
        expect((await acceptedRisks.list(store)).length).toBe(2);
      });

      it('revokes by finding id within the scope given', async () => {
        const one = await acceptedRisks.add(store, { findingId: 'CVE-1', package: 'p1', reason: 'r', owner: 'o', until: at(48) }, 'cli', T0);
        const two = await acceptedRisks.add(store, { findingId: 'CVE-1', package: 'p2', reason: 'r', owner: 'o', until: at(48) }, 'cli', T0);
        expect((await acceptedRisks.revoke(store, { findingId: 'CVE-1', package: 'p2' }, 'cli')).map((r) => r.id)).toEqual([two.id]);
        expect((await acceptedRisks.list(store, { activeAt: T0 })).map((r) => r.id)).toContain(one.id);
      });

      it.each([
        [{ findingId: 'bad id!', reason: 'r', owner: 'o', until: at(1) }, 'findingId'],
        [{ findingId: 'CVE-1', reason: '  ', owner: 'o', until: at(1) }, 'reason'],
        [{ findingId: 'CVE-1', reason: 'r', owner: '', until: at(1) }, 'owner'],
        [{ findingId: 'CVE-1', reason: 'r', owner: 'o', until: at(-1) }, 'until'],
        [{ findingId: 'CVE-1', reason: 'r', owner: 'o', until: new Date('x') }, 'until'],
      ])('rejects %j naming %s', async (input, field) => {
        const error = await acceptedRisks.add(store, input, 'cli', T0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UsageError);
        expect((error as UsageError).details).toMatchObject({ field });
      });

      it('reports NOT_FOUND as a StoreError', async () => {
        const error = await acceptedRisks.revoke(store, { id: 'risk_none' }, 'cli').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
      });
    });
  });
}
