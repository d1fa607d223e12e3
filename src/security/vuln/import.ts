import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DbWriter } from './db-writer.js';
import { VulnDbError } from './errors.js';
import { checkOsvRecord } from './osv-record.js';
import { DEFAULT_SOURCE_LIMITS, readOsvSource } from './sources.js';
import type { SourceLimits } from './sources.js';

export interface ImportSource {
  path: string;
  /** What the status shows as the source (the download URL for updates); defaults to the path. */
  label?: string;
  sha256?: string | null;
}

export interface ImportWarning {
  path: string;
  message: string;
}

export interface ImportProgress {
  /** Entries read so far (records and skipped ones). */
  read: number;
  imported: number;
  skipped: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Called for each skipped record; the first 100 are also returned. */
  onWarning?: (warning: ImportWarning) => void;
  limits?: Partial<SourceLimits>;
  now?: () => Date;
}

export interface ImportResult {
  file: string;
  records: number;
  /** Index rows (record x affected package). */
  affected: number;
  /** Distinct (ecosystem, package) pairs. */
  packages: number;
  ecosystems: Record<string, number>;
  skipped: number;
  withdrawn: number;
  duplicates: number;
  warnings: ImportWarning[];
  durationMs: number;
}

const PROGRESS_EVERY = 1000;
const WARNINGS_KEPT = 100;

async function fsyncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await fh.close();
  }
}

/**
 * Builds a vulnerability database from OSV records: folders (recursively), zips (streamed, never
 * extracted) or single JSON files. The new database is written beside `dbFile` and renamed over
 * it only when complete, so a failed import leaves the old one as it was. Bad records are skipped
 * and counted, never fatal; withdrawn records are left out.
 *
 * @example
 * const r = await importOsv('./osv/Debian.zip', defaultDbPath(config.dataDir), { onProgress: (p) => bar.update(p.read) });
 * @throws VulnDbError SOURCE_NOT_FOUND, BAD_ARCHIVE, or NO_RECORDS when nothing valid was found
 */
export async function importOsv(
  source: string | ImportSource | readonly (string | ImportSource)[],
  dbFile: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = performance.now();
  const sources = (Array.isArray(source) ? source : [source]).map((s: string | ImportSource) => (typeof s === 'string' ? { path: s } : s));
  const limits = { ...DEFAULT_SOURCE_LIMITS, ...options.limits };
  const target = resolve(dbFile);
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.import-${process.pid}-${randomBytes(4).toString('hex')}`);
  const warnings: ImportWarning[] = [];
  const progress: ImportProgress = { read: 0, imported: 0, skipped: 0 };
  let withdrawn = 0;
  const skip = (path: string, message: string): void => {
    progress.skipped++;
    const w = { path, message };
    if (warnings.length < WARNINGS_KEPT) warnings.push(w);
    options.onWarning?.(w);
  };
  const writer = new DbWriter(tmp);
  try {
    const perSource: { source: string; sha256: string | null; records: number }[] = [];
    for (const s of sources) {
      const before = writer.counts.records;
      for await (const item of readOsvSource(s.path, limits, s.label ?? s.path)) {
        progress.read++;
        if ('problem' in item) skip(item.path, item.problem);
        else {
          let value: unknown;
          try {
            value = JSON.parse(item.text);
          } catch (e) {
            skip(item.path, `not JSON: ${(e as Error).message}`);
            continue;
          }
          const check = checkOsvRecord(value);
          if (!check.ok) skip(item.path, `not a valid OSV record: ${check.problems.slice(0, 5).join('; ')}`);
          else if (check.record.withdrawn !== undefined) withdrawn++;
          else writer.add(check.record);
        }
        progress.imported = writer.counts.records;
        if (progress.read % PROGRESS_EVERY === 0) options.onProgress?.({ ...progress });
      }
      perSource.push({ source: s.label ?? resolve(s.path), sha256: s.sha256 ?? null, records: writer.counts.records - before });
    }
    options.onProgress?.({ ...progress });
    if (writer.counts.records === 0) {
      throw new VulnDbError('NO_RECORDS', `no valid OSV records in ${sources.map((s) => s.label ?? s.path).join(', ')} (${progress.skipped} skipped)`, {
        skipped: progress.skipped,
        warnings: warnings.slice(0, 10),
      });
    }
    const { records, affected, duplicates } = writer.counts;
    const { packages, ecosystems } = writer.finish({
      sources: JSON.stringify(perSource),
      imported_at: (options.now?.() ?? new Date()).toISOString(),
      skipped: String(progress.skipped),
      withdrawn: String(withdrawn),
      duplicates: String(duplicates),
    });
    await fsyncPath(tmp, 'r+');
    await rename(tmp, target);
    await fsyncPath(dirname(target), 'r');
    return { file: target, records, affected, packages, ecosystems, skipped: progress.skipped, withdrawn, duplicates, warnings, durationMs: performance.now() - started };
  } catch (e) {
    writer.abort();
    await rm(tmp, { force: true });
    throw e;
  }
}
