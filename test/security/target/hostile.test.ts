import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../../src/security/target/open.js';
import { gzipLayer, skopeoCopy, tarLayer, writeOciLayout, type EntrySpec } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

const tmp = tempDir('churn-hostile-');
const dir = join(tmp.dir, 'layout');
const MiB = 1024 * 1024;

beforeAll(async () => {
  const traversal = await tarLayer([
    { path: '../../../../tmp/churn-escaped', content: 'pwned' },
    { path: 'app/../../../escaped-too', content: 'pwned' },
    { path: '/abs/ok', content: 'absolute names are rooted in the image' },
    { path: 'app/./sub/../fine', content: 'cleaned' },
  ]);
  const links = await tarLayer([
    { path: 'etc/shadow', content: 'image-shadow' },
    { path: 'app/abs', type: 'symlink', linkname: '/etc/shadow' },
    { path: 'app/up', type: 'symlink', linkname: '../../../../../../etc/shadow' },
    { path: 'app/host-only', type: 'symlink', linkname: '/etc/hostname' },
    { path: 'app/loop1', type: 'symlink', linkname: 'loop2' },
    { path: 'app/loop2', type: 'symlink', linkname: 'loop1' },
    { path: 'app/hard-out', type: 'link', linkname: '../../etc/passwd' },
    { path: 'dev/null', type: 'character-device' },
    { path: 'dev/fifo', type: 'fifo' },
  ]);
  const bomb = gzipLayer(await tarLayer([{ path: 'zeros', content: Buffer.alloc(24 * MiB) }]));
  const many: EntrySpec[] = Array.from({ length: 3000 }, (_, i) => ({ path: `tiny/${i}`, content: 'x' }));
  writeOciLayout(dir, {
    traversal: { layers: [traversal] },
    links: { layers: [links] },
    bomb: { layers: [bomb] },
    many: { layers: [await tarLayer(many)] },
    big: { layers: [await tarLayer([{ path: 'big', content: Buffer.alloc(4096, 1) }, { path: 'small', content: 'ok' }])] },
    layers: { layers: await Promise.all([1, 2, 3].map((i) => tarLayer([{ path: `l${i}`, content: `${i}` }]))) },
    zstdType: { layers: [await tarLayer([{ path: 'a', content: 'a' }])], layerMediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
    zstdBytes: { layers: [Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600)])], diffs: [Buffer.alloc(0)] },
    garbage: { layers: [Buffer.alloc(2048, 0x41)], diffs: [Buffer.alloc(0)] },
  });
  await skopeoCopy(`oci:${dir}:links`, `docker-archive:${tmp.path('links.tar')}:hostile/links:1`);
});

describe('hostile images', () => {
  it('contains path traversal names: skipped with a warning, nothing leaves the image', async () => {
    const t = await openTarget(`oci:${dir}:traversal`);
    const files = await t.files(() => true);
    expect(files.map((f) => f.path)).toEqual(['/abs/ok', '/app/fine']);
    expect(t.warnings.map((w) => w.path)).toEqual(['../../../../tmp/churn-escaped', 'app/../../../escaped-too']);
    expect(t.warnings[0].message).toContain('climbs out of the root');
    expect(existsSync('/tmp/churn-escaped')).toBe(false);
  });

  it('resolves symlinks inside the image only, in both forms', async () => {
    for (const ref of [`oci:${dir}:links`, `docker-archive:${tmp.path('links.tar')}`]) {
      const t = await openTarget(ref);
      const files = await t.files((p) => p.startsWith('/app/') || p.startsWith('/dev/'));
      // /etc/hostname exists on this host, not in the image; the loop ends; the device is ignored.
      expect(files.map((f) => [f.path, f.content.toString()])).toEqual([
        ['/app/abs', 'image-shadow'],
        ['/app/up', 'image-shadow'],
      ]);
      expect(t.warnings.map((w) => w.path)).toEqual(['/app/hard-out']);
    }
  });

  it('stops a decompression bomb at maxTotalBytes', async () => {
    const t = await openTarget(`oci:${dir}:bomb`, { limits: { maxTotalBytes: 4 * MiB } });
    await expect(t.files(() => true)).rejects.toMatchObject({ code: 'IMAGE_LIMIT', details: { limit: 'maxTotalBytes' }, message: expect.stringContaining('maxTotalBytes') });
    // The default limit lets the same image through.
    const ok = await openTarget(`oci:${dir}:bomb`);
    expect((await ok.files((p) => p === '/zeros')).map((f) => f.size)).toEqual([24 * MiB]);
  });

  it('stops millions of tiny entries at maxEntries', async () => {
    const t = await openTarget(`oci:${dir}:many`, { limits: { maxEntries: 1000 } });
    await expect(t.files(() => false)).rejects.toMatchObject({ code: 'IMAGE_LIMIT', details: { limit: 'maxEntries' } });
  });

  it('refuses more layers than maxLayers when opening', async () => {
    await expect(openTarget(`oci:${dir}:layers`, { limits: { maxLayers: 2 } })).rejects.toMatchObject({ code: 'IMAGE_LIMIT', details: { limit: 'maxLayers' } });
  });

  it('keeps no content of a file over maxFileBytes and says so', async () => {
    const t = await openTarget(`oci:${dir}:big`, { limits: { maxFileBytes: 1024 } });
    const files = await t.files(() => true);
    expect(files.map((f) => f.path)).toEqual(['/small']);
    expect(t.warnings).toEqual([{ path: '/big', message: expect.stringContaining('maxFileBytes') }]);
  });

  it('reports zstd layers as unsupported, by media type or by content', async () => {
    await expect(openTarget(`oci:${dir}:zstdType`)).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const t = await openTarget(`oci:${dir}:zstdBytes`);
    await expect(t.files(() => true)).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('zstd') });
  });

  it('rejects a layer that is not a tar', async () => {
    const t = await openTarget(`oci:${dir}:garbage`);
    await expect(t.files(() => true)).rejects.toMatchObject({ code: 'BAD_ARCHIVE' });
  });
});
