import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { checkSecurityPolicies, policyReportJson } from '../../src/security/policy/index.js';
import { tempDir } from '../support/tmp.js';
import { edit, writeHardenedTree } from '../security/policy/hardened-tree.js';
import { bearer, errorBody, testApp, type TestApp } from './helpers.js';

const tmp = tempDir('churn-policies-api-');
const root = join(tmp.dir, 'project');
let t: TestApp;

beforeAll(async () => {
  writeHardenedTree(root);
  t = await testApp({ env: { DEPLOY_DIR: join(root, 'deploy') } });
});

describe('GET /admin/security/policies', () => {
  it('needs an admin key, like every /admin route', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/admin/security/policies' });
    expect(none.statusCode).toBe(401);
    expect(errorBody(none).error).toBe('UNAUTHORIZED');
    const predict = await t.app.inject({ method: 'GET', url: '/admin/security/policies', headers: bearer(await t.key('predict')) });
    expect(predict.statusCode).toBe(403);
  });

  it('serves the same data as `churn security-policies --format json`, computed from DEPLOY_DIR at each request', async () => {
    const key = await t.key('admin');
    const res = await t.app.inject({ method: 'GET', url: '/admin/security/policies', headers: bearer(key) });
    expect(res.statusCode).toBe(200);
    const expected = policyReportJson((await checkSecurityPolicies({ deployDir: join(root, 'deploy'), config: loadConfig({}) })).report);
    expect(res.json()).toEqual(expected);
    expect(res.json()).toMatchObject({ passed: true, summary: { enabled: 12, recommended_missing: 1, violated: 0 } });

    edit(root, 'deploy/k8s/deployment.yaml', 'drop: [ALL]', 'drop: [NET_RAW]');
    const after = (await t.app.inject({ method: 'GET', url: '/admin/security/policies', headers: bearer(key) })).json();
    expect(after.passed).toBe(false);
    const caps = after.policies.find((p: { id: string }) => p.id === 'drop-all-capabilities');
    expect(caps).toMatchObject({ status: 'violated', reasons: [{ file: 'deploy/k8s/deployment.yaml', message: expect.stringMatching(/^CP-K8S-006/) }] });
    edit(root, 'deploy/k8s/deployment.yaml', 'drop: [NET_RAW]', 'drop: [ALL]');
  });

  it('a server without a usable policy file answers 500 with a fixed sentence, not its paths', async () => {
    const other = await testApp({ env: { DEPLOY_DIR: join(tmp.dir, 'no-such-deploy') } });
    const res = await other.app.inject({ method: 'GET', url: '/admin/security/policies', headers: bearer(await other.key('admin')) });
    expect(res.statusCode).toBe(500);
    const body = errorBody(res);
    expect(body.error).toBe('DEPLOY_DIR_NOT_FOUND');
    expect(body.detail).toMatch(/run `churn security-policies --deploy DIR` on the server/);
    expect(body.detail).not.toContain(tmp.dir);
    expect(other.logs.join('\n')).toContain('security policies unavailable');
  });
});
