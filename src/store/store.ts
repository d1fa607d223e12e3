import { Kysely, sql } from 'kysely';
import type { Dialect } from 'kysely';
import type { Database } from './schema.js';
import { parseDatabaseUrl, redactUrl } from './url.js';
import { createSqliteDialect } from './sqlite.js';
import { checkSchemaName, createPostgresDialect, createPostgresPool, currentSchema, ensureSchema } from './postgres.js';
import { migrateToLatest } from './migrations.js';
import { StoreError } from './errors.js';
import { wrapUnavailable } from './classify.js';

export type StoreDialect = 'sqlite' | 'postgres';

/** An open, migrated database. Repositories take it as their first argument. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Resolves when the database answers a trivial query; throws STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** Closes the pool or file; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `sqlite:PATH`, a plain path, `:memory:`, or `postgres://...` */
  url: string;
  /** PostgreSQL only: use (and create) this schema instead of the default search_path. */
  schema?: string;
}

/**
 * Opens the database named by `url` and runs pending migrations before returning.
 *
 * @example
 * const store = await openStore({ url: process.env.DATABASE_URL ?? 'sqlite:./data/churn.db' });
 * await store.ping();
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const target = parseDatabaseUrl(options.url);
  let dialect: Dialect;
  let migrationSchema: () => Promise<string | undefined> = async () => undefined;
  if (target.kind === 'sqlite') {
    if (options.schema !== undefined) throw new StoreError('BAD_DATABASE_URL', 'A schema can only be chosen on PostgreSQL');
    dialect = createSqliteDialect(target.path);
  } else {
    const { schema } = options;
    if (schema !== undefined) checkSchemaName(schema);
    const pool = createPostgresPool(target.url, schema);
    dialect = createPostgresDialect(pool);
    migrationSchema = async () => {
      if (schema !== undefined) await ensureSchema(pool, schema);
      return schema ?? (await currentSchema(pool));
    };
  }
  const db = new Kysely<Database>({ dialect });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, { sqlite: target.kind === 'sqlite', schema: await migrationSchema() });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw wrapUnavailable(error, `opening ${redactUrl(options.url)}`);
  }
  return makeStore(db, target.kind);
}

function makeStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  let closed: Promise<void> | undefined;
  return {
    db,
    dialect,
    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        const wrapped = wrapUnavailable(error, 'ping');
        throw wrapped instanceof StoreError ? wrapped : new StoreError('STORE_UNAVAILABLE', `The database did not answer: ${(error as Error).message}`, { cause: error });
      }
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
