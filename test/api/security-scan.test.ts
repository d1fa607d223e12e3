import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/audit/index.js';
import { recordScan, trackingKey } from '../../src/security/history/index.js';
import { runScan } from '../../src/security/scan.js';
import { defaultDbPath } from '../../src/security/vuln/db.js';
import { securityScans } from '../../src/store/index.js';
import { writeRelease, writeVulnDb } from '../security/history/fixtures.js';
import { tempDir } from '../support/tmp.js';
import { bearer, errorBody, testApp, type TestApp } from './helpers.js';

/**
 * Scans as API jobs over the real scanner, store and audit log: queued, run in the background,
 * stored like CLI scans (compared with the previous scan of the target), readable from any app on
 * the same store; a registry that holds its answer keeps a job running so the queue can be filled.
 */
const root = tempDir('churn-scanroot-');
const realRoot = realpathSync(root.dir);
let t: TestApp;
let admin: string;

interface ScanBody {
  id: string;
  status: string;
  target: string;
  source: string;
  requested_by: string;
  error: string | null;
  gate: { passed: boolean; reasons: string[]; counts: Record<string, number> } | null;
  comparison: { previous: { scan_id: string } | null; new: { id: string }[]; fixed: { id: string }[]; still_open: { id: string }[] } | null;
  report: { SchemaVersion: number; Results: { Vulnerabilities?: { VulnerabilityID: string }[] }[] } | null;
}

