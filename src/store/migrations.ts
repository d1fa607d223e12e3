import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { StoreError } from './errors.js';
import { isSqliteBusy, wrapUnavailable } from './classify.js';
import { inImmediateTransaction } from './exclusive.js';

/**
 * Every schema change, in order. Never edit or reorder a released entry: add a new one.
 * Names sort lexically in the order they must run (Kysely sorts by name).
 */
export const MIGRATIONS: ReadonlyArray<{ name: string; migration: Migration }> = [
  {
    name: '0001_api_keys_and_rate_limit_rules',
    migration: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'predict')`))
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createTable('rate_limit_rules')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('requests', 'integer', (c) => c.notNull().check(sql`requests >= 1`))
          .addColumn('window_seconds', 'integer', (c) => c.notNull().check(sql`window_seconds >= 1`))
          .addColumn('burst', 'integer', (c) => c.check(sql`burst is null or burst >= 1`))
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  },
  {
    name: '0002_audit_log',
    migration: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('audit_log')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
      },
    },
  },
  {
    name: '0003_security_scans',
    migration: {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('security_scans')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('target_input', 'text', (c) => c.notNull())
          .addColumn('digest', 'text')
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('scanners', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('scanned_at', 'text')
          .addColumn('gate_passed', 'integer', (c) => c.check(sql`gate_passed is null or gate_passed in (0, 1)`))
          .addColumn('counts', 'text')
          .addColumn('gate', 'text')
          .addColumn('comparison', 'text')
          .addColumn('report', 'text')
          .addColumn('error', 'text')
          .execute();
        // The previous scan of a target, and the latest scan per target, are the hot lookups.
        await db.schema.createIndex('security_scans_target_time').on('security_scans').columns(['target', 'status', 'scanned_at']).execute();
        await db.schema
          .createTable('security_findings')
          .addColumn('scan_id', 'text', (c) => c.notNull().references('security_scans.id').onDelete('cascade'))
          .addColumn('finding_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('vuln', 'secret', 'config', 'signature')`))
          .addColumn('finding_id', 'text', (c) => c.notNull())
          .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('package', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('version', 'text')
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('first_seen', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('security_findings_pk', ['scan_id', 'finding_key'])
          .execute();
        await db.schema
          .createTable('accepted_risks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('finding_id', 'text', (c) => c.notNull())
          .addColumn('package', 'text')
          .addColumn('target', 'text')
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('until', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .addColumn('revoked_by', 'text')
          .execute();
      },
    },
  },
];

/**
 * Brings the database to the latest version. Idempotent, and safe when several processes
 * start together: on PostgreSQL Kysely holds an advisory lock while migrating; on SQLite
 * the whole run is one `BEGIN IMMEDIATE` transaction, so a second process waits for the
 * first and then finds nothing to do (with a deferred transaction it would read "no
 * migrations yet" and then fail creating tables that meanwhile exist).
 */
export async function migrateToLatest(db: Kysely<unknown>, options: { sqlite: boolean; schema?: string }): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!options.sqlite) return await runMigrator(db, options.schema, false);
      return await db.connection().execute((conn) => inImmediateTransaction(conn, (trx) => runMigrator(trx, undefined, true)));
    } catch (error) {
      // busy_timeout already waited; a writer holding the lock longer than that is rare enough to just try again.
      if (isSqliteBusy(error) && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        continue;
      }
      throw wrapUnavailable(error, 'migrating');
    }
  }
}

async function runMigrator(db: Kysely<unknown>, migrationTableSchema: string | undefined, disableTransactions: boolean): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(MIGRATIONS.map((m) => [m.name, m.migration])) },
    migrationTableSchema,
    disableTransactions,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const wrapped = wrapUnavailable(error, 'migrating');
  if (wrapped instanceof StoreError || isSqliteBusy(error)) throw wrapped;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  throw new StoreError('STORE_MIGRATION_FAILED', `Database migration failed${failed ? ` at ${failed}` : ''}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    details: failed ? { migration: failed } : undefined,
  });
}
