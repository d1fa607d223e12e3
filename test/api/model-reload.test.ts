import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/audit/index.js';
import { saveArtifact, sealArtifact } from '../../src/model/artifact.js';
import { sampleCustomers, testModel } from '../support/model.js';
import { bearer, errorBody, testApp, type TestApp } from './helpers.js';

let t: TestApp;
let admin: string;
let dir: string;
const payload = { customer_data: sampleCustomers(1)[0] };

beforeAll(async () => {
  const m = await testModel();
  dir = m.dir;
  t = await testApp();
  admin = await t.key('admin');
});

async function reload(path?: string) {
  return t.app.inject({ method: 'POST', url: '/admin/model/reload', headers: bearer(admin), payload: path === undefined ? {} : { path } });
}

async function servedVersion(): Promise<string> {
  return (await t.app.inject({ method: 'POST', url: '/predict', payload })).json().model_version;
}

describe('POST /admin/model/reload', () => {
  it('needs an admin key', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/admin/model/reload', headers: bearer(await t.key('predict')) })).statusCode).toBe(403);
  });

  it('swaps in a changed model file, clears the cache, audits and counts it', async () => {
    const m = await testModel();
    const old = await servedVersion();
    expect((await t.app.inject({ method: 'GET', url: '/cache/stats' })).json().size).toBeGreaterThan(0);
    // A second, different model next to the first: same data, another threshold.
    const { checksum: _c, ...rest } = m.model.artifact;
    const other = join(dir, 'other.json');
    await saveArtifact(other, sealArtifact({ ...rest, threshold: { ...rest.threshold, value: 0.42 } }));
    const res = await reload('other.json');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'reloaded', previous_version: old });
    expect(body.model_version).not.toBe(old);
    expect(await servedVersion()).toBe(body.model_version);
    expect((await t.app.inject({ method: 'GET', url: '/model' })).json().threshold.value).toBe(0.42);
    expect((await t.app.inject({ method: 'GET', url: '/cache/stats' })).json().size).toBe(1);
    const [entry] = await tailAudit(t.store, { limit: 1 });
    expect(entry).toMatchObject({ event: 'model.reloaded', detail: { version: body.model_version, previous: old } });
    // Back to the configured file when no path is given.
    expect((await reload()).json().model_version).toBe(old);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/churn_model_reloads_total\{result="ok"\} 2/);
  });

  it('refuses a bad file with a 4xx, audits it, and keeps serving the old model', async () => {
    const m = await testModel();
    const serving = await servedVersion();
    const text = readFileSync(m.path, 'utf8');
    writeFileSync(join(dir, 'garbage.json'), 'PK\u0003\u0004 not a model');
    writeFileSync(join(dir, 'tampered.json'), text.replace(/"threshold":\{"value":0\.(\d)/, (_s, d: string) => `"threshold":{"value":0.${d === '9' ? '8' : '9'}`));
    writeFileSync(join(dir, 'foreign.json'), '{"weights":[1,2,3]}');
    const cases: [string, number, string][] = [
      ['garbage.json', 422, 'MODEL_NOT_OURS'],
      ['tampered.json', 422, 'MODEL_CORRUPTED'],
      ['foreign.json', 422, 'MODEL_NOT_OURS'],
      ['missing.json', 422, 'MODEL_NOT_FOUND'],
      ['../../etc/passwd.json', 422, 'BAD_PATH'],
      ['/etc/hostname', 422, 'BAD_PATH'],
    ];
    for (const [path, status, code] of cases) {
      const res = await reload(path);
      expect(res.statusCode, path).toBe(status);
      expect(errorBody(res).error, path).toBe(code);
      expect(await servedVersion()).toBe(serving);
    }
    const failures = (await tailAudit(t.store, { limit: 50 })).filter((e) => e.event === 'model.reload_failed');
    expect(failures.map((e) => e.detail.code)).toEqual(expect.arrayContaining(['MODEL_NOT_OURS', 'MODEL_CORRUPTED', 'MODEL_NOT_FOUND', 'BAD_PATH']));
    expect(failures[0].detail.still_serving).toBe(serving);
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });

  it('a file replaced in place is picked up by a plain reload', async () => {
    const m = await testModel();
    const copy = join(dir, 'copy.json');
    copyFileSync(m.path, copy);
    const res = await reload('copy.json');
    expect(res.statusCode).toBe(200);
    expect(res.json().model_version).toBe(m.model.version);
  });
});
