import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEntityPolicy, fetchImageSignatures, signImage, verifyImageSignatures } from '../../../src/security/signature/index.js';
import { openTarget } from '../../../src/security/target/open.js';
import { runCli } from '../../support/cli.js';
import { codeOfAsync } from '../../support/errors.js';
import { run, tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

/** Signatures kept beside the image in an OCI layout's own index, as the `sha256-<hex>.sig` tag. */
const tmp = tempDir('churn-sig-layout-');
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keyFile = tmp.file('plain.key', pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
const pubFile = tmp.file('plain.pub', pair.publicKey.export({ format: 'pem', type: 'spki' }).toString());
const otherPub = tmp.file('other.pub', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString());

async function layoutWith(name: string): Promise<string> {
  const dir = join(tmp.dir, name);
  writeOciLayout(dir, {
    v1: { layers: [await tarLayer([{ path: 'etc/app', content: 'one' }])] },
    v2: { layers: [await tarLayer([{ path: 'etc/app', content: 'two' }])] },
  });
  return dir;
}

let dir = '';
beforeAll(async () => {
  dir = await layoutWith('app');
});

describe('OCI layouts', () => {
  it('a signed single-image layout still opens without a tag: the .sig tag is not an image', async () => {
    const single = join(tmp.dir, 'single');
    writeOciLayout(single, { only: { layers: [await tarLayer([{ path: 'etc/app', content: 'single' }])] } });
    const before = await openTarget(`oci:${single}`);
    await signImage(`oci:${single}:only`, pair.privateKey);
    const index = JSON.parse(readFileSync(join(single, 'index.json'), 'utf8')) as { manifests: unknown[] };
    expect(index.manifests).toHaveLength(2);
    const after = await openTarget(`oci:${single}`);
    expect(after.info.digest).toBe(before.info.digest);
    expect(after.info.repoTags).toEqual(['only']);
  });

  it('signs into the layout index (an unencrypted PKCS#8 key needs no password) and verifies; other tags are kept', async () => {
    const signed = await runCli('sign', `oci:${dir}:v1`, '--key', keyFile, '--json');
    expect(signed.code).toBe(0);
    const r = JSON.parse(signed.stdout) as { digest: string; tag: string; repository: string };
    expect(r.repository).toBe('localhost/app');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(['v1', 'v2', r.tag]);

    const ok = await runCli('verify', `oci:${dir}:v1`, '--key', pubFile);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/repository\s+skip\s+payload names localhost\/app; an OCI layout has no repository/);
    expect((await runCli('verify', `oci:${dir}:v1`, '--key', pubFile, '--repository', 'localhost/app')).code).toBe(0);
    const elsewhere = await runCli('verify', `oci:${dir}:v1`, '--key', pubFile, '--repository', 'registry.example.com/app', '--json');
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ code: 'REPOSITORY_MISMATCH' });
    expect(JSON.parse((await runCli('verify', `oci:${dir}:v1`, '--key', otherPub, '--json')).stdout)).toMatchObject({ code: 'UNTRUSTED_KEY' });
    expect(JSON.parse((await runCli('verify', `oci:${dir}:v2`, '--key', pubFile, '--json')).stdout)).toMatchObject({ code: 'SIGNATURE_MISSING' });

    // Scanning still opens the image by its tag after signing.
    const opened = await openTarget(`oci:${dir}:v1`);
    expect((await opened.files((p) => p === '/etc/app')).map((f) => f.content.toString())).toEqual(['one']);
    await opened.close();
  });

  it('reads signatures from an oci-archive tar of the layout; signing into one is UNSUPPORTED_TARGET', async () => {
    const archive = join(tmp.dir, 'app.tar');
    await run('tar', ['-cf', archive, '-C', dir, '.']);
    expect((await runCli('verify', `oci-archive:${archive}:v1`, '--key', pubFile)).code).toBe(0);
    expect(await codeOfAsync(signImage(`oci-archive:${archive}:v1`, pair.privateKey))).toBe('UNSUPPORTED_TARGET');
  });

  it('a signature moved to another image of the layout is DIGEST_MISMATCH (library: fetch, then a pure verify)', async () => {
    const moved = await layoutWith('moved');
    const first = await signImage(`oci:${moved}:v1`, pair.privateKey, { repository: 'registry.example.com/team/app', annotations: { build: '7' } });
    expect(first.repository).toBe('registry.example.com/team/app');
    const v2 = await fetchImageSignatures(`oci:${moved}:v2`);
    const v1 = await fetchImageSignatures(`oci:${moved}:v1`);
    // The attacker's move: v2's signature tag now holds v1's signature layers.
    const forged = { ...v2, layers: v1.layers, manifestDigest: v1.manifestDigest };
    const policy = buildEntityPolicy({ keys: [{ pem: readFileSync(pubFile, 'utf8'), source: 'plain.pub' }], now: new Date() });
    expect(verifyImageSignatures(v1, policy, { repository: 'registry.example.com/team/app', annotations: { build: '7' } })).toMatchObject({ verified: true, signatures: 1 });
    expect(verifyImageSignatures(forged, policy)).toMatchObject({ verified: false, code: 'DIGEST_MISMATCH' });
    // The same pure function, the same answer: nothing is fetched during verification.
    expect(verifyImageSignatures(forged, policy)).toEqual(verifyImageSignatures(forged, policy));
  });

  it('targets that cannot carry signatures are UNSUPPORTED_TARGET (exit 2)', async () => {
    const r = await runCli('verify', `docker-archive:${join(tmp.dir, 'x.tar')}`, '--key', pubFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot carry cosign signatures');
    expect(await codeOfAsync(fetchImageSignatures(`fs:${tmp.dir}`))).toBe('UNSUPPORTED_TARGET');
  });
});
