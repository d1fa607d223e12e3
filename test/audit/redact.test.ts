import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretName, redactDetail } from '../../src/audit/redact.js';
import { canonicalJson } from '../../src/audit/canonical.js';
import { UsageError } from '../../src/errors.js';

describe('isSecretName', () => {
  it.each(['key', 'apiKey', 'api_key', 'x-api-key', 'privateKey', 'token', 'accessToken', 'refresh_token', 'secret', 'clientSecret', 'password', 'DB_PASSWORD', 'Authorization', 'authorization', 'cookie', 'credentials', 'apikey'])(
    '%s is secret',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  it.each(['keyId', 'key_id', 'keyPrefix', 'prefix', 'role', 'name', 'rule', 'monkey', 'keyboard', 'event'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('redactDetail', () => {
  it('replaces secret fields at any depth and keeps the rest', () => {
    const out = redactDetail({
      keyId: 'ak_123',
      apiKey: 'cp_live',
      headers: { Authorization: 'Bearer abc', 'user-agent': 'curl' },
      attempts: [{ password: 'p', user: 'u' }],
    });
    expect(out).toEqual({
      keyId: 'ak_123',
      apiKey: REDACTED,
      headers: { Authorization: REDACTED, 'user-agent': 'curl' },
      attempts: [{ password: REDACTED, user: 'u' }],
    });
  });

  it('catches our key format and authorization values inside ordinary fields', () => {
    const key = `cp_${'A1b2'.repeat(10)}`;
    const out = redactDetail({ message: `client sent ${key} twice`, header: 'Bearer eyJhbGciOi' });
    expect(JSON.stringify(out)).not.toContain(key);
    expect(out.message).toBe(`client sent cp_${REDACTED} twice`);
    expect(out.header).toBe(REDACTED);
  });

  it('turns values into plain JSON the way JSON.stringify would', () => {
    const out = redactDetail({ when: new Date('2030-01-01T00:00:00Z'), n: Number.NaN, big: 12n, gone: undefined, list: [undefined, 1] });
    expect(out).toEqual({ when: '2030-01-01T00:00:00.000Z', n: null, big: '12', list: [null, 1] });
  });

  it('refuses cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => redactDetail(cyclic)).toThrow(UsageError);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: 2.5 } })).toBe('{"a":{"c":2.5,"d":[true,null,"x"]},"b":1}');
  });

  it('gives the same text for the same value built in another order, and survives a parse round trip', () => {
    const a = canonicalJson({ x: 1, y: { p: 'q', r: [1, 2] } });
    const b = canonicalJson({ y: { r: [1, 2], p: 'q' }, x: 1 });
    expect(a).toBe(b);
    expect(canonicalJson(JSON.parse(a))).toBe(a);
  });
});
