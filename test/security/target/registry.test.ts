import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInventory, inventoryWanted } from '../../../src/security/inventory/analyze.js';
import { openTarget } from '../../../src/security/target/open.js';
import { parseImageReference } from '../../../src/security/target/reference.js';
import { registryBaseUrl } from '../../../src/security/target/registry.js';
import { buildDebianOci, skopeoCopy, startRegistry, tarLayer, writeOciLayout, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

const tmp = tempDir('churn-registry-');
let registry: Server;
let host: string;
let debian: string;
const storage = join(tmp.dir, 'storage');
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const archOf = async (ref: string, platform?: string): Promise<string> => {
  const t = await openTarget(ref, { platform });
  const [file] = await t.files((p) => p === '/etc/arch');
  return `${file.content.toString()} ${t.info.config?.architecture ?? ''}`;
};

beforeAll(async () => {
  registry = await startRegistry(tmp.dir, storage);
  host = registry.address;
  debian = await buildDebianOci(tmp.dir);
  const images = join(tmp.dir, 'images');
  const arch = (a: string): Promise<Buffer> => tarLayer([{ path: 'etc/arch', content: a }]);
  writeOciLayout(images, {
    multi: [
      { layers: [await arch('arm64')], architecture: 'arm64', config: { Env: ['ARCH=arm64'] } },
      { layers: [await arch('amd64')], architecture: 'amd64' },
    ],
    fragile: { layers: [await tarLayer([{ path: 'unique', content: `only here ${Date.now()}` }])] },
  });
  // The two Debian pushes share blobs in one repository: pushed at once, the registry can see the
  // same upload twice and reject the manifest ("blob unknown"), so they go one after the other.
  const pushDebian = async (): Promise<void> => {
    await skopeoCopy(`oci:${debian}:bookworm`, `docker://${host}/local/debian:oci`);
    await skopeoCopy(`oci:${debian}:bookworm`, `docker://${host}/local/debian:v2s2`, '--format', 'v2s2');
  };
  await Promise.all([
    pushDebian(),
    skopeoCopy(`oci:${images}:multi`, `docker://${host}/local/multi:latest`, '--all'),
    skopeoCopy(`oci:${images}:fragile`, `docker://${host}/local/fragile:1`),
  ]);
});
afterAll(() => registry.stop());

describe('registry HTTP API v2 (real docker-registry on 127.0.0.1)', () => {
  it('pulls an OCI manifest and a Docker schema 2 manifest to the same inventory as the layout', async () => {
    const inventories = [];
    for (const ref of [`${host}/local/debian:oci`, `docker://${host}/local/debian:v2s2`, `oci:${debian}:bookworm`]) {
      const t = await openTarget(ref, { engine: false });
      inventories.push({ kind: t.info.kind, inventory: analyzeInventory(await t.files(inventoryWanted())) });
    }
    expect(inventories.map((i) => i.kind)).toEqual(['registry', 'registry', 'oci']);
    expect(inventories[0].inventory.packages.length).toBeGreaterThan(50);
    expect(inventories[1].inventory).toEqual(inventories[0].inventory);
    expect(inventories[2].inventory).toEqual(inventories[0].inventory);
  });

  it('serves the v2s2 image with a Docker media type, and records tags and digests', async () => {
    const res = await fetch(`http://${host}/v2/local/debian/manifests/v2s2`, { headers: { accept: MANIFEST } });
    expect(res.headers.get('content-type')).toBe(MANIFEST);
    const t = await openTarget(`docker://${host}/local/debian:v2s2`);
    expect(t.info.repoTags).toEqual([`${host}/local/debian:v2s2`]);
    expect(t.info.repoDigests).toEqual([`${host}/local/debian@${res.headers.get('docker-content-digest') ?? ''}`]);
    expect(t.info.config).toMatchObject({ cmd: ['/bin/bash'], user: '1000' });
  });

  it('pulls by digest', async () => {
    const byTag = await openTarget(`docker://${host}/local/debian:oci`);
    const digest = byTag.info.repoDigests[0].split('@')[1];
    const byDigest = await openTarget(`docker://${host}/local/debian@${digest}`);
    expect(byDigest.info.digest).toBe(digest);
    expect(byDigest.info.repoTags).toEqual([]);
    expect((await byDigest.files((p) => p === '/etc/os-release')).length).toBe(1);
  });

  it('picks linux/amd64 from a multi-arch index, or the platform asked for', async () => {
    expect(await archOf(`docker://${host}/local/multi:latest`)).toBe('amd64 amd64');
    expect(await archOf(`docker://${host}/local/multi:latest`, 'linux/arm64')).toBe('arm64 arm64');
    expect(await archOf(`oci:${join(tmp.dir, 'images')}:multi`, 'linux/arm64')).toBe('arm64 arm64');
    await expect(openTarget(`docker://${host}/local/multi:latest`, { platform: 'linux/s390x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('linux/arm64, linux/amd64'),
    });
  });

  it('says NOT_FOUND for a missing tag or repository', async () => {
    await expect(openTarget(`docker://${host}/local/debian:nope`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openTarget(`docker://${host}/nobody/here:1`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fails with DIGEST_MISMATCH when a stored blob was tampered with', async () => {
    const t = await openTarget(`docker://${host}/local/fragile:1`);
    const layer = t.info.layers[0].digest.slice(7);
    const blobs = join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', layer.slice(0, 2), layer);
    expect(readdirSync(blobs)).toContain('data');
    const evil = await tarLayer([{ path: 'unique', content: 'tampered' }]);
    writeFileSync(join(blobs, 'data'), evil);
    await expect(t.files(() => true)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH', details: { expected: `sha256:${layer}` } });
  });

  it('says REGISTRY_ERROR when nothing listens', async () => {
    await expect(openTarget('docker://127.0.0.1:1/app:1')).rejects.toMatchObject({ code: 'REGISTRY_ERROR', kind: 'internal' });
  });

  it('speaks plain HTTP only to loopback hosts or when told to', () => {
    expect(registryBaseUrl(parseImageReference('127.0.0.1:5000/app'))).toBe('http://127.0.0.1:5000/v2/app');
    expect(registryBaseUrl(parseImageReference('localhost:5000/app'))).toBe('http://localhost:5000/v2/app');
    expect(registryBaseUrl(parseImageReference('registry.example:5000/app'))).toBe('https://registry.example:5000/v2/app');
    expect(registryBaseUrl(parseImageReference('registry.example:5000/app'), true)).toBe('http://registry.example:5000/v2/app');
    expect(registryBaseUrl(parseImageReference('nginx'))).toBe('https://registry-1.docker.io/v2/library/nginx');
  });
});
