import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOsv } from '../../../src/security/vuln/import.js';
import type { Thresholds } from '../../../src/security/policy/thresholds.js';
import { B64, rnd } from '../secrets/fakes.js';
import { tarLayer, writeOciLayout } from '../../support/images.js';

/**
 * Real inputs for the report writers: an OCI layout with a failing image (`bad`: vulnerable
 * packages, a Dockerfile and a Kubernetes manifest with problems, an AWS key in a file a later
 * layer deletes, a literal secret in the image Env, running as root) and a passing one (`good`),
 * a source tree with the same kinds of problems, and an OSV database built from records that
 * bracket the packages' versions.
 */

// Built from pieces so no test file holds a live-looking key.
export const AWS_KEY_ID = ['AK', 'IA', 'Q3XZ7R2M5N8P4K6W'].join('');
export const AWS_SECRET = rnd(B64.replace(/[+/]/g, ''), 40);

export const THRESHOLDS: Thresholds = { maxCritical: 0, maxHigh: 0, maxMedium: 5, failOnVulnerabilities: true };

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

const dpkgEntry = (name: string, source: string, version: string): string =>
  `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nSource: ${source}\nVersion: ${version}\nDescription: ${name} for the report tests\n`;

export const DOCKERFILE = 'FROM debian:latest\nRUN apt-get update && apt-get install -y curl\nEXPOSE 22\nCMD ["bash"]\n';
export const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: app:latest\n          securityContext:\n            privileged: true\n';
const PACKAGE_LOCK = JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/left-pad': { version: '1.3.0' } } });

/** A summary with a pipe, a line break and markup, as advisories sometimes have. */
export const AWKWARD_TITLE = 'left-pad | pads <b>wrongly</b>\nsecond line';

function osv(id: string, ecosystem: string, name: string, events: Record<string, string>[], extra: Record<string, unknown> = {}) {
  return {
    id,
    modified: '2026-01-01T00:00:00Z',
    published: '2025-12-01T00:00:00Z',
    summary: `${name}: test advisory ${id}`,
    details: `Details of ${id}.`,
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events }] }],
    references: [{ type: 'ADVISORY', url: `https://example.org/${id}` }],
    ...extra,
  };
}

/** Imports the test advisories through the real importer; returns the database file. */
export async function buildVulnDb(dir: string): Promise<string> {
  const osvDir = join(dir, 'osv');
  mkdirSync(osvDir, { recursive: true });
  const records = [
    osv('DSA-TEST-0001', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] }),
    osv('DSA-TEST-0002', 'Debian:12', 'zlib', [{ introduced: '0' }], { database_specific: { severity: 'low' } }),
    osv('GHSA-test-0003', 'npm', 'left-pad', [{ introduced: '0' }, { fixed: '1.3.1' }], { summary: AWKWARD_TITLE, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }),
  ];
  for (const r of records) writeFileSync(join(osvDir, `${r.id}.json`), JSON.stringify(r));
  const db = join(dir, 'osv.db');
  await importOsv(osvDir, db);
  return db;
}

/** One OCI layout holding the images `bad` and `good`; returns its folder. */
export async function buildImages(dir: string): Promise<string> {
  const layout = join(dir, 'oci');
  const bad = await tarLayer([
    { path: 'etc/os-release', content: OS_RELEASE },
    { path: 'var/lib/dpkg/status', content: [dpkgEntry('libssl3', 'openssl', '3.0.11-1~deb12u2'), dpkgEntry('zlib1g', 'zlib', '1:1.2.13.dfsg-1')].join('\n') },
    { path: 'app/package-lock.json', content: PACKAGE_LOCK },
    { path: 'app/Dockerfile', content: DOCKERFILE },
    { path: 'app/k8s/deploy.yaml', content: DEPLOYMENT },
    { path: 'app/.env', content: `# credentials\nAWS_ACCESS_KEY_ID=${AWS_KEY_ID}\n` },
  ]);
  // The key file is deleted later, but stays in the first layer: still a finding.
  const cleanup = await tarLayer([{ path: 'app/.wh..env', content: '' }]);
  const good = await tarLayer([
    { path: 'etc/os-release', content: OS_RELEASE },
    { path: 'var/lib/dpkg/status', content: dpkgEntry('base-files', 'base-files', '12.4+deb12u5') },
  ]);
  writeOciLayout(layout, {
    bad: { layers: [bad, cleanup], config: { User: '', Env: ['PATH=/usr/bin', `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`], ExposedPorts: { '8000/tcp': {} } } },
    good: { layers: [good], config: { User: '1000', ExposedPorts: { '8000/tcp': {} }, Healthcheck: { Test: ['CMD', '/bin/true'] } } },
  });
  return layout;
}

/** A source tree with a Dockerfile and a Deployment with problems, an AWS key and a lock file. */
export function buildTree(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'config'), { recursive: true });
  mkdirSync(join(tree, 'deploy'), { recursive: true });
  writeFileSync(join(tree, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(tree, 'deploy', 'deploy.yaml'), DEPLOYMENT);
  writeFileSync(join(tree, 'config', 'aws.env'), `region=eu-west-1\nAWS_ACCESS_KEY_ID=${AWS_KEY_ID}\n`);
  writeFileSync(join(tree, 'package-lock.json'), PACKAGE_LOCK);
  return tree;
}

/** A fresh ECDSA P-256 public key (PEM), as `--key` takes: no image here is signed with it. */
export function writePublicKey(dir: string): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const file = join(dir, 'cosign.pub');
  writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  return file;
}
