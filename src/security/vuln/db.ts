import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Severity } from '../types.js';
import { SCHEMA_VERSION } from './db-schema.js';
import type { StoredEntry, StoredRecord, VulnDb } from './db-schema.js';
import { VulnDbError } from './errors.js';

export { SCHEMA_VERSION, defaultDbPath } from './db-schema.js';
export type { AdvisoryRow, StoredEntry, StoredRecord, VulnDb } from './db-schema.js';

/** Rows come back as arrays (`raw`): measurably cheaper than objects at thousands of rows per scan. */
type AffectedSqlRow = [ecosystem: string, recordId: string, entry: string, severity: Severity, score: number | null, vector: string | null];
type RecordSqlRow = [
  id: string,
  summary: string,
  details: string,
  aliases: string,
  severity: Severity,
  score: number | null,
  vector: string | null,
  published: string | null,
  modified: string,
  refs: string,
];

const RECORD_COLUMNS = 'id, summary, details, aliases, severity, score, vector, published, modified, refs';
const BATCH = 200;

function toRecord([id, summary, details, aliases, severity, score, vector, published, modified, refs]: RecordSqlRow): StoredRecord {
  return {
    id,
    summary,
    details,
    aliases: JSON.parse(aliases) as string[],
    severity,
    score,
    vector,
    published,
    modified,
    references: JSON.parse(refs) as string[],
  };
}

function corrupted(file: string, reason: string, cause?: unknown): VulnDbError {
  return new VulnDbError('DB_CORRUPTED', `${file} is not a usable vulnerability database (${reason}); run "churn vuln-db update" or import again`, { file, reason }, cause);
}

/**
 * Opens a database read-only. Lookups are prepared once and run synchronously.
 *
 * @example
 * const db = openVulnDb(defaultDbPath(config.dataDir));
 * try { const rows = db.lookup(['Debian:12'], 'openssl'); } finally { db.close(); }
 * @throws VulnDbError DB_NOT_FOUND when the file is missing, DB_CORRUPTED when it is not ours or too old
 */
export function openVulnDb(file: string): VulnDb {
  if (!existsSync(file)) {
    throw new VulnDbError('DB_NOT_FOUND', `no vulnerability database at ${file}; run "churn vuln-db update" or "churn vuln-db import PATH"`, { file });
  }
  let sql: Database.Database;
  try {
    sql = new Database(file, { readonly: true, fileMustExist: true });
    // Lookups jump between the index, the affected rows and the records: mapped pages make each
    // jump a memory read instead of a system call.
    sql.pragma('mmap_size = 268435456');
  } catch (e) {
    throw corrupted(file, 'cannot be opened', e);
  }
  try {
    const version = (sql.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value;
    if (version !== String(SCHEMA_VERSION)) throw corrupted(file, `schema version ${version ?? 'missing'}, expected ${SCHEMA_VERSION}`);
  } catch (e) {
    sql.close();
    throw e instanceof VulnDbError ? e : corrupted(file, 'not a vulnerability database', e);
  }
  return readerFor(file, sql);
}

/** A statement per number of `?` in an IN list, prepared on first use. */
function preparedBySize(sql: Database.Database, text: (marks: string) => string): (n: number) => Database.Statement {
  const cache = new Map<number, Database.Statement>();
  return (n) => {
    let st = cache.get(n);
    if (st === undefined) {
      st = sql.prepare(text(Array.from({ length: n }, () => '?').join(', '))).raw(true);
      cache.set(n, st);
    }
    return st;
  };
}

function readerFor(file: string, sql: Database.Database): VulnDb {
  const lookupStmt = preparedBySize(sql, (m) => `SELECT ecosystem, record_id, entry, severity, score, vector FROM affected WHERE package = ? AND ecosystem IN (${m})`);
  const recordsStmt = preparedBySize(sql, (m) => `SELECT ${RECORD_COLUMNS} FROM records WHERE id IN (${m})`);
  const metaStmt = sql.prepare('SELECT key, value FROM meta');
  const wrap = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw corrupted(file, `${what} failed`, e);
    }
  };
  return {
    file,
    lookup(ecosystems, name) {
      if (ecosystems.length === 0) return [];
      const rows = wrap('lookup', () => lookupStmt(ecosystems.length).all(name, ...ecosystems) as AffectedSqlRow[]);
      return rows.map(([ecosystem, recordId, entry, severity, score, vector]) => ({
        ecosystem,
        recordId,
        entry: JSON.parse(entry) as StoredEntry,
        severity,
        score,
        vector,
      }));
    },
    record(id) {
      const r = wrap('record read', () => recordsStmt(1).get(id) as RecordSqlRow | undefined);
      return r === undefined ? null : toRecord(r);
    },
    records(ids) {
      const out = new Map<string, StoredRecord>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        const rows = wrap('record read', () => recordsStmt(chunk.length).all(...chunk) as RecordSqlRow[]);
        for (const r of rows) out.set(r[0], toRecord(r));
      }
      return out;
    },
    meta() {
      const rows = wrap('meta read', () => metaStmt.all() as { key: string; value: string }[]);
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
    close() {
      sql.close();
    },
  };
}
