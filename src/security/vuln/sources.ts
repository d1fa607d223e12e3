import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VulnDbError } from './errors.js';
import { openZip } from './zip-reader.js';
import type { ZipArchive } from './zip-reader.js';

/** Bounds on what one import reads, so a hostile archive cannot exhaust memory or time. */
export interface SourceLimits {
  /** Largest single JSON record read; larger ones are skipped with a warning. */
  maxRecordBytes: number;
  /** Most entries read from one archive or folder. */
  maxEntries: number;
  /** Most uncompressed bytes read from one archive. */
  maxTotalBytes: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxEntries: 5_000_000,
  maxTotalBytes: 32 * 1024 * 1024 * 1024,
};

/** One candidate record: its text, or why it could not be read (skipped, not fatal). */
export type SourceItem = { path: string; text: string } | { path: string; problem: string };

const isJsonName = (name: string): boolean => name.toLowerCase().endsWith('.json');

function readBounded(path: string, max: number): SourceItem {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { path, problem: (e as Error).message };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > max) return { path, problem: `larger than ${max} bytes` };
    return { path, text: readFileSync(fd, 'utf8') };
  } catch (e) {
    return { path, problem: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

/**
 * Every *.json file under a folder (symlinks not followed), in a stable order. Files are read
 * synchronously (a small file costs ~20 us that way, ~130 us through the thread pool), with a
 * pause every few hundred so timers and progress output still run.
 */
async function* folderRecords(dir: string, limits: SourceLimits): AsyncGenerator<SourceItem> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })) as Dirent[];
  const files = entries
    .filter((d) => d.isFile() && isJsonName(d.name))
    .map((d) => join(d.parentPath ?? d.path, d.name))
    .sort();
  if (files.length > limits.maxEntries) {
    throw new VulnDbError('BAD_ARCHIVE', `${dir} holds ${files.length} JSON files, more than the limit of ${limits.maxEntries}`, { path: dir, limit: 'maxEntries' });
  }
  for (const [i, file] of files.entries()) {
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    yield readBounded(file, limits.maxRecordBytes);
  }
}

/** The *.json entries of a zip, streamed one at a time; nothing is extracted to disk. */
async function* zipRecords(path: string, name: string, limits: SourceLimits): AsyncGenerator<SourceItem> {
  let zip: ZipArchive;
  try {
    zip = await openZip(path);
  } catch (e) {
    throw new VulnDbError('BAD_ARCHIVE', `${name} is not a readable zip archive: ${(e as Error).message}`, { path: name }, e);
  }
  let count = 0;
  let total = 0;
  try {
    for await (const entry of zip.entries()) {
      if (entry.fileName.endsWith('/') || !isJsonName(entry.fileName)) continue;
      const where = `${name}!${entry.fileName}`;
      if (++count > limits.maxEntries) throw new VulnDbError('BAD_ARCHIVE', `${name} has more than ${limits.maxEntries} JSON entries`, { path: name, limit: 'maxEntries' });
      if (entry.isEncrypted()) {
        yield { path: where, problem: 'encrypted entry' };
        continue;
      }
      if (entry.uncompressedSize > limits.maxRecordBytes) {
        yield { path: where, problem: `larger than ${limits.maxRecordBytes} bytes` };
        continue;
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new VulnDbError('BAD_ARCHIVE', `${name} inflates past ${limits.maxTotalBytes} bytes`, { path: name, limit: 'maxTotalBytes' });
      const data = await zip.read(entry);
      yield { path: where, text: data.toString('utf8') };
    }
  } catch (e) {
    if (e instanceof VulnDbError) throw e;
    throw new VulnDbError('BAD_ARCHIVE', `${name} is damaged: ${(e as Error).message}`, { path: name }, e);
  } finally {
    zip.close();
  }
}

/**
 * The records of an import source: a folder of OSV JSON files (searched recursively), a zip of
 * them, or one JSON file.
 *
 * `name` is how messages refer to the source (a download's URL rather than its temporary file).
 *
 * @throws VulnDbError SOURCE_NOT_FOUND, or BAD_ARCHIVE for a damaged zip or a file of another kind
 */
export async function* readOsvSource(path: string, limits: SourceLimits = DEFAULT_SOURCE_LIMITS, name = path): AsyncGenerator<SourceItem> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new VulnDbError('SOURCE_NOT_FOUND', `no such file or folder: ${path}`, { path });
  if (info.isDirectory()) return yield* folderRecords(path, limits);
  const fh = await open(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x50 && head[1] === 0x4b) return yield* zipRecords(path, name, limits);
  if (isJsonName(path)) return yield* [readBounded(path, limits.maxRecordBytes)];
  throw new VulnDbError('BAD_ARCHIVE', `${name} is neither a folder, a zip archive nor a .json file`, { path: name });
}
