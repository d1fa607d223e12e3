import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { StoreError } from '../../src/store/errors.js';
import { PG_URL, postgresTarget, sqliteTarget, storeTargets } from './helpers.js';

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

for (const target of storeTargets('store')) {
  describe(`openStore on ${target.name}`, () => {
    afterAll(() => target.cleanup());

    it('creates the tables and runs each migration exactly once across repeated opens', async () => {
      const first = await target.open();
      const second = await target.open();
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second.db);
        expect(applied.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
        await second.db.insertInto('rate_limit_rules').values({ key: 'k', requests: 1, window_seconds: 1, burst: null, description: '', updated_at: 'x' }).execute();
        const seen = await first.db.selectFrom('rate_limit_rules').select('key').execute();
        expect(seen).toEqual([{ key: 'k' }]);
        expect(first.dialect).toBe(target.name);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('answers ping while open and reports STORE_UNAVAILABLE after close', async () => {
      const store = await target.open();
      await store.ping();
      await store.close();
      await store.close(); // twice is fine
      await expectStoreError(store.ping(), 'STORE_UNAVAILABLE');
    });
  });
}

describe('SQLite specifics', () => {
  it('uses WAL on a file and accepts :memory:', async () => {
    const target = sqliteTarget();
    const onFile = await target.open();
    const memory = await openStore({ url: ':memory:' });
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(onFile.db);
      expect(mode.rows[0].journal_mode).toBe('wal');
      await memory.ping();
      expect(await memory.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    } finally {
      await onFile.close();
      await memory.close();
      await target.cleanup();
    }
  });

  it('refuses a schema, which only PostgreSQL has', async () => {
    await expectStoreError(openStore({ url: ':memory:', schema: 'x' }), 'BAD_DATABASE_URL');
  });
});

describe('PostgreSQL specifics', () => {
  const target = postgresTarget('pgonly');
  afterAll(() => target.cleanup());

  it('lets two processes migrate the same fresh schema at once', async () => {
    const [a, b] = await Promise.all([target.open(), target.open()]);
    try {
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(a.db);
      expect(applied.rows).toHaveLength(MIGRATIONS.length);
      const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(b.db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['accepted_risks', 'api_keys', 'audit_log', 'kysely_migration', 'kysely_migration_lock', 'rate_limit_rules', 'security_findings', 'security_scans']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reports an unreachable server as STORE_UNAVAILABLE and a bad schema name as BAD_DATABASE_URL', async () => {
    const error = await expectStoreError(openStore({ url: 'postgres://postgres@127.0.0.1:1/test' }), 'STORE_UNAVAILABLE');
    expect(error.kind).toBe('internal');
    await expectStoreError(openStore({ url: PG_URL, schema: 'Bad-Name' }), 'BAD_DATABASE_URL');
  });
});
