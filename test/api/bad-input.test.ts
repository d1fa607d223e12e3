import { beforeAll, describe, expect, it } from 'vitest';
import { errorBody, testApp, type TestApp } from './helpers.js';
import { customersCsv, sampleCustomers } from '../support/model.js';

let t: TestApp;
const customers = sampleCustomers(12);
const good = customers[0];

beforeAll(async () => {
  t = await testApp({ env: { BATCH_MAX_BYTES: '4096', BATCH_MAX_ROWS: '10' } });
});

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  const raw = typeof payload === 'string' || Buffer.isBuffer(payload);
  return t.app.inject({ method: 'POST', url, payload: payload as string, headers: raw ? { 'content-type': 'application/json', ...headers } : headers });
}

/** Expects a 4xx error of `code` whose detail mentions each of `words`. */
async function refused(res: Awaited<ReturnType<typeof post>>, status: number, code: string, ...words: string[]): Promise<void> {
  expect(res.statusCode, res.body).toBe(status);
  const body = errorBody(res);
  expect(body.error).toBe(code);
  for (const w of words) expect(body.detail).toContain(w);
}

describe('bad JSON bodies on POST /predict', () => {
  it('malformed JSON, an empty body and a body of the wrong shape are 400', async () => {
    await refused(await post('/predict', '{"customer_data": {'), 400, 'MALFORMED_JSON');
    await refused(await post('/predict', ''), 400, 'BAD_REQUEST');
    await refused(await post('/predict', [good]), 400, 'VALIDATION_ERROR', 'body');
    await refused(await post('/predict', { customer_data: 'yes' }), 400, 'VALIDATION_ERROR', 'customer_data');
    await refused(await post('/predict', {}), 400, 'VALIDATION_ERROR', 'customer_data');
  });

  it('an unknown top-level field is refused by name, not dropped', async () => {
    await refused(await post('/predict', { customer_data: good, explain: true }), 400, 'VALIDATION_ERROR', 'unknown field "explain"');
  });

  it('__proto__ and constructor keys never reach an object', async () => {
    const body = JSON.stringify({ customer_data: good });
    await refused(await post('/predict', `${body.slice(0, -1)},"__proto__":{"polluted":true}}`), 400, 'MALFORMED_JSON');
    await refused(await post('/predict', `{"customer_data":{"__proto__":{"polluted":true}}}`), 400, 'MALFORMED_JSON');
    await refused(await post('/predict', `${body.slice(0, -1)},"constructor":{"prototype":{"polluted":true}}}`), 400, 'MALFORMED_JSON');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('wrong types name the field', async () => {
    await refused(await post('/predict', { customer_data: { ...good, tenure: { value: 3 } } }), 400, 'VALIDATION_ERROR', 'customer_data/tenure');
    await refused(await post('/predict', { customer_data: { ...good, Contract: ['One year'] } }), 400, 'VALIDATION_ERROR', 'customer_data/Contract');
    await refused(await post('/predict', { customer_data: { ...good, tenure: true } }), 422, 'BAD_TYPE', '"tenure"');
    await refused(await post('/predict', { customer_data: { ...good, MonthlyCharges: 'twelve' } }), 422, 'BAD_NUMBER', '"MonthlyCharges"', 'twelve');
  });

  it('NaN, Infinity and huge numbers are refused', async () => {
    const body = JSON.stringify({ customer_data: { ...good, tenure: 0 } });
    await refused(await post('/predict', body.replace('"tenure":0', '"tenure":NaN')), 400, 'MALFORMED_JSON');
    await refused(await post('/predict', body.replace('"tenure":0', '"tenure":Infinity')), 400, 'MALFORMED_JSON');
    await refused(await post('/predict', body.replace('"tenure":0', '"tenure":1e400')), 400, 'VALIDATION_ERROR', 'customer_data/tenure');
    await refused(await post('/predict', { customer_data: { ...good, tenure: 'Infinity' } }), 422, 'BAD_NUMBER', '"tenure"');
    await refused(await post('/predict', { customer_data: { ...good, tenure: 1e300 } }), 422, 'BAD_NUMBER', '"tenure"', 'out of range');
    await refused(await post('/predict', { customer_data: { ...good, TotalCharges: '-1e13' } }), 422, 'BAD_NUMBER', '"TotalCharges"');
  });

  it('megabyte strings: over the body limit is 413, a long field is named', async () => {
    await refused(await post('/predict', { customer_data: { ...good, gender: 'x'.repeat(2 * 1024 * 1024) } }), 413, 'PAYLOAD_TOO_LARGE');
    await refused(await post('/predict', { customer_data: { ...good, gender: 'x'.repeat(900 * 1024) } }), 400, 'VALIDATION_ERROR', 'customer_data/gender');
    await refused(await post('/predict', { customer_data: { ...good, ['k'.repeat(5000)]: 1 } }), 400, 'VALIDATION_ERROR');
  });

  it('missing features, unknown fields and unknown categories are 422 naming the field', async () => {
    const { tenure: _t, Contract: _c, ...partial } = good;
    await refused(await post('/predict', { customer_data: partial }), 422, 'MISSING_FIELD', '"tenure"', '"Contract"');
    await refused(await post('/predict', { customer_data: { ...good, loyalty: 'gold' } }), 422, 'UNKNOWN_FIELD', '"loyalty"');
    await refused(await post('/predict', { customer_data: { ...good, Contract: 'Weekly' } }), 422, 'UNKNOWN_CATEGORY', '"Contract"', 'Weekly', 'Month-to-month');
  });

  it('an unsupported content type is 415', async () => {
    await refused(await t.app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('bad batches', () => {
  const csv = (text: string) => post('/predict/batch', text, { 'content-type': 'text/csv' });
  const header = customersCsv(customers.slice(0, 1)).split('\n')[0];
  const line = (i: number) => customersCsv(customers.slice(i, i + 1)).split('\n')[1];

  it('an empty upload, a header without rows and a ragged row are 400', async () => {
    await refused(await csv(''), 400, 'EMPTY_FILE', 'upload');
    await refused(await csv(`${header}\n`), 400, 'EMPTY_FILE', 'no rows');
    await refused(await csv(`${header}\n${line(0)}\n${line(1).split(',').slice(0, 5).join(',')}\n`), 400, 'RAGGED_ROW', 'upload line 3');
    await refused(await csv(`${header}\n"${line(0)}\n`), 400, 'BAD_QUOTE');
  });

  it('a missing column, a bad number and an unknown category name the column and the line', async () => {
    await refused(await csv(`customerID,tenure\nA,3\n`), 422, 'MISSING_COLUMN', '"gender"');
    const cols = header.split(',');
    const bad = (i: number, col: string, value: string) => {
      const f = line(i).split(',');
      f[cols.indexOf(col)] = value;
      return f.join(',');
    };
    await refused(await csv(`${header}\n${line(0)}\n${bad(1, 'tenure', 'ten')}\n`), 422, 'BAD_NUMBER', 'upload line 3', '"tenure"');
    await refused(await csv(`${header}\n${bad(0, 'Contract', 'Weekly')}\n`), 422, 'UNKNOWN_CATEGORY', 'upload line 2', '"Contract"');
    await refused(await csv(`${header}\n${bad(0, 'tenure', '1e300')}\n`), 422, 'BAD_NUMBER', 'upload line 2', 'out of range');
  });

  it('too many rows and too many bytes are 413, as multipart and as text/csv', async () => {
    await refused(await csv(customersCsv(customers.slice(0, 11))), 413, 'TOO_MANY_ROWS', '10 rows');
    const big = `${header}\n${Array.from({ length: 40 }, () => line(0)).join('\n')}\n`;
    expect(big.length).toBeGreaterThan(4096);
    await refused(await csv(big), 413, 'PAYLOAD_TOO_LARGE');
    const boundary = 'b0undary';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n${big}\r\n--${boundary}--\r\n`;
    await refused(await post('/predict/batch', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` }), 413, 'PAYLOAD_TOO_LARGE');
    await refused(await post('/predict/batch', customers.slice(0, 11)), 413, 'PAYLOAD_TOO_LARGE');
    await refused(await post('/predict/batch', Array.from({ length: 11 }, () => ({}))), 400, 'VALIDATION_ERROR', '10 items');
  });

  it('an empty JSON array, a multipart body without a file and a bad record are refused by position', async () => {
    await refused(await post('/predict/batch', []), 400, 'BAD_REQUEST', 'empty');
    const boundary = 'b0undary';
    await refused(await post('/predict/batch', `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}--\r\n`, { 'content-type': `multipart/form-data; boundary=${boundary}` }), 400, 'BAD_REQUEST', 'no file');
    const records = customers.slice(0, 5).map((c, i) => (i === 3 ? { ...c, tenure: 'soon' } : c));
    await refused(await post('/predict/batch', records), 422, 'BAD_NUMBER', 'customers[3]', '"tenure"');
  });
});

describe('after all that', () => {
  it('the service still answers and no request was a 5xx', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await post('/predict', { customer_data: good })).statusCode).toBe(200);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/http_requests_total\{[^}]*status_code="4\d\d"\}/);
    expect(metrics).not.toMatch(/http_requests_total\{[^}]*status_code="5\d\d"\}/);
    expect(t.logs.join('')).not.toMatch(/"level":50/);
  });
});
