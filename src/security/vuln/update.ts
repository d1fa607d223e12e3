import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_DOWNLOAD_LIMITS, checkUrl, downloadToFile, fetchOptionalText } from './download.js';
import type { DownloadLimits } from './download.js';
import { VulnDbError } from './errors.js';
import { importOsv } from './import.js';
import type { ImportOptions, ImportResult, ImportSource } from './import.js';

/** OSV.dev's per-ecosystem exports for what the scanner matches. */
export const DEFAULT_OSV_URLS: readonly string[] = ['Debian', 'Ubuntu', 'Alpine', 'npm', 'PyPI'].map(
  (e) => `https://osv-vulnerabilities.storage.googleapis.com/${e}/all.zip`,
);

export interface UpdateOptions extends Omit<ImportOptions, 'onProgress'> {
  /** One zip, or several merged into one database. */
  url: string | readonly string[];
  dbFile: string;
  /** Expected SHA-256 (hex) of the zip; with several URLs, one per URL in the same order. */
  sha256?: string | readonly string[];
  download?: Partial<DownloadLimits>;
  onProgress?: (p: { phase: 'download'; url: string } | { phase: 'import'; read: number; imported: number; skipped: number }) => void;
}

export interface DownloadReport {
  url: string;
  bytes: number;
  sha256: string;
  /** What the checksum was checked against: the caller's value, the server's `<url>.sha256`, or nothing. */
  verifiedBy: 'expected' | 'sidecar' | 'none';
}

export interface UpdateResult extends ImportResult {
  downloads: DownloadReport[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The hash in a `sha256sum`-style sidecar ("<hex>  all.zip") or a bare one. */
function parseSidecar(url: string, text: string): string {
  const token = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!HEX64.test(token)) throw new VulnDbError('CHECKSUM_MISMATCH', `${url}.sha256 does not hold a SHA-256 hash`, { url });
  return token;
}

async function verify(url: string, actual: string, expected: string | undefined, limits: DownloadLimits): Promise<DownloadReport['verifiedBy']> {
  let want: string;
  let by: DownloadReport['verifiedBy'];
  if (expected !== undefined) {
    want = expected.trim().toLowerCase();
    by = 'expected';
  } else {
    const sidecar = await fetchOptionalText(`${url}.sha256`, 4096, limits);
    if (sidecar === null) return 'none';
    want = parseSidecar(url, sidecar);
    by = 'sidecar';
  }
  if (want !== actual) throw new VulnDbError('CHECKSUM_MISMATCH', `${url}: SHA-256 is ${actual}, expected ${want}`, { url, actual, expected: want });
  return by;
}

/**
 * Downloads OSV zip(s), verifies them (the expected SHA-256 when given, else the server's
 * `<url>.sha256` when it has one; and each zip must open and hold valid records), imports them
 * and swaps the database in atomically. Any failure leaves the old database as it was.
 *
 * @example
 * await updateOsv({ url: DEFAULT_OSV_URLS, dbFile: defaultDbPath(config.dataDir) });
 * @throws VulnDbError BAD_URL, DOWNLOAD_FAILED, DOWNLOAD_TOO_LARGE, CHECKSUM_MISMATCH, BAD_ARCHIVE, NO_RECORDS
 */
export async function updateOsv(options: UpdateOptions): Promise<UpdateResult> {
  const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
  const expected = options.sha256 === undefined ? [] : typeof options.sha256 === 'string' ? [options.sha256] : [...options.sha256];
  if (urls.length === 0) throw new VulnDbError('BAD_URL', 'no URL to download', {});
  if (expected.length > 0 && expected.length !== urls.length) {
    throw new VulnDbError('BAD_URL', `${expected.length} checksums given for ${urls.length} URLs`, { urls });
  }
  for (const [i, h] of expected.entries()) {
    if (!HEX64.test(h.trim().toLowerCase())) throw new VulnDbError('BAD_URL', `checksum for ${urls[i]} is not a SHA-256 hex digest`, { url: urls[i] });
  }
  urls.forEach(checkUrl);
  const limits = { ...DEFAULT_DOWNLOAD_LIMITS, ...options.download };
  const dbFile = resolve(options.dbFile);
  await mkdir(dirname(dbFile), { recursive: true });
  // Downloads go beside the database (same file system, usually more room than /tmp).
  const work = await mkdtemp(join(dirname(dbFile), '.osv-download-'));
  try {
    const downloads: DownloadReport[] = [];
    const sources: ImportSource[] = [];
    for (const [i, url] of urls.entries()) {
      options.onProgress?.({ phase: 'download', url });
      const file = join(work, `source-${i}.zip`);
      const got = await downloadToFile(url, file, limits);
      const verifiedBy = await verify(url, got.sha256, expected[i], limits);
      downloads.push({ url, bytes: got.bytes, sha256: got.sha256, verifiedBy });
      sources.push({ path: file, label: url, sha256: got.sha256 });
    }
    const result = await importOsv(sources, dbFile, {
      ...options,
      onProgress: (p) => options.onProgress?.({ phase: 'import', ...p }),
    });
    return { ...result, downloads };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
