import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { INDEX_SQL, SCHEMA_SQL, SCHEMA_VERSION } from './db-schema.js';
import type { StoredEntry } from './db-schema.js';
import type { OsvRecord } from './osv-record.js';
import { indexName } from './pypi-name.js';
import { severityOf } from './severity.js';

export interface WriterCounts {
  records: number;
  /** Index rows: one per (record, affected package entry). */
  affected: number;
  /** Records seen again under an id already imported; the most recently modified one is kept. */
  duplicates: number;
}

const STAGE_SQL = `CREATE TABLE stage.staged (
  ecosystem TEXT NOT NULL, package TEXT NOT NULL, record_id TEXT NOT NULL, entry TEXT NOT NULL,
  severity TEXT NOT NULL, score REAL, vector TEXT
);`;

/** Writes one fresh database file in one transaction with prepared statements. */
export class DbWriter {
  private readonly sql: Database.Database;
  private readonly insertRecord: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly deleteRecord: Database.Statement;
  private readonly deleteAffected: Database.Statement;
  private readonly modifiedById = new Map<string, string>();
  readonly counts: WriterCounts = { records: 0, affected: 0, duplicates: 0 };

  private readonly stageFile: string;

  constructor(file: string) {
    this.stageFile = `${file}-stage`;
    this.sql = new Database(file);
    // The file is private until renamed into place, so durability per statement buys nothing;
    // the caller fsyncs the finished file before the rename.
    this.sql.pragma('journal_mode = OFF');
    this.sql.pragma('synchronous = OFF');
    this.sql.pragma('locking_mode = EXCLUSIVE');
    this.sql.pragma('cache_size = -65536');
    this.sql.exec(SCHEMA_SQL);
    // Index rows are staged in a side file and copied over sorted by package at the end, so each
    // package's rows sit together on disk and a lookup touches a page or two, not one per row.
    this.sql.prepare('ATTACH DATABASE ? AS stage').run(this.stageFile);
    this.sql.pragma('stage.journal_mode = OFF');
    this.sql.pragma('stage.synchronous = OFF');
    this.sql.exec(STAGE_SQL);
    this.insertRecord = this.sql.prepare(
      'INSERT INTO records (id, summary, details, aliases, severity, score, vector, published, modified, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertAffected = this.sql.prepare('INSERT INTO stage.staged (ecosystem, package, record_id, entry, severity, score, vector) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.deleteRecord = this.sql.prepare('DELETE FROM records WHERE id = ?');
    this.deleteAffected = this.sql.prepare('DELETE FROM stage.staged WHERE record_id = ?');
    this.sql.exec('BEGIN');
  }

  /** Adds one validated, non-withdrawn record. */
  add(record: OsvRecord): void {
    const previous = this.modifiedById.get(record.id);
    if (previous !== undefined) {
      this.counts.duplicates++;
      if (Date.parse(record.modified) <= Date.parse(previous)) return;
      this.deleteRecord.run(record.id);
      this.counts.affected -= this.deleteAffected.run(record.id).changes;
      this.counts.records--;
    }
    this.modifiedById.set(record.id, record.modified);
    const aliases = [...new Set([...(record.aliases ?? []), ...(record.upstream ?? [])])].filter((a) => a !== record.id);
    const sev = severityOf(record);
    const refs = (record.references ?? []).map((r) => r.url);
    this.insertRecord.run(
      record.id,
      record.summary ?? '',
      record.details ?? '',
      JSON.stringify(aliases),
      sev.severity,
      sev.score,
      sev.vector,
      record.published ?? null,
      record.modified,
      JSON.stringify(refs),
    );
    this.counts.records++;
    for (const entry of record.affected ?? []) {
      if (entry.package === undefined) continue;
      const ranges = (entry.ranges ?? []).filter((r) => r.type === 'ECOSYSTEM' || r.type === 'SEMVER');
      const versions = entry.versions ?? [];
      if (ranges.length === 0 && versions.length === 0) continue;
      const own = entry.severity !== undefined || entry.ecosystem_specific !== undefined || entry.database_specific !== undefined;
      const s = own ? severityOf(record, entry) : sev;
      const stored: StoredEntry = { ranges, versions };
      const { ecosystem, name } = entry.package;
      this.insertAffected.run(ecosystem, indexName(ecosystem, name), record.id, JSON.stringify(stored), s.severity, s.score, s.vector);
      this.counts.affected++;
    }
  }

  /** Builds the index, writes the meta table and closes the file. */
  finish(meta: Record<string, string>): { packages: number; ecosystems: Record<string, number> } {
    this.sql.exec(
      'INSERT INTO affected (ecosystem, package, record_id, entry, severity, score, vector) ' +
        'SELECT ecosystem, package, record_id, entry, severity, score, vector FROM stage.staged ORDER BY ecosystem, package, rowid',
    );
    this.sql.exec('COMMIT; DETACH DATABASE stage;');
    rmSync(this.stageFile, { force: true });
    this.sql.exec('BEGIN');
    this.sql.exec(INDEX_SQL);
    const packages = (this.sql.prepare('SELECT COUNT(*) AS n FROM (SELECT DISTINCT ecosystem, package FROM affected)').get() as { n: number }).n;
    const rows = this.sql.prepare('SELECT ecosystem, COUNT(DISTINCT record_id) AS n FROM affected GROUP BY ecosystem ORDER BY ecosystem').all() as { ecosystem: string; n: number }[];
    const ecosystems = Object.fromEntries(rows.map((r) => [r.ecosystem, r.n]));
    const put = this.sql.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const all: Record<string, string> = {
      ...meta,
      schema_version: String(SCHEMA_VERSION),
      records: String(this.counts.records),
      affected: String(this.counts.affected),
      packages: String(packages),
      ecosystems: JSON.stringify(ecosystems),
    };
    for (const [k, v] of Object.entries(all)) put.run(k, v);
    this.sql.exec('COMMIT');
    this.sql.close();
    return { packages, ecosystems };
  }

  /** Closes without committing; the caller deletes the file. */
  abort(): void {
    if (this.sql.open) this.sql.close();
    rmSync(this.stageFile, { force: true });
  }
}