/** A registry that answers nothing until released, then 404 to everything. */
function stallingRegistry() {
  const held: ServerResponse[] = [];
  let released = false;
  let firstRequest: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (firstRequest = resolve));
  const notFound = (res: ServerResponse) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN","message":"no such repository"}]}');
  const server = createServer((req, res) => {
    req.resume();
    firstRequest();
    if (released) notFound(res);
    else held.push(res);
  });
  return {
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    asked,
    release() {
      released = true;
      held.splice(0).forEach(notFound);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function post(app: FastifyInstance, key: string, body: unknown) {
  return app.inject({ method: 'POST', url: '/admin/security/scan', headers: bearer(key), payload: body as Record<string, unknown> });
}

async function getScan(app: FastifyInstance, key: string, id: string): Promise<ScanBody> {
  const res = await app.inject({ method: 'GET', url: `/admin/security/scans/${id}`, headers: bearer(key) });
  expect(res.statusCode).toBe(200);
  return res.json() as ScanBody;
}

/** Polls until the job is done or failed (bounded, so a stuck job fails the test instead of hanging it). */
async function finished(app: FastifyInstance, key: string, id: string): Promise<ScanBody> {
  for (let i = 0; i < 600; i++) {
    const body = await getScan(app, key, id);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`scan ${id} did not finish`);
}

const ids = (list: { id: string }[] | undefined) => (list ?? []).map((f) => f.id).sort();

beforeAll(async () => {
  t = await testApp({ env: { SECURITY_SCAN_ROOT: root.dir, SECURITY_SCAN_QUEUE_LENGTH: '1', MAX_HIGH_VULNERABILITIES: '10' } });
  await writeVulnDb(root.dir, defaultDbPath(t.config.dataDir));
  admin = await t.key('admin');
}, 60_000);

describe('POST /admin/security/scan and GET /admin/security/scans/{id}', () => {
  it('runs a scan in the background, stores it, and compares the re-scan with it', async () => {
    const layout = join(root.dir, 'app');
    await writeRelease(layout, 1);
    const first = await post(t.app, admin, { target: 'oci:app:app' });
    expect(first.statusCode).toBe(202);
    const accepted = first.json() as { id: string; status: string; target: string };
    expect(accepted).toEqual({ id: expect.stringMatching(/^scan_\w{16}$/), status: 'queued', target: `oci:${realRoot}/app:app` });
    expect(first.headers.location).toBe(`/admin/security/scans/${accepted.id}`);

    const one = await finished(t.app, admin, accepted.id);
    expect(one).toMatchObject({ status: 'done', source: 'api', requested_by: expect.stringMatching(/^key:ak_/), error: null, gate: { passed: true }, comparison: { previous: null } });
    expect(ids(one.comparison?.new)).toEqual(['DSA-7001-1', 'DSA-7002-1']);
    expect(one.report?.SchemaVersion).toBe(2);
    expect(ids(one.report?.Results[0].Vulnerabilities?.map((v) => ({ id: v.VulnerabilityID })))).toEqual(['DSA-7001-1', 'DSA-7002-1']);

    await writeRelease(layout, 2);
    const second = (await post(t.app, admin, { target: `oci:${layout}:app`, scanners: ['vuln'] })).json() as { id: string };
    const two = await finished(t.app, admin, second.id);
    expect(two.comparison?.previous?.scan_id).toBe(accepted.id);
    expect(ids(two.comparison?.new)).toEqual(['DSA-7003-1']);
    expect(ids(two.comparison?.fixed)).toEqual(['DSA-7001-1']);
    expect(ids(two.comparison?.still_open)).toEqual(['DSA-7002-1']);

    // Filed under the same history as `churn security-scan oci:<root>/app:app`.
    expect((await securityScans.list(t.store, trackingKey(`oci:${realRoot}/app:app`))).map((s) => s.id)).toEqual([second.id, accepted.id]);
    const audit = (await tailAudit(t.store, { limit: 20 })).find((e) => e.event === 'scan.completed' && e.detail.scanId === second.id);
    expect(audit?.actor).toMatch(/^key:ak_/);

    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const label = `target="oci:${realRoot}/app:app"`;
    expect(metrics).toContain(`churn_security_findings{severity="HIGH",${label}} 1`);
    expect(metrics).toContain(`churn_security_findings{severity="MEDIUM",${label}} 1`);
    expect(metrics).toContain(`churn_security_findings_overdue{${label}} 0`);
    expect(metrics).toContain(`churn_security_gate_passed{${label}} 1`);
    expect(metrics).toMatch(new RegExp(`churn_security_last_scan_timestamp_seconds\\{${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\} \\d{10}`));
  });

  it('exports overdue findings as of the scrape, from scans any process filed', async () => {
    const target = await writeRelease(join(root.dir, 'old'), 1);
    const thresholds = { maxCritical: 0, maxHigh: 10, maxMedium: 5, failOnVulnerabilities: true };
    const result = await runScan({ target, dbFile: defaultDbPath(t.config.dataDir), thresholds });
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await recordScan(t.store, { result, targetInput: target, scanners: ['vuln'], thresholds, dueDays: t.config.security.dueDays, now: tenDaysAgo, source: 'cli', actor: 'cli' });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const label = `target="${trackingKey(target)}"`;
    // Passed when it was scanned; its HIGH finding (7 days) has been overdue since.
    expect(metrics).toContain(`churn_security_gate_passed{${label}} 1`);
    expect(metrics).toContain(`churn_security_findings_overdue{${label}} 1`);
    expect(metrics).toContain(`churn_security_last_scan_timestamp_seconds{${label}} ${tenDaysAgo.getTime() / 1000}`);
  });

  it('answers for a job from another app on the same store (another replica)', async () => {
    await writeRelease(join(root.dir, 'replica'), 1);
    const { id } = (await post(t.app, admin, { target: 'oci:replica:app' })).json() as { id: string };
    const other = await testApp({ store: t.store, env: { SECURITY_SCAN_ROOT: root.dir } });
    const seen = await finished(other.app, admin, id);
    expect(seen).toMatchObject({ id, status: 'done', gate: { passed: true } });
    await other.close();
  });

  it('runs one scan at a time, keeps SECURITY_SCAN_QUEUE_LENGTH waiting and refuses more with 503', async () => {
    const registry = stallingRegistry();
    const host = await registry.start();
    try {
      const stalled = (await post(t.app, admin, { target: `${host}/stall:1` })).json() as { id: string };
      await registry.asked;
      expect((await getScan(t.app, admin, stalled.id)).status).toBe('running');
      await writeRelease(join(root.dir, 'waiting'), 1);
      const waiting = await post(t.app, admin, { target: 'oci:waiting:app' });
      expect(waiting.statusCode).toBe(202);
      const full = await post(t.app, admin, { target: 'oci:waiting:app' });
      expect(full.statusCode).toBe(503);
      expect(full.headers['retry-after']).toBe('30');
      expect(errorBody(full).error).toBe('SCAN_QUEUE_FULL');
      const waitingId = (waiting.json() as { id: string }).id;
      expect((await getScan(t.app, admin, waitingId)).status).toBe('queued');

      registry.release();
      const failed = await finished(t.app, admin, stalled.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/^NOT_FOUND: .*stall:1.*HTTP 404/);
      expect(failed.report).toBeNull();
      expect((await finished(t.app, admin, waitingId)).status).toBe('done');
    } finally {
      registry.release();
      await registry.close();
    }
  });

  it('refuses targets that would read the server outside SECURITY_SCAN_ROOT', async () => {
    mkdirSync(join(root.dir, 'links'), { recursive: true });
    symlinkSync('/etc', join(root.dir, 'links', 'etc'));
    const cases: [unknown, RegExp][] = [
      [{ target: '/etc' }, /outside SECURITY_SCAN_ROOT/],
      [{ target: 'fs:../../etc' }, /outside SECURITY_SCAN_ROOT/],
      [{ target: `docker-archive:${realRoot}/../x.tar` }, /outside SECURITY_SCAN_ROOT/],
      [{ target: 'fs:links/etc' }, /through a symbolic link/],
      [{ target: '~/secrets' }, /"~" paths are not accepted/],
      [{ target: 'fs:missing' }, /nothing at missing inside SECURITY_SCAN_ROOT/],
    ];
    for (const [body, detail] of cases) {
      const res = await post(t.app, admin, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(errorBody(res)).toMatchObject({ error: 'TARGET_NOT_ALLOWED', detail: expect.stringMatching(detail) });
    }
  });

  it('validates the request and the id, and needs an admin key', async () => {
    for (const body of [{}, { target: '' }, { target: 'app:1', extra: 1 }, { target: 'app:1', scanners: ['nope'] }, { target: 'app:1', scanners: [] }, { target: 'Bad Ref' }]) {
      const res = await post(t.app, admin, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      errorBody(res);
    }
    expect((await t.app.inject({ method: 'POST', url: '/admin/security/scan', payload: { target: 'app:1' } })).statusCode).toBe(401);
    expect((await post(t.app, await t.key('predict'), { target: 'app:1' })).statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: '/admin/security/scans/scan_0000000000000000', headers: bearer(admin) });
    expect(unknown.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/admin/security/scans/..%2F..', headers: bearer(admin) })).statusCode).toBe(400);
  });

  it('refuses every scan when SECURITY_SCAN_ENABLED is false, and local paths without SECURITY_SCAN_ROOT', async () => {
    const off = await testApp({ env: { SECURITY_SCAN_ENABLED: 'false' } });
    const key = await off.key('admin');
    const res = await post(off.app, key, { target: 'app:1' });
    expect(res.statusCode).toBe(403);
    expect(errorBody(res).error).toBe('SCAN_DISABLED');
    const noRoot = await testApp();
    const res2 = await post(noRoot.app, await noRoot.key('admin'), { target: `oci:${realRoot}/app:app` });
    expect(res2.statusCode).toBe(400);
    expect(errorBody(res2).detail).toMatch(/unless SECURITY_SCAN_ROOT names a folder/);
  });

  it('marks waiting and running jobs failed when the service stops', async () => {
    const registry = stallingRegistry();
    const host = await registry.start();
    const app = await testApp({ store: t.store, env: { SECURITY_SCAN_ROOT: root.dir, SHUTDOWN_TIMEOUT_MS: '400' } });
    try {
      const running = (await post(app.app, admin, { target: `${host}/stall:2` })).json() as { id: string };
      await registry.asked;
      const waiting = (await post(app.app, admin, { target: 'oci:waiting:app' })).json() as { id: string };
      await app.close();
      expect(await securityScans.get(t.store, waiting.id)).toMatchObject({ status: 'failed', error: 'the service stopped before the scan started' });
      expect(await securityScans.get(t.store, running.id)).toMatchObject({ status: 'failed', error: 'the service stopped while the scan was running' });
    } finally {
      registry.release();
      await registry.close();
    }
  });
});
