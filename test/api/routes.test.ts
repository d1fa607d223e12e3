import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, testApp, type TestApp } from './helpers.js';
import { customersCsv, sampleCustomers, testModel } from '../support/model.js';

let t: TestApp;
const customers = sampleCustomers(50);

beforeAll(async () => {
  t = await testApp();
});

function multipart(csv: string, boundary = 'XyZ123boundary'): { payload: string; headers: Record<string, string> } {
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** [path, methods] from Fastify's route tree printout (one segment per line, four characters per level). */
function routeList(tree: string): [string, string[]][] {
  const stack: string[] = [];
  const out: [string, string[]][] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4 - 1;
    stack.push(m[2]);
    out.push([stack.join(''), m[3].split(', ')]);
  }
  return out;
}

describe('service routes', () => {
  it('GET / names the service and the model version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.name).toBe('churn-predictor');
    expect(body.model_version).toBe((await testModel()).model.version);
    expect(body.links.docs).toBe('/docs');
  });

  it('GET /health, /ready and /health/detailed report each part', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    const d = (await t.app.inject({ method: 'GET', url: '/health/detailed' })).json();
    expect(d.status).toBe('ok');
    expect(d.model).toMatchObject({ status: 'ok', version: (await testModel()).model.version });
    expect(d.store).toMatchObject({ status: 'ok', dialect: 'sqlite' });
    expect(d.redis.status).toBe('not_configured');
    expect(d.rate_limit.enabled).toBe(false);
    expect(d.memory.rss_bytes).toBeGreaterThan(0);
  });

  it('every response carries a request id and security headers; a sane incoming id is kept', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-42' } });
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
    const missing = await t.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(res.headers['content-security-policy']);
    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('predictions', () => {
  it('POST /predict returns label, probability, risk level, top factors and version', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/predict', payload: { customer_data: customers[0] } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['model_version', 'prediction', 'probability', 'risk_level', 'top_factors']);
    const { model } = await testModel();
    const row = new Float64Array(model.width);
    model.encoder.encodeObject(customers[0], row, 0, 'x');
    const p = new Float64Array(1);
    model.predictProba(row, 1, p);
    expect(body.probability).toBeCloseTo(p[0], 12);
    expect(body.prediction).toBe(p[0] >= model.threshold ? 1 : 0);
    expect(body.risk_level).toBe(p[0] >= 0.6 ? 'high' : p[0] >= 0.3 ? 'medium' : 'low');
    expect(body.top_factors).toHaveLength(5);
    expect(body.top_factors[0]).toEqual(model.explain(row, 1)[0]);
    expect(body.model_version).toBe(model.version);
  });

  it('answers repeats from the cache: same record in another field order and with numeric strings', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/cache/stats' })).json();
    const rec = customers[1];
    const first = await t.app.inject({ method: 'POST', url: '/predict', payload: { customer_data: rec } });
    const reordered = Object.fromEntries(Object.entries(rec).reverse().map(([k, v]) => [k, k === 'tenure' ? String(v) : v]));
    const second = await t.app.inject({ method: 'POST', url: '/predict', payload: { customer_data: reordered } });
    expect(second.json()).toEqual(first.json());
    const after = (await t.app.inject({ method: 'GET', url: '/cache/stats' })).json();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
    expect(after.capacity).toBe(t.config.predictionCacheSize);
  });

  it('POST /cache/clear needs an admin key and empties the cache', async () => {
    await t.app.inject({ method: 'POST', url: '/predict', payload: { customer_data: customers[2] } });
    expect((await t.app.inject({ method: 'POST', url: '/cache/clear' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'POST', url: '/cache/clear', headers: bearer(await t.key('admin')) });
    expect(res.statusCode).toBe(200);
    expect(res.json().cleared).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: '/cache/stats' })).json().size).toBe(0);
  });

  it('POST /validate lists every problem with its field, and passes good records', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/validate', payload: { customers: customers.slice(0, 3) } });
    expect(ok.json()).toEqual({ valid: true, count: 3, problems: [] });
    const { tenure: _t, ...noTenure } = customers[0];
    const bad = { ...noTenure, MonthlyCharges: true, TotalCharges: 'lots', Contract: 'Weekly', nickname: 'x' };
    const res = await t.app.inject({ method: 'POST', url: '/validate', payload: { customers: [customers[1], bad] } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.valid).toBe(false);
    const found = body.problems.map((p: { index: number; field: string; code: string }) => `${p.index}:${p.field}:${p.code}`).sort();
    expect(found).toEqual(['1:Contract:UNKNOWN_CATEGORY', '1:MonthlyCharges:BAD_TYPE', '1:TotalCharges:BAD_NUMBER', '1:nickname:UNKNOWN_FIELD', '1:tenure:MISSING_FIELD']);
    const single = await t.app.inject({ method: 'POST', url: '/validate', payload: { customer_data: { ...customers[0], tenure: 1e15 } } });
    expect(single.json().problems).toEqual([expect.objectContaining({ index: null, field: 'tenure', code: 'BAD_NUMBER' })]);
  });
});

