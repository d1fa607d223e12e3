import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInventory, inventoryWanted } from '../../../src/security/inventory/analyze.js';
import { openTarget } from '../../../src/security/target/open.js';
import type { Inventory } from '../../../src/security/types.js';
import { buildDebianOci, run, skopeoCopy, startDockerd, startRegistry, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

// dockerd needs a short socket path (unix sockets are limited to 108 bytes).
const tmp = tempDir('churn-dockerd-');
let dockerd: Server;
let registry: Server;
let dockerHost: string;
let archiveInventory: Inventory;

async function inventoryOf(ref: string, options: Parameters<typeof openTarget>[1]): Promise<{ kind: string; inventory: Inventory; tags: string[] }> {
  const t = await openTarget(ref, options);
  return { kind: t.info.kind, inventory: analyzeInventory(await t.files(inventoryWanted())), tags: t.info.repoTags };
}

beforeAll(async () => {
  const layout = await buildDebianOci(tmp.dir);
  const archive = join(tmp.dir, 'debian.tar');
  await skopeoCopy(`oci:${layout}:bookworm`, `docker-archive:${archive}:churn-test/debian:bookworm`);
  archiveInventory = (await inventoryOf(`docker-archive:${archive}`, {})).inventory;
  registry = await startRegistry(tmp.dir, join(tmp.dir, 'storage'));
  await skopeoCopy(`oci:${layout}:bookworm`, `docker://${registry.address}/only/in-registry:1`);
  dockerd = await startDockerd(tmp.dir);
  dockerHost = `unix://${dockerd.address}`;
  await run('docker', ['load', '-i', archive], { ...process.env, DOCKER_HOST: dockerHost });
}, 90_000);
afterAll(async () => {
  await dockerd?.stop();
  await registry?.stop();
});

describe('a bare image name through a real Docker engine', () => {
  it('finds the image in the engine and streams its export', async () => {
    const found = await inventoryOf('churn-test/debian:bookworm', { dockerHost });
    expect(found.kind).toBe('docker-engine');
    expect(found.tags).toEqual(['churn-test/debian:bookworm']);
    expect(found.inventory.packages.length).toBeGreaterThan(50);
    expect(found.inventory).toEqual(archiveInventory);
  });

  it('honours DOCKER_HOST from the environment', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = dockerHost;
    try {
      const t = await openTarget('churn-test/debian:bookworm');
      expect(t.info.kind).toBe('docker-engine');
      expect(t.info.config).toMatchObject({ cmd: ['/bin/bash'], user: '1000' });
      await t.files(() => false);
      // After the export is read, layer facts come from the image's own config.
      expect(t.info.layers[0].size).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('stops at a limit in the middle of the export stream, and the engine still answers after', async () => {
    const t = await openTarget('churn-test/debian:bookworm', { dockerHost, limits: { maxTotalBytes: 100_000 } });
    await expect(t.files(() => true)).rejects.toMatchObject({ code: 'IMAGE_LIMIT', details: { limit: 'maxTotalBytes' } });
    const again = await openTarget('churn-test/debian:bookworm', { dockerHost });
    expect((await again.files((p) => p === '/etc/os-release')).length).toBe(1);
  });

  it('reads a docker save made by the engine itself', async () => {
    const saved = join(tmp.dir, 'saved.tar');
    await run('docker', ['save', '-o', saved, 'churn-test/debian:bookworm'], { ...process.env, DOCKER_HOST: dockerHost });
    expect((await inventoryOf(`docker-archive:${saved}`, {})).inventory).toEqual(archiveInventory);
  });

  it('falls back to the registry when the engine lacks the image or is absent', async () => {
    const name = `${registry.address}/only/in-registry:1`;
    expect((await inventoryOf(name, { dockerHost })).kind).toBe('registry');
    expect((await inventoryOf(name, { dockerHost: `unix://${join(tmp.dir, 'no.sock')}` })).kind).toBe('registry');
    await expect(openTarget(`${registry.address}/missing/everywhere:1`, { dockerHost })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('not in the local Docker engine'),
    });
  });
});
