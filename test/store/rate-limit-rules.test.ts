import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { rateLimitRules } from '../../src/store/rate-limit-rules.js';
import { UsageError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets } from './helpers.js';

for (const target of storeTargets('rules')) {
  describe(`rateLimitRules on ${target.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
      await target.cleanup();
    });

    it('inserts, replaces, lists, gets and deletes rules', async () => {
      const now = new Date('2030-02-03T04:05:06.000Z');
      const created = await rateLimitRules.upsert(store, { key: 'predict', requests: 30, windowSeconds: 60, burst: 10, description: 'scoring' }, now);
      expect(created).toEqual({ key: 'predict', requests: 30, windowSeconds: 60, burst: 10, description: 'scoring', updatedAt: now.toISOString() });
      await rateLimitRules.upsert(store, { key: 'train', requests: 5, windowSeconds: 300 });
      const replaced = await rateLimitRules.upsert(store, { key: 'predict', requests: 60, windowSeconds: 60 });
      expect(replaced.burst).toBeNull();
      expect(replaced.description).toBe('');

      const listed = await rateLimitRules.list(store);
      expect(listed.map((r) => [r.key, r.requests, r.windowSeconds, r.burst])).toEqual([
        ['predict', 60, 60, null],
        ['train', 5, 300, null],
      ]);
      expect(await rateLimitRules.get(store, 'train')).toMatchObject({ requests: 5, windowSeconds: 300 });
      expect(await rateLimitRules.get(store, 'nope')).toBeNull();
      expect(await rateLimitRules.delete(store, 'train')).toBe(true);
      expect(await rateLimitRules.delete(store, 'train')).toBe(false);
      expect((await rateLimitRules.list(store)).map((r) => r.key)).toEqual(['predict']);
    });

    it.each([
      [{ key: 'x', requests: 0, windowSeconds: 60 }, 'requests'],
      [{ key: 'x', requests: 1.5, windowSeconds: 60 }, 'requests'],
      [{ key: 'x', requests: 10, windowSeconds: 0 }, 'windowSeconds'],
      [{ key: 'x', requests: 10, windowSeconds: 60, burst: 0 }, 'burst'],
      [{ key: 'bad key!', requests: 10, windowSeconds: 60 }, 'key'],
    ])('rejects %j naming %s', async (input, field) => {
      const error = await rateLimitRules.upsert(store, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).details).toMatchObject({ field });
    });

    it('has database checks behind the validation', async () => {
      await expect(sql`insert into rate_limit_rules (key, requests, window_seconds, description, updated_at) values ('raw', 0, 60, '', 'x')`.execute(store.db)).rejects.toThrow();
    });
  });
}
