import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { StoreError } from './errors.js';
import { wrapUnavailable } from './classify.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Rejects schema names we would have to quote: they go into a startup option and DDL. */
export function checkSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError('BAD_DATABASE_URL', 'The schema name must be lower-case letters, digits and _', { details: { schema } });
  }
}

/**
 * A pg pool whose every connection uses `schema` as its search_path (set as a startup
 * option, so it is in force before the first query on a fresh connection).
 */
export function createPostgresPool(url: string, schema?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    options: schema === undefined ? undefined : `-c search_path=${schema}`,
  });
  // An idle client dying (server restart) is reported here; the pool drops it and the next
  // query opens a new one, so there is nothing to do but keep the process alive.
  pool.on('error', () => undefined);
  return pool;
}

export function createPostgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}

/** Creates the schema if missing; two processes racing to create it both succeed. */
export async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists ${schema}`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // 23505/42P06: another session created it between our check and our insert.
    if (code === '23505' || code === '42P06') return;
    throw wrapUnavailable(error, 'creating schema');
  }
}

/** The schema unqualified names resolve to; the migrator needs it to find its own tables. */
export async function currentSchema(pool: pg.Pool): Promise<string> {
  try {
    const result = await pool.query<{ schema: string | null }>('select current_schema() as schema');
    const schema = result.rows[0]?.schema;
    if (!schema) throw new StoreError('STORE_MIGRATION_FAILED', 'The PostgreSQL search_path names no existing schema');
    return schema;
  } catch (error) {
    throw wrapUnavailable(error, 'connecting');
  }
}
