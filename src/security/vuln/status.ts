import { statSync } from 'node:fs';
import { openVulnDb } from './db.js';

export interface DbSource {
  source: string;
  sha256: string | null;
  records: number;
}

export interface DbStatus {
  file: string;
  sizeBytes: number;
  schemaVersion: number;
  sources: DbSource[];
  importedAt: string;
  /** Seconds since the import, at the time of the call. */
  ageSeconds: number;
  records: number;
  /** Distinct (ecosystem, package) pairs with at least one advisory. */
  packages: number;
  affected: number;
  /** Records per OSV ecosystem ("Debian:12": 1234). */
  ecosystems: Record<string, number>;
  skipped: number;
  withdrawn: number;
}

const int = (v: string | undefined): number => (v === undefined ? 0 : Number.parseInt(v, 10) || 0);

/**
 * What a database holds and how old it is, from its meta table (no scan of the data).
 *
 * @example
 * const s = dbStatus(defaultDbPath(config.dataDir));
 * console.log(`${s.records} records, ${Math.round(s.ageSeconds / 3600)} h old`);
 * @throws VulnDbError DB_NOT_FOUND or DB_CORRUPTED
 */
export function dbStatus(dbFile: string, now: Date = new Date()): DbStatus {
  const db = openVulnDb(dbFile);
  try {
    const m = db.meta();
    const importedAt = m.imported_at ?? new Date(0).toISOString();
    return {
      file: db.file,
      sizeBytes: statSync(dbFile).size,
      schemaVersion: int(m.schema_version),
      sources: JSON.parse(m.sources ?? '[]') as DbSource[],
      importedAt,
      ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(importedAt)) / 1000)),
      records: int(m.records),
      packages: int(m.packages),
      affected: int(m.affected),
      ecosystems: JSON.parse(m.ecosystems ?? '{}') as Record<string, number>,
      skipped: int(m.skipped),
      withdrawn: int(m.withdrawn),
    };
  } finally {
    db.close();
  }
}
