import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/audit/index.js';
import { apiKeys } from '../../src/store/index.js';
import { storeTargets } from '../store/helpers.js';
import { sampleCustomers } from '../support/model.js';
import { bearer, errorBody, testApp, type TestApp } from './helpers.js';

const customer = sampleCustomers(1)[0];

describe.each(storeTargets('api_auth'))('auth on $name', (target) => {
  let t: TestApp;
  let open: TestApp;
  let admin: string;
  let predict: string;

  beforeAll(async () => {
    const store = await target.open();
    t = await testApp({ store, env: { REQUIRE_AUTH_FOR_PREDICT: 'true' } });
    open = await testApp({ store });
    admin = await t.key('admin');
    predict = await t.key('predict');
  });
  afterAll(async () => {
    await t.close();
    await open.close();
    await t.store.close();
    await target.cleanup();
  });

  const audit = async () => tailAudit(t.store, { limit: 1000 });

  it('admin routes need an admin key: 401 without one, 403 with a predict key', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/admin/audit' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(errorBody(none).error).toBe('UNAUTHORIZED');
    const wrong = await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(predict) });
    expect(wrong.statusCode).toBe(403);
    expect(errorBody(wrong).detail).toContain('admin');
    const ok = await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(admin) });
    expect(ok.statusCode).toBe(200);
  });

  it('a bad, malformed or revoked key is 401', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer('cp_' + 'x'.repeat(40)) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: { authorization: `Basic ${admin}` } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer('a'.repeat(300)) })).statusCode).toBe(401);
    const { key, record } = await apiKeys.create(t.store, { role: 'admin', name: 'short-lived' });
    await apiKeys.revoke(t.store, record.id);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(key) })).statusCode).toBe(401);
  });

  it('prediction routes need a key only when REQUIRE_AUTH_FOR_PREDICT is on; both roles may predict', async () => {
    const payload = { customer_data: customer };
    expect((await t.app.inject({ method: 'POST', url: '/predict', payload })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/predict', payload, headers: bearer(predict) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/predict', payload, headers: bearer(admin) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/predict/batch', payload: [customer] })).statusCode).toBe(401);
    expect((await open.app.inject({ method: 'POST', url: '/predict', payload })).statusCode).toBe(200);
    expect((await open.app.inject({ method: 'GET', url: '/admin/audit' })).statusCode).toBe(401);
  });

  it('failures are audited with the reason and counted in /metrics; keys never appear in the log', async () => {
    const before = (await audit()).length;
    await t.app.inject({ method: 'POST', url: '/cache/clear', headers: bearer('cp_NotARealKey000000000000000000000000000000') });
    await t.app.inject({ method: 'POST', url: '/cache/clear', headers: bearer(predict) });
    const entries = (await audit()).slice(0, (await audit()).length - before);
    const failure = entries.find((e) => e.event === 'auth.failure');
    const denied = entries.find((e) => e.event === 'authz.denied');
    expect(failure?.detail).toMatchObject({ reason: 'invalid', route: '/cache/clear', method: 'POST' });
    expect(denied?.detail).toMatchObject({ reason: 'forbidden', route: '/cache/clear' });
    expect(denied?.actor).toMatch(/^key:ak_/);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/churn_auth_failures_total\{reason="invalid"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/churn_auth_failures_total\{reason="forbidden"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/churn_auth_failures_total\{reason="missing"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(await audit()) + t.logs.join('');
    expect(text).not.toContain(admin);
    expect(text).not.toContain(predict);
  });

  it('admin successes are audited too, and the audit log pages backwards', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/audit?limit=2', headers: bearer(admin) });
    const body = page.json();
    expect(body.entries).toHaveLength(2);
    expect(body.entries[0].event).toBe('auth.success');
    expect(body.entries[0].seq).toBeGreaterThan(body.entries[1].seq);
    const older = (await t.app.inject({ method: 'GET', url: `/admin/audit?limit=2&before=${body.next_before}`, headers: bearer(admin) })).json();
    expect(older.entries[0].seq).toBeLessThan(body.entries[1].seq);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit?limit=abc', headers: bearer(admin) })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit?limit=5000', headers: bearer(admin) })).statusCode).toBe(400);
  });
});
