/**
 * Scanning benchmarks: a Debian bookworm minbase image (docker-archive) against an OSV database
 * of 50,000 records, the import of those records, and the inventory of an image holding 10,000
 * npm packages. Run: npm run bench:scan  (needs mmdebstrap, skopeo; the rootfs is cached in /tmp)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeInventory, inventoryWanted } from '../src/security/inventory/index.js';
import { openTarget } from '../src/security/target/index.js';
import { importOsv } from '../src/security/vuln/import.js';
import { writeSyntheticOsvFolder, REAL_DEBIAN_SOURCES } from '../src/security/vuln/synthetic.js';
import { skopeoCopy, tarLayer, writeOciLayout } from '../test/support/images.js';
import { ROOT, printTable, writeResult } from './common.js';

const work = join(tmpdir(), 'churn-bench-scan');
mkdirSync(work, { recursive: true });
const log = (s: string) => process.stderr.write(`${s}\n`);

// 1. The image: a real Debian minbase root filesystem (mmdebstrap), one gzip layer.
const rootfs = join(work, 'rootfs.tar');
if (!existsSync(rootfs)) {
  log('building a Debian bookworm minbase root filesystem with mmdebstrap (once; cached)');
  execFileSync('mmdebstrap', ['--variant=minbase', '--mode=root', '--format=tar', 'bookworm', rootfs], { stdio: 'inherit' });
}
const archive = join(work, 'bookworm.tar');
if (!existsSync(archive)) {
  const oci = join(work, 'oci');
  rmSync(oci, { recursive: true, force: true });
  writeOciLayout(oci, { bookworm: { layers: [gzipSync(readFileSync(rootfs))], config: { User: '1000', Cmd: ['/bin/bash'] } } });
  await skopeoCopy(`oci:${oci}:bookworm`, `docker-archive:${archive}:local/debian:bookworm`);
}

// 2. An OSV database of 50,000 records, a share of them naming the image's real source packages.
const osvDir = join(work, 'osv-50k');
if (!existsSync(join(osvDir, 'done'))) {
  rmSync(osvDir, { recursive: true, force: true });
  await writeSyntheticOsvFolder(osvDir, 50_000, { seed: 7 });
  execFileSync('touch', [join(osvDir, 'done')]);
}
const db = join(work, 'osv.db');
const imports: number[] = [];
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  const r = await importOsv(osvDir, db);
  imports.push((performance.now() - t) / 1000);
  log(`import: ${r.records} records in ${imports[imports.length - 1].toFixed(2)} s`);
}

// 3. The scan as a user runs it (a fresh process each time), wall time and peak memory.
const scans: { seconds: number; peakMiB: number; findings: number }[] = [];
for (let i = 0; i < 3; i++) {
  const out = join(work, 'report.json');
  const t = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'bin', 'churn.js'), 'security-scan', `docker-archive:${archive}`, '--db', db, '--format', 'json', '--output', out], {
    encoding: 'utf8',
    env: { ...process.env, FAIL_ON_VULNERABILITIES: 'false' },
  });
  const seconds = (performance.now() - t) / 1000;
  if (res.status !== 0) throw new Error(`security-scan exited ${res.status}: ${res.stderr}`);
  const peakKiB = Number(res.stderr.trim().split('\n').pop());
  const report = JSON.parse(readFileSync(out, 'utf8')) as { Results: { Vulnerabilities?: unknown[] }[] };
  scans.push({ seconds, peakMiB: peakKiB / 1024, findings: report.Results.reduce((n, r) => n + (r.Vulnerabilities?.length ?? 0), 0) });
}

// 4. Inventory of an image with 10,000 npm packages.
const npmArchive = join(work, 'npm10k.tar');
if (!existsSync(npmArchive)) {
  const entries = Array.from({ length: 10_000 }, (_, i) => ({ path: `app/node_modules/pkg-${i}/package.json`, content: JSON.stringify({ name: `pkg-${i}`, version: `1.${i % 50}.${i % 7}`, license: 'MIT' }) }));
  const oci = join(work, 'oci-npm');
  rmSync(oci, { recursive: true, force: true });
  writeOciLayout(oci, { npm: { layers: [gzipSync(await tarLayer(entries))] } });
  await skopeoCopy(`oci:${oci}:npm`, `docker-archive:${npmArchive}:local/npm:10k`);
}
const inv: number[] = [];
let npmCount = 0;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const target = await openTarget(`docker-archive:${npmArchive}`);
  const inventory = analyzeInventory(await target.files(inventoryWanted()));
  await target.close();
  inv.push((performance.now() - t) / 1000);
  npmCount = inventory.packages.filter((p) => p.ecosystem === 'npm').length;
}

const best = scans.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const pkgs = Number(execFileSync('tar', ['-xOf', rootfs, './var/lib/dpkg/status']).toString().match(/^Package:/gm)?.length ?? 0);
const rows = [
  { benchmark: `scan bookworm minbase (${pkgs} packages) vs 50,000 OSV records`, result: `${best.seconds.toFixed(2)} s, peak ${best.peakMiB.toFixed(0)} MiB, ${best.findings} findings`, target: '< 2 s, < 300 MiB' },
  { benchmark: 'vuln-db import of 50,000 records', result: `${Math.min(...imports).toFixed(2)} s`, target: '< 30 s' },
  { benchmark: `inventory of ${npmCount} npm packages`, result: `${Math.min(...inv).toFixed(2)} s`, target: '< 3 s' },
];
console.log('');
printTable(rows);
console.log(`\nwritten: ${writeResult('scan', { measured_at: new Date().toISOString(), scans, imports, inventory_seconds: inv, npm_packages: npmCount, debian_packages: pkgs, debian_sources_in_synthetic_pool: REAL_DEBIAN_SOURCES.length })}`);
