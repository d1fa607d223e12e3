import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeInventory, inventoryWanted } from '../../../src/security/inventory/analyze.js';
import { apkAnalyzer } from '../../../src/security/inventory/apk.js';
import type { Analyzer } from '../../../src/security/inventory/types.js';
import { openTarget } from '../../../src/security/target/open.js';
import type { Inventory } from '../../../src/security/types.js';
import { gzipLayer, skopeoCopy, tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';
import { APK_INSTALLED, file } from './helpers.js';

const tmp = tempDir('churn-inventory-');
const layout = join(tmp.dir, 'layout');

const LOCK = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', version: '1.0.0' },
    'node_modules/express': { version: '4.18.2' },
    'node_modules/lodash': { version: '4.17.20' },
  },
});

async function inventoryOf(ref: string): Promise<Inventory> {
  const t = await openTarget(ref);
  return analyzeInventory(await t.files(inventoryWanted()));
}

beforeAll(async () => {
  const alpine = await tarLayer([
    { path: 'usr/lib/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' },
    { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { path: 'lib/apk/db/installed', content: APK_INSTALLED },
  ]);
  const app = await tarLayer([
    { path: 'app/package-lock.json', content: LOCK },
    { path: 'app/node_modules/express/package.json', content: '{"name":"express","version":"4.18.2","license":"MIT"}' },
    { path: 'app/node_modules/express/node_modules/debug/package.json', content: '{"name":"debug","version":"2.6.9"}' },
    { path: 'usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\n' },
    { path: 'usr/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO', content: 'Metadata-Version: 1.0\nName: six\nVersion: 1.16.0\n' },
  ]);
  const distroless = await tarLayer([
    { path: 'etc/os-release', content: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n' },
    { path: 'var/lib/dpkg/status.d/base-files', content: 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n' },
    { path: 'var/lib/dpkg/status.d/base-files.md5sums', content: 'd41d8cd98f00b204e9800998ecf8427e  etc/issue\n' },
    { path: 'var/lib/dpkg/status.d/libssl3', content: 'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n' },
  ]);
  const ubuntu = await tarLayer([
    { path: 'etc/os-release', content: 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n' },
    { path: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.1-6ubuntu1\n' },
  ]);
  writeOciLayout(layout, {
    alpine: { layers: [gzipLayer(alpine), gzipLayer(app)] },
    distroless: { layers: [distroless] },
    ubuntu: { layers: [ubuntu] },
  });
  await skopeoCopy(`oci:${layout}:alpine`, `docker-archive:${tmp.path('alpine.tar')}:local/alpine:3.19`);
});

describe('analyzeInventory on real images', () => {
  it('finds Alpine, apk, npm and Python packages with their layers, the same in both forms', async () => {
    const inv = await inventoryOf(`oci:${layout}:alpine`);
    expect(inv.os).toEqual({ family: 'alpine', version: '3.19', name: 'Alpine Linux v3.19', codename: null });
    expect(inv.packages.map((p) => `${p.ecosystem} ${p.name}@${p.version} L${p.layer} ${p.path}`)).toEqual([
      'alpine busybox@1.36.1-r15 L0 /lib/apk/db/installed',
      'alpine libcrypto3@3.1.4-r5 L0 /lib/apk/db/installed',
      'alpine musl@1.2.4_git20230717-r4 L0 /lib/apk/db/installed',
      'npm debug@2.6.9 L1 /app/node_modules/express/node_modules/debug/package.json',
      // express is in the lock and installed: counted once, where it is installed.
      'npm express@4.18.2 L1 /app/node_modules/express/package.json',
      'npm lodash@4.17.20 L1 /app/package-lock.json',
      'pypi PyYAML@6.0.1 L1 /usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA',
      'pypi six@1.16.0 L1 /usr/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO',
    ]);
    expect(inv.packages.find((p) => p.name === 'musl')?.purl).toBe('pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19');
    expect(inv.packages.find((p) => p.name === 'PyYAML')?.purl).toBe('pkg:pypi/pyyaml@6.0.1');
    expect(inv.packages.every((p) => !('location' in p) && !('declared' in p))).toBe(true);
    expect(inv.warnings.map((w) => w.path)).toEqual(['/lib/apk/db/installed', '/lib/apk/db/installed']);
    expect(await inventoryOf(`docker-archive:${tmp.path('alpine.tar')}`)).toEqual(inv);
  });

  it('reads distroless status.d as Debian packages of the base release', async () => {
    const inv = await inventoryOf(`oci:${layout}:distroless`);
    expect(inv.os).toMatchObject({ family: 'distroless', baseFamily: 'debian', version: '12' });
    expect(inv.packages.map((p) => [p.ecosystem, p.name, p.srcName, p.purl])).toEqual([
      ['debian', 'base-files', 'base-files', 'pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12'],
      ['debian', 'libssl3', 'openssl', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'],
    ]);
  });

  it('files dpkg packages of an Ubuntu image under ubuntu', async () => {
    const inv = await inventoryOf(`oci:${layout}:ubuntu`);
    expect(inv.packages.map((p) => [p.ecosystem, p.purl])).toEqual([['ubuntu', 'pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04']]);
  });
});

describe('analyzeInventory rules', () => {
  it('prefers /etc/os-release over /usr/lib/os-release', () => {
    const inv = analyzeInventory([file('/usr/lib/os-release', 'ID=debian\nVERSION_ID=11\n'), file('/etc/os-release', 'ID=debian\nVERSION_ID=12\n')]);
    expect(inv.os?.version).toBe('12');
  });

  it('turns a failing analyzer into a warning and caps warnings per file with a count', () => {
    const broken: Analyzer = {
      type: 'broken',
      version: 1,
      required: () => true,
      analyze: () => {
        throw new Error('boom');
      },
    };
    const garbage = Array.from({ length: 120 }, (_, i) => `junk ${i}`).join('\n');
    const inv = analyzeInventory([file('/lib/apk/db/installed', garbage), file('/x', '')], [broken, apkAnalyzer]);
    expect(inv.warnings.filter((w) => w.message === 'broken analyzer failed: boom')).toHaveLength(2);
    expect(inv.warnings.filter((w) => w.path === '/lib/apk/db/installed' && w.message.startsWith('line '))).toHaveLength(50);
    expect(inv.warnings).toContainEqual({ path: '/lib/apk/db/installed', message: '70 more malformed entries skipped' });
  });

  it('the wanted filter asks every analyzer', () => {
    const wanted = inventoryWanted();
    expect(['/etc/os-release', '/lib/apk/db/installed', '/var/lib/dpkg/status', '/a/node_modules/b/package.json', '/etc/passwd'].map((p) => wanted(p, 1))).toEqual([true, true, true, true, false]);
  });
});
