import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../../src/security/target/open.js';
import { tempDir } from '../../support/tmp.js';

const tmp = tempDir('churn-dir-');
const root = join(tmp.dir, 'root');

beforeAll(() => {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'app', 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=alpine\nVERSION_ID=3.19.1\n');
  writeFileSync(join(root, 'app', 'node_modules', 'left-pad', 'package.json'), '{"name":"left-pad","version":"1.3.0"}');
  writeFileSync(join(tmp.dir, 'outside'), 'host secret');
  symlinkSync('/etc/passwd', join(root, 'app', 'abs'));
  symlinkSync('../../outside', join(root, 'app', 'rel-out'));
  symlinkSync('../etc/os-release', join(root, 'app', 'inside'));
  symlinkSync(tmp.dir, join(root, 'app', 'dir-out'));
});

describe('a plain directory target', () => {
  it('walks it as layer 0 and resolves symlinks inside it only', async () => {
    for (const ref of [`fs:${root}`, root]) {
      const t = await openTarget(ref);
      expect(t.info).toMatchObject({ kind: 'fs', name: ref, config: null, layers: [] });
      const files = await t.files(() => true);
      expect(files.map((f) => [f.path, f.layer, f.content.toString()])).toEqual([
        ['/app/inside', 0, 'ID=alpine\nVERSION_ID=3.19.1\n'],
        ['/app/node_modules/left-pad/package.json', 0, '{"name":"left-pad","version":"1.3.0"}'],
        ['/etc/os-release', 0, 'ID=alpine\nVERSION_ID=3.19.1\n'],
      ]);
    }
  });

  it('says NOT_FOUND for a missing directory and BAD_REFERENCE for a file', async () => {
    await expect(openTarget(`fs:${join(tmp.dir, 'nope')}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openTarget(`fs:${join(tmp.dir, 'outside')}`)).rejects.toMatchObject({ code: 'BAD_REFERENCE' });
  });
});
