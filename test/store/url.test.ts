import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from '../../src/store/url.js';
import { StoreError } from '../../src/store/errors.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/churn.db', { kind: 'sqlite', path: './data/churn.db' }],
    ['sqlite:///var/lib/churn.db', { kind: 'sqlite', path: '/var/lib/churn.db' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
    [':memory:', { kind: 'sqlite', path: ':memory:' }],
    ['data/churn.db', { kind: 'sqlite', path: 'data/churn.db' }],
    ['/abs/churn.db', { kind: 'sqlite', path: '/abs/churn.db' }],
    ['postgres://u:p@db:5432/churn', { kind: 'postgres', url: 'postgres://u:p@db:5432/churn' }],
    ['postgresql://db/churn', { kind: 'postgres', url: 'postgresql://db/churn' }],
  ])('reads %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each(['', '   ', 'mysql://db/churn', 'http://example/x', 'sqlite:'])('rejects %j with BAD_DATABASE_URL', (url) => {
    let caught: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('BAD_DATABASE_URL');
    expect((caught as StoreError).kind).toBe('input');
  });

  it('keeps passwords out of error details', () => {
    try {
      parseDatabaseUrl('mysql://admin:hunter2@db/churn');
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify((error as StoreError).details)).not.toContain('hunter2');
    }
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://churn:s3cret@db:5432/app')).toBe('postgres://churn:***@db:5432/app');
    expect(redactUrl('postgres://db:5432/app')).toBe('postgres://db:5432/app');
  });
});
