import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeInventory, inventoryWanted } from '../../../src/security/inventory/analyze.js';
import { readDockerArchiveStream } from '../../../src/security/target/docker-archive-stream.js';
import { resolveLimits } from '../../../src/security/target/limits.js';
import { openTarget, type LayerFile } from '../../../src/security/target/open.js';
import type { Inventory } from '../../../src/security/types.js';
import { buildDebianOci, gzipLayer, run, skopeoCopy, tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

const tmp = tempDir('churn-archives-');
let layout: string;

async function inventoryOf(target: string): Promise<{ inventory: Inventory; kind: string; imageId: string | null }> {
  const t = await openTarget(target);
  try {
    return { inventory: analyzeInventory(await t.files(inventoryWanted())), kind: t.info.kind, imageId: t.info.imageId };
  } finally {
    await t.close();
  }
}

beforeAll(async () => {
  layout = await buildDebianOci(tmp.dir);
  await skopeoCopy(`oci:${layout}:bookworm`, `docker-archive:${tmp.path('debian.tar')}:local/debian:bookworm`);
  await skopeoCopy(`oci:${layout}:bookworm`, `oci-archive:${tmp.path('debian-oci.tar')}:bookworm`);
});

describe('the same Debian image as OCI layout, OCI archive and docker-archive', () => {
  it('gives the same inventory in every form, matching this machine', async () => {
    const forms = await Promise.all([`oci:${layout}:bookworm`, `oci-archive:${tmp.path('debian-oci.tar')}:bookworm`, `docker-archive:${tmp.path('debian.tar')}`].map(inventoryOf));
    const installed = readFileSync('/var/lib/dpkg/status', 'utf8').split(/\n\n+/).filter((p) => /^Status: install ok installed$/m.test(p)).length;
    expect(forms.map((f) => f.kind)).toEqual(['oci', 'oci', 'docker-archive']);
    expect(new Set(forms.map((f) => f.imageId)).size).toBe(1);
    const [first] = forms;
    expect(first.inventory.os).toMatchObject({ family: 'debian', version: '12', codename: 'bookworm' });
    expect(first.inventory.packages.length).toBe(installed);
    expect(first.inventory.packages.find((p) => p.name === 'dpkg')).toMatchObject({ ecosystem: 'debian', path: '/var/lib/dpkg/status', layer: 0 });
    expect(first.inventory.warnings).toEqual([]);
    for (const f of forms.slice(1)) expect(f.inventory).toEqual(first.inventory);
  });

  it('reads the config and layer facts', async () => {
    const t = await openTarget(`docker-archive:${tmp.path('debian.tar')}`);
    expect(t.info.repoTags).toEqual(['docker.io/local/debian:bookworm']);
    expect(t.info.config).toMatchObject({ cmd: ['/bin/bash'], user: '1000', os: 'linux', architecture: 'amd64' });
    expect(t.info.layers).toHaveLength(1);
    expect(t.info.layers[0].diffId).toMatch(/^sha256:[a-f0-9]{64}$/);
    const oci = await openTarget(`oci:${layout}:bookworm`);
    expect(oci.info.digest).toMatch(/^sha256:/);
    expect(oci.info.layers[0].diffId).toBe(t.info.layers[0].diffId);
  });

  it('names the missing tag and a missing archive', async () => {
    await expect(openTarget(`oci:${layout}:nope`)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('bookworm') });
    await expect(openTarget(`docker-archive:${tmp.path('missing.tar')}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the OCI layout that docker save writes since Docker 25', () => {
  let archive: string;
  beforeAll(async () => {
    // blobs/sha256 + index.json + a manifest.json naming blob paths, tarred by GNU tar ("./" names).
    const dir = join(tmp.dir, 'save25');
    writeOciLayout(dir, { 'app:1': { layers: [await tarLayer([{ path: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }])], config: { User: 'app' } } });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    const blob = (d: string): string => `blobs/sha256/${d.slice(7)}`;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: blob(manifest.config.digest), RepoTags: ['app:1'], Layers: manifest.layers.map((l) => blob(l.digest)) }]));
    archive = join(tmp.dir, 'save25.tar');
    await run('tar', ['-C', dir, '-cf', archive, '.']);
  });

  it('reads it from a file, and as a stream the way an engine export arrives', async () => {
    const t = await openTarget(`docker-archive:${archive}`);
    expect(t.info).toMatchObject({ kind: 'docker-archive', repoTags: ['app:1'], config: { user: 'app' } });
    expect(t.info.layers[0].digest).toMatch(/^sha256:/);
    expect((await t.files(() => true)).map((f) => f.path)).toEqual(['/etc/os-release']);
    const streamed = await readDockerArchiveStream(createReadStream(archive), async () => 'visited', resolveLimits());
    expect(streamed.manifest.repoTags).toEqual(['app:1']);
    expect(streamed.results).toEqual(['visited']);
  });
});

describe('layer merging', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp.dir, 'merge');
    const base = await tarLayer([
      { path: 'etc/', type: 'directory' },
      { path: 'etc/a', content: 'a0' },
      { path: 'etc/b', content: 'b0' },
      { path: 'opt/dir/x', content: 'x0' },
      { path: 'opt/dir/y', content: 'y0' },
      { path: 'keep', content: 'k0' },
      { path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { path: 'bin/real', content: 'binary' },
      { path: 'bin/hard', type: 'link', linkname: 'bin/real' },
    ]);
    const second = await tarLayer([
      { path: 'etc/.wh.a' },
      { path: 'opt/dir/.wh..wh..opq' },
      { path: 'opt/dir/z', content: 'z1' },
      { path: 'keep/.wh.nothing-here' },
    ]);
    const third = await tarLayer([{ path: './etc/b', content: 'b2' }]);
    writeOciLayout(dir, { merged: { layers: [gzipLayer(base), second, gzipLayer(third)] } });
    await skopeoCopy(`oci:${dir}:merged`, `docker-archive:${tmp.path('merged.tar')}:local/merged:1`);
  });

  it('applies whiteouts and opaque directories in layer order, in both forms', async () => {
    for (const ref of [`oci:${dir}:merged`, `docker-archive:${tmp.path('merged.tar')}`]) {
      const t = await openTarget(ref);
      const files = await t.files(() => true);
      const seen = Object.fromEntries(files.map((f) => [f.path, `${f.content.toString()}@${f.layer}`]));
      expect(seen).toEqual({
        '/bin/hard': 'binary@0',
        '/bin/real': 'binary@0',
        '/etc/b': 'b2@2',
        '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n@0',
        '/keep': 'k0@0',
        '/opt/dir/z': 'z1@1',
        '/usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\n@0',
      });
    }
  });

  it('reports every layer version of wanted files, deleted or not', async () => {
    const t = await openTarget(`oci:${dir}:merged`);
    const layerFiles: LayerFile[] = [];
    await t.files((p) => p.startsWith('/etc/') || p.startsWith('/opt/'), { onLayerFile: (f) => layerFiles.push(f) });
    const summary = layerFiles.map((f) => `${f.path}@${f.layer}:${f.deleted ? 'deleted' : 'visible'}`).sort();
    expect(summary).toEqual(['/etc/a@0:deleted', '/etc/b@0:deleted', '/etc/b@2:visible', '/opt/dir/x@0:deleted', '/opt/dir/y@0:deleted', '/opt/dir/z@1:visible']);
  });

  it('reads a link target the first pass did not keep, with a second pass', async () => {
    const t = await openTarget(`docker-archive:${tmp.path('merged.tar')}`);
    const files = await t.files((p) => p === '/etc/os-release' || p === '/bin/hard');
    expect(files.map((f) => [f.path, f.content.toString()])).toEqual([
      ['/bin/hard', 'binary'],
      ['/etc/os-release', 'ID=debian\nVERSION_ID="12"\n'],
    ]);
  });
});
