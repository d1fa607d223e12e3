import { describe, expect, it } from 'vitest';
import { describeError, statusOf } from '../../src/api/http-errors.js';
import { ChurnError, DataError, ModelFileError, RecordError } from '../../src/errors.js';
import { StoreError } from '../../src/store/index.js';
import { errorBody, testApp } from './helpers.js';

describe('errors and logs', () => {
  it('a server-side failure is a 5xx with a fixed sentence, logged in full with the request id', async () => {
    const t = await testApp();
    await t.store.close();
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    const body = errorBody(res);
    expect(body).toMatchObject({ error: 'STORE_UNAVAILABLE', detail: 'the database is not answering; try again shortly' });
    expect(res.body).not.toMatch(/at |sqlite|\.ts|\.js/i);
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 50);
    expect(line?.request_id).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(line?.err)).toContain('STORE_UNAVAILABLE');
    expect((await t.app.inject({ method: 'GET', url: '/health/detailed' })).json().store.status).toBe('down');
  });

  it('secrets are redacted from log lines', async () => {
    const t = await testApp();
    t.app.log.warn({ authorization: 'Bearer cp_secret1', req: { headers: { authorization: 'Bearer cp_secret2' } }, detail: { apiKey: 'cp_secret3', key: 'cp_secret4' } }, 'probe');
    const line = t.logs.find((l) => l.includes('probe')) ?? '';
    expect(line).toContain('[REDACTED]');
    expect(line).not.toMatch(/cp_secret/);
  });

  it('maps codes to statuses in one table', () => {
    expect(describeError(new RecordError('MISSING_FIELD', 'm')).status).toBe(422);
    expect(describeError(new DataError('RAGGED_ROW', 'r')).status).toBe(400);
    expect(describeError(new ModelFileError('MODEL_CORRUPTED', 'c')).status).toBe(422);
    expect(describeError(new StoreError('NOT_FOUND', 'n')).status).toBe(404);
    expect(describeError(new ChurnError('WHATEVER', 'x', { kind: 'internal' }))).toEqual({ status: 500, code: 'WHATEVER', detail: 'internal error' });
    expect(describeError(new Error('secret path /etc/x'))).toEqual({ status: 500, code: 'INTERNAL', detail: 'internal error' });
    expect(describeError(Object.assign(new Error('too big'), { statusCode: 413 })).code).toBe('PAYLOAD_TOO_LARGE');
    expect(statusOf('RATE_LIMITED')).toBe(429);
  });
});

describe('CORS', () => {
  it('is off unless CORS_ORIGINS lists the origin', async () => {
    const off = await testApp();
    expect((await off.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://a.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    const on = await testApp({ env: { CORS_ORIGINS: 'https://a.example' } });
    const pre = await on.app.inject({ method: 'OPTIONS', url: '/predict', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://a.example');
    expect(pre.headers['access-control-allow-headers']).toContain('authorization');
    expect((await on.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBeUndefined();
  });
});
