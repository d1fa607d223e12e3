import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { wrapUnavailable } from './classify.js';

/**
 * Runs `fn` in a transaction that no other writer holding the same `lockName` can
 * interleave with, across processes: on PostgreSQL a transaction-scoped advisory lock
 * (namespaced by the current schema, so isolated test schemas do not contend), on SQLite
 * `BEGIN IMMEDIATE`, which takes the database write lock up front instead of at the first write.
 * Use it for read-then-write sequences such as appending to a hash chain.
 */
export async function runExclusive<T>(store: Store, lockName: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    if (store.dialect === 'postgres') {
      return await store.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('churn-predictor'), hashtext(current_schema() || ':' || ${lockName}))`.execute(trx);
        return fn(trx);
      });
    }
    // Kysely's SQLite driver has one connection behind a mutex; holding it for the whole
    // callback also serializes writers inside this process.
    return await store.db.connection().execute((conn) => inImmediateTransaction(conn, fn));
  } catch (error) {
    throw wrapUnavailable(error, `exclusive ${lockName}`);
  }
}

/** `BEGIN IMMEDIATE` ... `COMMIT` on one SQLite connection, rolled back if `fn` throws. */
export async function inImmediateTransaction<DB, T>(conn: Kysely<DB>, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  await sql`begin immediate`.execute(conn);
  try {
    const result = await fn(conn);
    await sql`commit`.execute(conn);
    return result;
  } catch (error) {
    await sql`rollback`.execute(conn).catch(() => undefined);
    throw error;
  }
}
