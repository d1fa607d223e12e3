import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVulnDbError } from '../../../src/security/vuln/errors.js';
import { dbStatus } from '../../../src/security/vuln/status.js';
import { updateOsv } from '../../../src/security/vuln/update.js';
import type { UpdateOptions } from '../../../src/security/vuln/update.js';
import { tempDir } from '../../support/tmp.js';
import { record } from './support/records.js';
import { makeZip } from './support/zip.js';

const tmp = tempDir('vuln-update-');
const hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const GOOD = makeZip([
  { name: 'a.json', data: JSON.stringify(record('GHSA-one', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }])) },
  { name: 'b.json', data: JSON.stringify(record('GHSA-two', 'npm', 'express', [{ introduced: '0' }, { fixed: '4.17.3' }])) },
]);
const OTHER = makeZip([{ name: 'c.json', data: JSON.stringify(record('PYSEC-three', 'PyPI', 'django', [{ introduced: '0' }])) }]);
const NO_VALID = makeZip([{ name: 'x.json', data: '{"id": 1}' }]);

/** Routes of the local server: what each path answers. */
const routes: Record<string, (res: ServerResponse) => void> = {
  '/good.zip': (res) => res.end(GOOD),
  '/good.zip.sha256': (res) => res.end(`${hex(GOOD)}  good.zip\n`),
  '/other.zip': (res) => res.end(OTHER),
  '/badsum.zip': (res) => res.end(GOOD),
  '/badsum.zip.sha256': (res) => res.end(`${'0'.repeat(64)}  badsum.zip\n`),
  '/truncated.zip': (res) => {
    res.writeHead(200, { 'content-length': GOOD.length });
    res.write(GOOD.subarray(0, 100));
    setTimeout(() => res.destroy(), 20);
  },
  '/short.zip': (res) => res.end(GOOD.subarray(0, GOOD.length - 40)), // complete transfer of a cut file
  '/error.zip': (res) => {
    res.statusCode = 500;
    res.end('boom');
  },
  '/sidecar-error.zip': (res) => res.end(GOOD),
  '/sidecar-error.zip.sha256': (res) => {
    res.statusCode = 503;
    res.end();
  },
  '/novalid.zip': (res) => res.end(NO_VALID),
  '/notzip.zip': (res) => res.end('<html>maintenance</html>'),
  '/redirect.zip': (res) => {
    res.writeHead(302, { location: '/good.zip' });
    res.end();
  },
  '/offsite.zip': (res) => {
    res.writeHead(302, { location: 'http://example.com/good.zip' });
    res.end();
  },
  '/stall.zip': (res) => {
    res.writeHead(200, { 'content-type': 'application/zip' });
    res.write(GOOD.subarray(0, 10)); // then nothing
  },
};

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res);
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isVulnDbError(e) ? e.code : `not ours: ${String(e)}`;
  }
  return undefined;
}

describe('updateOsv', () => {
  it('downloads, verifies against the sidecar, imports and reports', async () => {
    const dbFile = tmp.path('one/osv.db');
    const phases: string[] = [];
    const r = await updateOsv({ url: `${base}/good.zip`, dbFile, onProgress: (p) => phases.push(p.phase) });
    expect(r.records).toBe(2);
    expect(r.downloads).toEqual([{ url: `${base}/good.zip`, bytes: GOOD.length, sha256: hex(GOOD), verifiedBy: 'sidecar' }]);
    expect(phases[0]).toBe('download');
    expect(phases.at(-1)).toBe('import');
    expect(dbStatus(dbFile).sources).toEqual([{ source: `${base}/good.zip`, sha256: hex(GOOD), records: 2 }]);
    expect(readdirSync(tmp.path('one'))).toEqual(['osv.db']);
  });

  it('checks an expected checksum, follows same-host redirects and merges several URLs', async () => {
    const dbFile = tmp.path('two/osv.db');
    const r = await updateOsv({ url: [`${base}/redirect.zip`, `${base}/other.zip`], sha256: [hex(GOOD), hex(OTHER).toUpperCase()], dbFile });
    expect(r.records).toBe(3);
    expect(r.downloads.map((d) => d.verifiedBy)).toEqual(['expected', 'expected']);
    // no sidecar and no expected value: the zip must still open and hold records
    const r2 = await updateOsv({ url: `${base}/other.zip`, dbFile });
    expect(r2.downloads[0].verifiedBy).toBe('none');
    expect(dbStatus(dbFile).records).toBe(1);
  });

  it('leaves the old database intact on every kind of failure', async () => {
    const dir = tmp.path('keep');
    const dbFile = join(dir, 'osv.db');
    await updateOsv({ url: `${base}/good.zip`, dbFile });
    const before = readFileSync(dbFile);
    const attempt = (url: string | string[], extra: Partial<UpdateOptions> = {}) => codeOf(updateOsv({ url, dbFile, ...extra }));

    expect(await attempt(`${base}/truncated.zip`)).toBe('DOWNLOAD_FAILED');
    expect(await attempt(`${base}/short.zip`)).toBe('BAD_ARCHIVE');
    expect(await attempt(`${base}/error.zip`)).toBe('DOWNLOAD_FAILED');
    expect(await attempt(`${base}/missing.zip`)).toBe('DOWNLOAD_FAILED');
    expect(await attempt(`${base}/badsum.zip`)).toBe('CHECKSUM_MISMATCH');
    expect(await attempt(`${base}/good.zip`, { sha256: 'ab'.repeat(32) })).toBe('CHECKSUM_MISMATCH');
    expect(await attempt(`${base}/sidecar-error.zip`)).toBe('DOWNLOAD_FAILED');
    expect(await attempt(`${base}/novalid.zip`)).toBe('NO_RECORDS');
    expect(await attempt(`${base}/notzip.zip`)).toBe('BAD_ARCHIVE');
    expect(await attempt(`${base}/good.zip`, { download: { maxBytes: 100 } })).toBe('DOWNLOAD_TOO_LARGE');
    expect(await attempt(`${base}/stall.zip`, { download: { idleTimeoutMs: 200 } })).toBe('DOWNLOAD_FAILED');
    expect(await attempt(`${base}/offsite.zip`)).toBe('BAD_URL'); // a redirect to plain http elsewhere
    expect(await attempt('http://example.com/osv.zip')).toBe('BAD_URL');
    expect(await attempt('ftp://127.0.0.1/osv.zip')).toBe('BAD_URL');
    expect(await attempt(`${base}/good.zip`, { sha256: 'not-a-hash' })).toBe('BAD_URL');
    // a second URL failing after the first succeeded still changes nothing
    expect(await attempt([`${base}/good.zip`, `${base}/error.zip`])).toBe('DOWNLOAD_FAILED');

    expect(readFileSync(dbFile).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['osv.db']);
  });
});