describe('POST /predict/batch', () => {
  const csv = customersCsv(customers);

  async function expected(): Promise<{ id: string; probability: number; prediction: number }[]> {
    const { model } = await testModel();
    return customers.map((c) => {
      const row = new Float64Array(model.width);
      model.encoder.encodeObject(c, row, 0, 'x');
      const p = new Float64Array(1);
      model.predictProba(row, 1, p);
      return { id: String(c.customerID), probability: Math.round(p[0] * 1e6) / 1e6, prediction: p[0] >= model.threshold ? 1 : 0 };
    });
  }

  it('scores a multipart CSV upload', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/predict/batch', ...multipart(csv) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ count: 50, predictions: await expected() });
  });

  it('scores a text/csv body and a JSON array the same way', async () => {
    const raw = await t.app.inject({ method: 'POST', url: '/predict/batch', headers: { 'content-type': 'text/csv' }, payload: csv });
    const json = await t.app.inject({ method: 'POST', url: '/predict/batch', payload: customers });
    expect(raw.json()).toEqual({ count: 50, predictions: await expected() });
    expect(json.json()).toEqual(raw.json());
  });

  it('answers in CSV when asked with Accept: text/csv', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/predict/batch', headers: { 'content-type': 'text/csv', accept: 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toBe('customerID,probability,prediction');
    expect(lines.slice(1)).toEqual((await expected()).map((e) => `${e.id},${e.probability},${e.prediction}`));
  });

  it('numbers rows when the upload has no id column, and ignores the target column', async () => {
    const withTarget = csv.replace(/^customerID,/, 'ref,').replace('\n', ',Churn\n').split('\n').map((l, i) => (i === 0 || l === '' ? l : `${l},Yes`)).join('\n');
    const res = await t.app.inject({ method: 'POST', url: '/predict/batch', headers: { 'content-type': 'text/csv' }, payload: withTarget });
    expect(res.statusCode).toBe(200);
    expect(res.json().predictions.slice(0, 2).map((p: { id: string }) => p.id)).toEqual(['1', '2']);
  });
});

describe('model card, metrics and documentation', () => {
  it('GET /model shows metrics, schema, threshold, created-at and the training data hash', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/model' });
    const { model } = await testModel();
    const card = res.json();
    expect(card.model_version).toBe(model.version);
    expect(card.threshold.value).toBe(model.threshold);
    expect(card.created_at).toBe(model.artifact.createdAt);
    expect(card.training.data_sha256).toBe(model.artifact.training.dataSha256);
    expect(card.metrics.roc_auc).toBe(model.artifact.metrics.test?.roc_auc);
    expect(card.schema.features.map((f: { name: string }) => f.name)).toContain('tenure');
    expect(JSON.stringify(card)).not.toContain(t.config.modelPath);
  });

  it('GET /metrics exposes request counts, latency, predictions, cache and process metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/http_requests_total\{method="POST",route="\/predict",status_code="200"\} \d+/);
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/predict",status_code="200"\}/);
    expect(res.body).toMatch(/churn_predictions_total\{outcome="(churn|stay)"\} \d+/);
    expect(res.body).toMatch(/churn_prediction_cache_hits_total [1-9]/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('counts each method and status apart, unknown routes under one label', async () => {
    const count = async (method: string, route: string, status: number): Promise<number> => {
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const line = new RegExp(`^http_requests_total\\{method="${method}",route="${route.replace(/\//g, '\\/')}",status_code="${status}"\\} (\\d+)$`, 'm').exec(text);
      return line ? Number(line[1]) : 0;
    };
    const before = { get404: await count('GET', 'unmatched', 404), post404: await count('POST', 'unmatched', 404), head: await count('HEAD', '/health', 200), get: await count('GET', '/health', 200) };
    await t.app.inject({ method: 'GET', url: '/nowhere/1' });
    await t.app.inject({ method: 'GET', url: '/nowhere/2' });
    await t.app.inject({ method: 'POST', url: '/nowhere/3' });
    await t.app.inject({ method: 'HEAD', url: '/health' });
    expect(await count('GET', 'unmatched', 404)).toBe(before.get404 + 2);
    expect(await count('POST', 'unmatched', 404)).toBe(before.post404 + 1);
    expect(await count('HEAD', '/health', 200)).toBe(before.head + 1);
    expect(await count('GET', '/health', 200)).toBe(before.get);
  });

  it('the OpenAPI document lists every route, and Swagger UI is served at /docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const routes = routeList(t.app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(14);
    for (const [path, methods] of routes) {
      if (path.startsWith('/docs')) continue;
      const openapiPath = path.replace(/:(\w+)/g, '{$1}');
      for (const method of methods.filter((m) => m !== 'HEAD')) {
        expect(doc.paths[openapiPath]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
      }
    }
    expect(doc.paths['/predict'].post.requestBody.content['application/json'].schema.properties.customer_data).toBeDefined();
    expect(Object.keys(doc.paths['/predict/batch'].post.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data', 'text/csv']);
    const ui = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    // A page a browser renders: helmet's whole set, with Swagger UI's own policy for its scripts.
    const page = ui;
    expect(page.headers['content-type']).toContain('text/html');
    for (const name of ['cross-origin-opener-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
      expect(page.headers[name], name).toBeDefined();
    }
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
