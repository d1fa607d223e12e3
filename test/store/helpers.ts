import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One database engine to run a shared suite against, isolated from every other suite. */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** Opens (and migrates) a store on this suite's database; call as often as needed. */
  open(): Promise<Store>;
  /** The SQLite file path, for tests that look at the bytes on disk. */
  file?: string;
  /** Drops the schema or deletes the folder. */
  cleanup(): Promise<void>;
}

export function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'churn-store-'));
  // A nested folder that does not exist yet: openStore must create it.
  const file = join(dir, 'nested', 'store.db');
  return {
    name: 'sqlite',
    file,
    open: () => openStore({ url: `sqlite:${file}` }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresTarget(label: string): StoreTarget {
  const schema = `t_${label}_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    open: () => openStore({ url: PG_URL, schema }),
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh SQLite file and a fresh PostgreSQL schema; `label` goes into the schema name. */
export function storeTargets(label: string): StoreTarget[] {
  return [sqliteTarget(), postgresTarget(label)];
}
