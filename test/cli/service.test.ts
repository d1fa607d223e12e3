import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/audit/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { testApp, type TestApp } from '../api/helpers.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const db = join(tmp.dir, 'store.db');
let store: Store;

beforeAll(async () => {
  process.env.DATABASE_URL = `sqlite:${db}`;
  process.env.DATA_DIR = tmp.dir;
  store = await openStore({ url: `sqlite:${db}` });
});
afterAll(async () => {
  await store.close();
  delete process.env.DATABASE_URL;
  delete process.env.DATA_DIR;
  delete process.env.CHURN_API_KEY;
});

describe('churn auth', () => {
  it('create-key prints the key once; list shows it without the key; revoke marks it', async () => {
    const created = await runCli('auth', 'create-key', '--role', 'admin', '--name', 'ci');
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^cp_[0-9A-Za-z]{40}$/);
    const id = /key (ak_\w+)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    const list = await runCli('auth', 'list');
    expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(/ci\s+admin\s+cp_/);
    expect(list.stdout).not.toContain(key);
    const revoked = await runCli('auth', 'revoke', id as string);
    expect(revoked.code).toBe(0);
    expect((await runCli('auth', 'list')).stdout).toMatch(new RegExp(`${id}.*\\d{4}-\\d\\d-\\d\\dT.*Z\\s*$`, 'm'));
    const events = (await tailAudit(store, { limit: 10 })).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['apikey.created', 'apikey.revoked']));
    expect(JSON.stringify(await tailAudit(store, { limit: 10 }))).not.toContain(key);
  });

  it('refuses a bad role and an unknown id', async () => {
    expect((await runCli('auth', 'create-key', '--role', 'root')).code).toBe(2);
    const r = await runCli('auth', 'revoke', 'ak_nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ak_nope');
  });
});

describe('churn rate-limit-add / rate-limit-stats', () => {
  it('stores and audits a rule, and lists it over the defaults', async () => {
    const r = await runCli('rate-limit-add', 'partner', '--requests', '500', '--window', '60', '--burst', '50', '--description', 'partner API');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rule partner: 500 per 60 s, burst 50');
    const stats = await runCli('rate-limit-stats');
    expect(stats.stdout).toMatch(/partner\s+500\s+60\s+50\s+stored\s+partner API/);
    expect(stats.stdout).toMatch(/predict\s+30\s+60\s+10\s+default/);
    const [entry] = await tailAudit(store, { limit: 1 });
    expect(entry).toMatchObject({ event: 'ratelimit.rule_changed', actor: 'cli', detail: { rule: 'partner', via: 'cli' } });
    expect((await runCli('rate-limit-add', 'bad name', '--requests', '5', '--window', '60')).code).toBe(2);
    expect((await runCli('rate-limit-add', 'x', '--requests', '0', '--window', '60')).code).toBe(2);
  });
});

describe('churn audit', () => {
  it('verify passes an intact chain and names the first broken entry (exit 1)', async () => {
    const ok = await runCli('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: \d+ entries/);
    const tail = await runCli('audit', 'tail', '--limit', '2');
    expect(tail.stdout.trim().split('\n')).toHaveLength(2);
    expect(tail.stdout).toContain('ratelimit.rule_changed');
    await store.db.updateTable('audit_log').set({ actor: 'mallory' }).where('seq', '=', 2).execute();
    const broken = await runCli('audit', 'verify');
    expect(broken.stderr).toContain('audit log broken at entry 2');
    expect(broken.code).toBe(1);
  });
});

describe('questions to a running service', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await testApp({ limiter: 'memory' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  it('health-detailed prints each part and exits 0 when all is well', async () => {
    const r = await runCli('health-detailed', '--url', url);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+ok/);
    expect(r.stdout).toMatch(/store\s+ok \(sqlite\)/);
  });

  it('cache-stats shows the counters', async () => {
    const r = await runCli('cache-stats', '--url', url);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/capacity\s+10000/);
    expect(r.stdout).toMatch(/hit_rate\s+0\.0000/);
  });

  it('rate-limit-stats --url shows live counters with an admin key', async () => {
    expect((await runCli('rate-limit-stats', '--url', url)).code).toBe(2);
    process.env.CHURN_API_KEY = await t.key('admin');
    const r = await runCli('rate-limit-stats', '--url', url);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rules.predict.burst).toBe(10);
  });

  it('an unreachable service is an environment failure (exit 3)', async () => {
    const r = await runCli('health-detailed', '--url', 'http://127.0.0.1:9');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no answer from http://127.0.0.1:9');
  });
});
