import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultDbPath, openVulnDb } from '../../../src/security/vuln/db.js';
import { isVulnDbError } from '../../../src/security/vuln/errors.js';
import { importOsv } from '../../../src/security/vuln/import.js';
import type { ImportProgress } from '../../../src/security/vuln/import.js';
import { dbStatus } from '../../../src/security/vuln/status.js';
import { tempDir } from '../../support/tmp.js';
import { record } from './support/records.js';
import { makeZip } from './support/zip.js';

const tmp = tempDir('vuln-import-');
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const GOOD = [
  record('GHSA-aaaa', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], {
    rangeType: 'SEMVER',
    aliases: ['CVE-2021-23337'],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
  }),
  record('PYSEC-1', 'PyPI', 'Django_Rest.Framework', [{ introduced: '0' }, { fixed: '3.15.2' }], { database_specific: { severity: 'HIGH' } }),
  record('DEBIAN-CVE-2024-1', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }], {
    upstream: ['CVE-2024-1'],
    entry: { ecosystem_specific: { urgency: 'medium' } },
  }),
];

function folderFixture(name: string): string {
  const dir = tmp.path(name);
  mkdirSync(join(dir, 'npm', 'deep'), { recursive: true });
  mkdirSync(join(dir, 'other'), { recursive: true });
  writeFileSync(join(dir, 'npm', 'deep', 'GHSA-aaaa.json'), JSON.stringify(GOOD[0]));
  writeFileSync(join(dir, 'other', 'PYSEC-1.JSON'), JSON.stringify(GOOD[1]));
  writeFileSync(join(dir, 'DEBIAN-CVE-2024-1.json'), JSON.stringify(GOOD[2]));
  writeFileSync(join(dir, 'broken.json'), '{"id": "X", ');
  writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ id: 'BAD-1', modified: 'never', affected: [{ ranges: 'x' }] }));
  writeFileSync(join(dir, 'withdrawn.json'), JSON.stringify({ ...record('GHSA-gone', 'npm', 'x', [{ introduced: '0' }]), withdrawn: '2024-06-01T00:00:00Z' }));
  writeFileSync(join(dir, 'README.md'), 'not a record');
  // The same id again, modified later: the newer one wins.
  writeFileSync(join(dir, 'other', 'GHSA-aaaa-newer.json'), JSON.stringify({ ...GOOD[0], modified: '2024-09-01T00:00:00Z', summary: 'newer text' }));
  return dir;
}

describe('import from a folder', () => {
  it('imports valid records recursively, skipping and counting bad ones', async () => {
    const dbFile = defaultDbPath(tmp.path('data-folder'));
    const progress: ImportProgress[] = [];
    const warned: string[] = [];
    const r = await importOsv(folderFixture('folder'), dbFile, {
      onProgress: (p) => progress.push(p),
      onWarning: (w) => warned.push(w.path),
      now: () => new Date('2025-01-01T00:00:00Z'),
    });
    expect(r).toMatchObject({ records: 3, affected: 3, packages: 3, skipped: 2, withdrawn: 1, duplicates: 1, ecosystems: { 'Debian:12': 1, PyPI: 1, npm: 1 } });
    expect(r.file).toBe(dbFile);
    expect(warned.map((p) => p.split('/').pop()).sort()).toEqual(['broken.json', 'invalid.json']);
    expect(r.warnings.find((w) => w.path.endsWith('invalid.json'))?.message).toContain('modified: must be an RFC 3339 timestamp');
    expect(progress.at(-1)).toEqual({ read: 7, imported: 3, skipped: 2 });

    const db = openVulnDb(dbFile);
    try {
      const [row] = db.lookup(['npm'], 'lodash');
      expect(row).toMatchObject({ ecosystem: 'npm', recordId: 'GHSA-aaaa', severity: 'HIGH', score: 7.2 });
      expect(row.entry.ranges).toEqual([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }]);
      expect(db.record('GHSA-aaaa')).toMatchObject({ summary: 'newer text', aliases: ['CVE-2021-23337'], references: ['https://example.org/GHSA-aaaa'] });
      // PyPI names are stored PEP 503-normalized; ecosystems exactly as given.
      expect(db.lookup(['PyPI'], 'django-rest-framework')).toHaveLength(1);
      expect(db.lookup(['Debian:12'], 'openssl')[0]).toMatchObject({ severity: 'MEDIUM', score: null });
      expect(db.record('DEBIAN-CVE-2024-1')?.aliases).toEqual(['CVE-2024-1']);
      expect(db.lookup(['Debian:11'], 'openssl')).toEqual([]);
      expect(db.record('GHSA-gone')).toBeNull();
    } finally {
      db.close();
    }

    const s = dbStatus(dbFile, new Date('2025-01-01T02:00:00Z'));
    expect(s).toMatchObject({ records: 3, packages: 3, affected: 3, skipped: 2, withdrawn: 1, importedAt: '2025-01-01T00:00:00.000Z', ageSeconds: 7200, schemaVersion: 1 });
    expect(s.sources).toEqual([{ source: tmp.path('folder'), sha256: null, records: 3 }]);
    expect(s.ecosystems).toEqual({ 'Debian:12': 1, PyPI: 1, npm: 1 });
    expect(s.sizeBytes).toBeGreaterThan(0);
  });
});

