import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { apiKeys } from '../../src/store/api-keys.js';
import { hashApiKey } from '../../src/store/keys.js';
import { StoreError } from '../../src/store/errors.js';
import { UsageError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets } from './helpers.js';

for (const target of storeTargets('apikeys')) {
  describe(`apiKeys on ${target.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
      await target.cleanup();
    });

    it('creates a key that is found by its plaintext and by nothing else', async () => {
      const { key, record } = await apiKeys.create(store, { role: 'predict', name: 'scoring job' });
      expect(key).toMatch(/^cp_[0-9A-Za-z]{40}$/);
      expect(record).toMatchObject({ name: 'scoring job', role: 'predict', prefix: key.slice(0, 8), lastUsedAt: null, revokedAt: null });
      expect(record.id).toMatch(/^ak_[0-9A-Za-z]{12}$/);
      expect(await apiKeys.findByKey(store, key)).toEqual(record);
      const wrong = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
      expect(await apiKeys.findByKey(store, wrong)).toBeNull();
      expect(await apiKeys.findByKey(store, '')).toBeNull();
      expect(await apiKeys.findByKey(store, 'x'.repeat(10_000))).toBeNull();
    });

    it('never stores the plaintext key, only its SHA-256', async () => {
      const { key, record } = await apiKeys.create(store, { role: 'admin' });
      const rows = await sql<Record<string, unknown>>`select * from api_keys`.execute(store.db);
      const dump = JSON.stringify(rows.rows);
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(3));
      const row = rows.rows.find((r) => r.id === record.id);
      expect(row?.key_hash).toBe(hashApiKey(key));
      if (target.file) {
        for (const file of [target.file, `${target.file}-wal`]) {
          if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(key.slice(3)))).toBe(false);
        }
      }
    });

    it('lists keys without hashes, oldest first', async () => {
      const listed = await apiKeys.list(store);
      expect(listed.length).toBeGreaterThanOrEqual(2);
      for (const info of listed) expect(Object.keys(info).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
      const times = listed.map((k) => k.createdAt);
      expect([...times].sort()).toEqual(times);
    });

    it('revokes: the key stops working, a second revoke keeps the first time, an unknown id is NOT_FOUND', async () => {
      const { key, record } = await apiKeys.create(store, { role: 'admin', name: 'temp' });
      const first = await apiKeys.revoke(store, record.id, new Date('2030-01-01T00:00:00.000Z'));
      expect(first.revokedAt).toBe('2030-01-01T00:00:00.000Z');
      expect(await apiKeys.findByKey(store, key)).toBeNull();
      const again = await apiKeys.revoke(store, record.id, new Date('2031-01-01T00:00:00.000Z'));
      expect(again.revokedAt).toBe('2030-01-01T00:00:00.000Z');
      const error = await apiKeys.revoke(store, 'ak_doesnotexist').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('NOT_FOUND');
      expect((error as StoreError).kind).toBe('input');
    });

    it('records the last use', async () => {
      const { key, record } = await apiKeys.create(store, { role: 'predict' });
      await apiKeys.touch(store, record.id, new Date('2029-05-06T07:08:09.000Z'));
      expect((await apiKeys.findByKey(store, key))?.lastUsedAt).toBe('2029-05-06T07:08:09.000Z');
      // Within the interval the write is skipped; past it, it happens.
      await apiKeys.touch(store, record.id, new Date('2029-05-06T07:08:39.000Z'), 60_000);
      expect((await apiKeys.findByKey(store, key))?.lastUsedAt).toBe('2029-05-06T07:08:09.000Z');
      await apiKeys.touch(store, record.id, new Date('2029-05-06T07:09:10.000Z'), 60_000);
      expect((await apiKeys.findByKey(store, key))?.lastUsedAt).toBe('2029-05-06T07:09:10.000Z');
    });

    it('registers a bootstrap key once and keeps it revoked once revoked', async () => {
      const bootstrap = 'deployment-provided-secret-123';
      const a = await apiKeys.ensure(store, { key: bootstrap, role: 'admin', name: 'bootstrap' });
      const b = await apiKeys.ensure(store, { key: bootstrap, role: 'admin', name: 'bootstrap' });
      expect(b.id).toBe(a.id);
      expect((await apiKeys.findByKey(store, bootstrap))?.id).toBe(a.id);
      await apiKeys.revoke(store, a.id);
      expect((await apiKeys.ensure(store, { key: bootstrap, role: 'admin' })).revokedAt).not.toBeNull();
      expect(await apiKeys.findByKey(store, bootstrap)).toBeNull();
      await expect(apiKeys.ensure(store, { key: 'short', role: 'admin' })).rejects.toBeInstanceOf(UsageError);
    });

    it('rejects an unknown role, naming the field', async () => {
      const error = await apiKeys.create(store, { role: 'root' as 'admin' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).details).toMatchObject({ field: 'role' });
    });
  });
}
