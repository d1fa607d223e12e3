import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOsv } from '../../../src/security/vuln/import.js';
import { tarLayer, writeOciLayout } from '../../support/images.js';

/**
 * Two releases of one small Debian 12 image, built as real OCI layouts with a hand-written dpkg
 * database, and an OSV database whose advisories tell them apart:
 * - DSA-7001-1 (CVE-2099-7001, HIGH): libfoo before 1.0-2. v1 has 1.0-1; v2 ships the fix.
 * - DSA-7002-1 (CVE-2099-7002, MEDIUM): every libbar. v1 has 2.0-1, v2 2.0-2: still open.
 * - DSA-7003-1 (CVE-2099-7003, HIGH): libbaz before 3.0-5. Only v2 installs it (3.0-1): new.
 */
export const RELEASES = {
  1: { libfoo: '1.0-1', libbar: '2.0-1' },
  2: { libfoo: '1.0-2', libbar: '2.0-2', libbaz: '3.0-1' },
} as const;

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

function dpkgStatus(packages: Record<string, string>): string {
  return Object.entries(packages)
    .map(([name, version]) => `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: test package ${name}\n`)
    .join('\n');
}

/** Writes release `version` as the OCI layout `dir`, tagged `tag` (replacing what the tag named). */
export async function writeRelease(dir: string, version: 1 | 2, tag = 'app'): Promise<string> {
  const layer = await tarLayer([
    { path: 'etc/', type: 'directory' },
    { path: 'etc/os-release', content: OS_RELEASE },
    { path: 'var/', type: 'directory' },
    { path: 'var/lib/', type: 'directory' },
    { path: 'var/lib/dpkg/', type: 'directory' },
    { path: 'var/lib/dpkg/status', content: dpkgStatus(RELEASES[version]) },
  ]);
  writeOciLayout(dir, { [tag]: { layers: [layer], config: { User: '1000', Cmd: ['/app'] } } });
  return `oci:${dir}:${tag}`;
}

function advisory(id: string, name: string, events: Record<string, string>[], severity: string) {
  return {
    id,
    modified: '2026-01-01T00:00:00Z',
    published: '2025-12-01T00:00:00Z',
    aliases: [`CVE-2099-${id.slice(4, 8)}`],
    summary: `${name}: test advisory ${id}`,
    affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events }] }],
    database_specific: { severity },
    references: [{ type: 'ADVISORY', url: `https://example.org/${id}` }],
  };
}

/** The OSV database for the two releases, imported into `file`. */
export async function writeVulnDb(dir: string, file: string): Promise<string> {
  const osv = join(dir, 'osv');
  mkdirSync(osv, { recursive: true });
  for (const r of [
    advisory('DSA-7001-1', 'libfoo', [{ introduced: '0' }, { fixed: '1.0-2' }], 'high'),
    advisory('DSA-7002-1', 'libbar', [{ introduced: '0' }], 'medium'),
    advisory('DSA-7003-1', 'libbaz', [{ introduced: '0' }, { fixed: '3.0-5' }], 'high'),
  ]) {
    writeFileSync(join(osv, `${r.id}.json`), JSON.stringify(r));
  }
  await importOsv(osv, file);
  return file;
}