describe('import from a zip', () => {
  it('streams the JSON entries, skipping bad and oversized ones', async () => {
    const zipFile = tmp.file(
      'osv.zip',
      makeZip([
        { name: 'npm/', data: '' },
        { name: 'npm/GHSA-aaaa.json', data: JSON.stringify(GOOD[0]) },
        { name: 'PyPI/PYSEC-1.json', data: JSON.stringify(GOOD[1]), store: true },
        { name: 'Debian/DEBIAN-CVE-2024-1.json', data: JSON.stringify(GOOD[2]) },
        { name: 'Debian/huge.json', data: JSON.stringify({ ...GOOD[2], id: 'HUGE', details: 'x'.repeat(300_000) }) },
        { name: 'bad.json', data: '[1, 2' },
        { name: 'notes.txt', data: 'ignored' },
      ]),
    );
    const dbFile = tmp.path('zip.db');
    const r = await importOsv(zipFile, dbFile, { limits: { maxRecordBytes: 100_000 } });
    expect(r).toMatchObject({ records: 3, skipped: 2, packages: 3 });
    expect(r.warnings.map((w) => w.path.split('!')[1]).sort()).toEqual(['Debian/huge.json', 'bad.json']);
    expect(r.warnings.find((w) => w.path.endsWith('huge.json'))?.message).toContain('larger than 100000 bytes');
    expect(dbStatus(dbFile).sources[0].source).toBe(zipFile);
  });

  it('merges several sources into one database', async () => {
    const a = tmp.file('a.zip', makeZip([{ name: 'a.json', data: JSON.stringify(GOOD[0]) }]));
    const b = tmp.file('b.zip', makeZip([{ name: 'b.json', data: JSON.stringify(GOOD[1]) }]));
    const r = await importOsv([a, { path: b, label: 'https://mirror/b.zip', sha256: 'ab'.repeat(32) }], tmp.path('merged.db'));
    expect(r.records).toBe(2);
    expect(dbStatus(tmp.path('merged.db')).sources).toEqual([
      { source: a, sha256: null, records: 1 },
      { source: 'https://mirror/b.zip', sha256: 'ab'.repeat(32), records: 1 },
    ]);
  });
});

describe('failed imports leave the old database as it was', () => {
  const code = async (p: Promise<unknown>): Promise<string | undefined> => {
    try {
      await p;
    } catch (e) {
      return isVulnDbError(e) ? e.code : `not ours: ${String(e)}`;
    }
    return undefined;
  };

  it('for a damaged zip, a folder without valid records, and a missing source', async () => {
    const dir = tmp.path('keep');
    const dbFile = join(dir, 'osv.db');
    await importOsv(folderFixture('keep-src'), dbFile);
    const before = sha(dbFile);

    const good = makeZip([{ name: 'a.json', data: JSON.stringify(GOOD[0]) }, { name: 'b.json', data: JSON.stringify(GOOD[1]) }]);
    const truncated = tmp.file('truncated.zip', good.subarray(0, good.length - 30));
    const corruptData = Buffer.from(good);
    corruptData[40] ^= 0xff; // inside the first entry's deflate stream
    const corrupt = tmp.file('corrupt.zip', corruptData);
    const empty = tmp.path('empty-src');
    mkdirSync(empty);
    writeFileSync(join(empty, 'bad.json'), '{}');

    // An entry that inflates past the size its headers declare (how zip bombs slip past size checks).
    const bomb = makeZip([{ name: 'a.json', data: JSON.stringify({ ...GOOD[0], details: 'A'.repeat(50_000) }) }]);
    bomb.writeUInt32LE(100, 22); // local header: uncompressed size
    bomb.writeUInt32LE(100, bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24); // central directory
    const lying = tmp.file('bomb.zip', bomb);

    expect(await code(importOsv(lying, dbFile))).toBe('BAD_ARCHIVE');
    expect(await code(importOsv(truncated, dbFile))).toBe('BAD_ARCHIVE');
    expect(await code(importOsv(corrupt, dbFile))).toBe('BAD_ARCHIVE');
    expect(await code(importOsv(empty, dbFile))).toBe('NO_RECORDS');
    expect(await code(importOsv(tmp.path('nowhere'), dbFile))).toBe('SOURCE_NOT_FOUND');
    expect(await code(importOsv(tmp.file('plain.txt', 'hello'), dbFile))).toBe('BAD_ARCHIVE');

    expect(sha(dbFile)).toBe(before);
    expect(readdirSync(dir)).toEqual(['osv.db']); // no temporary files left behind
    expect(dbStatus(dbFile).records).toBe(3);
  });
});

describe('opening a database', () => {
  it('says which problem it has', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isVulnDbError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(codeOf(() => openVulnDb(tmp.path('missing.db')))).toBe('DB_NOT_FOUND');
    expect(codeOf(() => openVulnDb(tmp.file('text.db', 'this is not sqlite at all, not even close to it.........................................................')))).toBe('DB_CORRUPTED');
    const other = new Database(tmp.path('other.db'));
    other.exec('CREATE TABLE t (x)');
    other.close();
    expect(codeOf(() => openVulnDb(tmp.path('other.db')))).toBe('DB_CORRUPTED');
    expect(codeOf(() => dbStatus(tmp.path('missing.db')))).toBe('DB_NOT_FOUND');
  });
});
