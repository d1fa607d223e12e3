import { join } from 'node:path';
import type { Severity } from '../types.js';
import type { OsvRange } from './osv-record.js';

/*
 * The database layout, shared by the writer (import) and the reader (scans). One file:
 * - records: one row per OSV record, with its severity computed at import;
 * - affected: one row per (record, affected package entry), holding the entry's ranges and
 *   versions as JSON and the severity that applies to that package; rows of one package are
 *   stored together and indexed by (ecosystem, package);
 * - meta: schema version, sources, import time and counts.
 */

/** Bumped whenever the tables change; an older file is refused and must be re-imported. */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  summary TEXT NOT NULL,
  details TEXT NOT NULL,
  aliases TEXT NOT NULL,
  severity TEXT NOT NULL,
  score REAL,
  vector TEXT,
  published TEXT,
  modified TEXT NOT NULL,
  refs TEXT NOT NULL
);
CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  package TEXT NOT NULL,
  record_id TEXT NOT NULL,
  entry TEXT NOT NULL,
  severity TEXT NOT NULL,
  score REAL,
  vector TEXT
);`;

/** Created after the bulk insert: building an index once is far cheaper than maintaining it row by row. */
export const INDEX_SQL = 'CREATE INDEX affected_by_package ON affected (ecosystem, package);';

/** The default database location inside the data directory. */
export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'vuln', 'osv.db');
}

/** What an `affected[]` entry keeps in the index: the ranges that can match and the version list. */
export interface StoredEntry {
  ranges: OsvRange[];
  versions: string[];
}

/** One index hit: a record's entry for the package, with the severity that applies to it. */
export interface AdvisoryRow {
  ecosystem: string;
  recordId: string;
  entry: StoredEntry;
  severity: Severity;
  score: number | null;
  vector: string | null;
}

export interface StoredRecord {
  id: string;
  summary: string;
  details: string;
  /** Aliases and upstream ids (CVE-…), deduplicated. */
  aliases: string[];
  severity: Severity;
  score: number | null;
  vector: string | null;
  published: string | null;
  modified: string;
  references: string[];
}

export interface VulnDb {
  readonly file: string;
  /** Index entries naming `name` in any of the OSV ecosystems given. */
  lookup(ecosystems: readonly string[], name: string): AdvisoryRow[];
  record(id: string): StoredRecord | null;
  /** Several records at once (fewer statements than one `record` call each); missing ids are absent. */
  records(ids: readonly string[]): Map<string, StoredRecord>;
  /** The meta table as key/value strings. */
  meta(): Record<string, string>;
  close(): void;
}
