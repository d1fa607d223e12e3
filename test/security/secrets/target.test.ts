import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanImageConfigEnv } from '../../../src/security/secrets/sources.js';
import { scanTargetSecrets } from '../../../src/security/secrets/target-scan.js';
import { openTarget } from '../../../src/security/target/index.js';
import { tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';
import { ALNUM, B64, ghp, pem, rnd } from './fakes.js';

const tmp = tempDir('churn-secrets-');

describe('a generated directory tree', () => {
  it('finds known secrets in known places, honouring .churnignore rules and binaries', async () => {
    const root = join(tmp.dir, 'tree');
    const files: Record<string, string | Buffer> = {
      'src/config.ts': `export const db = '${'postgres' + '://app:'}${rnd(ALNUM, 16)}@db/app';\n`,
      '.env': `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${'AK' + 'IA'}${rnd('ABCDEFGHJKLMNPQRSTUVWYZ234567', 16)}\n`,
      'keys/id_rsa': pem('RSA PRI' + 'VATE KEY'),
      'docs/README.md': 'Set AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE in your shell.\n',
      'node_modules/pkg/index.js': `const t = '${ghp()}';\n`,
      'bin/tool': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(ghp())]),
      'src/clean.ts': 'export const answer = 42;\n',
    };
    for (let i = 0; i < 50; i++) files[`src/gen/m${i}.ts`] = `export const v${i} = '${rnd(B64, 40)}';\n`;
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    const target = await openTarget(`fs:${root}`);
    const findings = await scanTargetSecrets(target, { ignore: 'node_modules/\n' });
    await target.close();
    expect(findings.map((f) => [f.path, f.ruleId, f.line]).sort()).toEqual([
      ['/.env', 'aws-access-key-id', 2],
      ['/keys/id_rsa', 'private-key-rsa', 1],
      ['/src/config.ts', 'postgres-url-password', 1],
    ]);
  });
});

describe('a layered image', () => {
  it('finds a secret deleted in a later layer (deleted: true) and one still present, with layers', async () => {
    const layout = join(tmp.dir, 'oci');
    const gone = ghp();
    const kept = `${'gl' + 'pat-'}${rnd(ALNUM, 20)}`;
    const base = await tarLayer([
      { path: 'app/', type: 'directory' },
      { path: 'app/.env', content: `GH_TOKEN=${gone}\n` },
      { path: 'app/settings.ini', content: `[ci]\nx = 1\ntoken = ${kept}\n` },
    ]);
    const cleanup = await tarLayer([
      { path: 'app/.wh..env', content: '' },
      { path: 'app/main.js', content: 'console.log(1)\n' },
    ]);
    writeOciLayout(layout, { app: { layers: [base, cleanup], config: { Env: [`NPM_TOKEN=${'np' + 'm_'}${rnd(ALNUM, 36)}`, 'PATH=/usr/bin'] } } });

    const target = await openTarget(`oci:${layout}:app`);
    const findings = await scanTargetSecrets(target);
    const merged = await target.files(() => true);
    const env = scanImageConfigEnv(target.info.config?.env ?? []);
    await target.close();

    expect(merged.map((f) => f.path)).not.toContain('/app/.env');
    expect(findings.map((f) => [f.path, f.ruleId, f.layer, f.deleted, f.line]).sort()).toEqual([
      ['/app/.env', 'github-pat', 0, true, 1],
      ['/app/settings.ini', 'gitlab-pat', 0, false, 3],
    ]);
    expect(env.map((f) => [f.ruleId, f.line])).toEqual([['npm-token', 1]]);
    const json = JSON.stringify([...findings, ...env]);
    expect(json).not.toContain(gone);
    expect(json).not.toContain(kept);
  });
});
