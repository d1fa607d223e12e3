import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { StoreError } from './errors.js';

/**
 * The embedded engine: one better-sqlite3 connection (Kysely serializes queries on it).
 * WAL lets readers in other processes (the CLI next to a running server) work while the
 * server writes; busy_timeout makes a writer wait for another process's write instead of failing.
 */
export function createSqliteDialect(path: string): SqliteDialect {
  const inMemory = path === ':memory:';
  let database: Database.Database;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    database = new Database(path, { timeout: 5000 });
    if (!inMemory) database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (cause) {
    throw new StoreError('STORE_UNAVAILABLE', `Cannot open the SQLite database at ${path}: ${(cause as Error).message}`, {
      cause,
      details: { path },
    });
  }
  return new SqliteDialect({ database });
}
