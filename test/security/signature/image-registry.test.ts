import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { gzipLayer, skopeoCopy, startRegistry, tarLayer, writeOciLayout, type Server } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';

/**
 * Signing and verifying images in a real docker-registry on loopback, through the CLI as a user
 * runs it; every failure reason is produced by doing to the registry what an attacker or an
 * accident would.
 */
const tmp = tempDir('churn-sig-registry-');
let registry: Server;
let host: string;
const layout = join(tmp.dir, 'layout');
const key = (name: string): string => join(tmp.dir, name);
const savedPassword = process.env.COSIGN_PASSWORD;

const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

async function getManifest(repo: string, reference: string): Promise<{ text: string; digest: string }> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, digest: sha256(text) };
}

async function getBlob(repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function putBlob(repo: string, data: Buffer): Promise<string> {
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  const url = new URL(start.headers.get('location') ?? '', `http://${host}`);
  url.searchParams.set('digest', sha256(data));
  const done = await fetch(url, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
  expect(done.status).toBe(201);
  return sha256(data);
}

async function putManifest(repo: string, reference: string, text: string): Promise<void> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: text, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  expect(res.status).toBe(201);
}

/** Pushes the layout's image (or the second one) to a repository of its own; returns the reference. */
async function push(repo: string, image: 'app' | 'app2' = 'app'): Promise<string> {
  await skopeoCopy(`oci:${layout}:${image}`, `docker://${host}/${repo}:1`);
  return `${host}/${repo}:1`;
}

const digestOf = async (repo: string): Promise<string> => (await getManifest(repo, '1')).digest;
const sigTag = (digest: string): string => `${digest.replace(':', '-')}.sig`;

beforeAll(async () => {
  registry = await startRegistry(tmp.dir, join(tmp.dir, 'storage'));
  host = registry.address;
  // gzip layers: skopeo copies them as they are, so every push of an image has the same digest.
  writeOciLayout(layout, {
    app: { layers: [gzipLayer(await tarLayer([{ path: 'etc/app', content: 'version 1' }]))] },
    app2: { layers: [gzipLayer(await tarLayer([{ path: 'etc/app', content: 'version 2' }]))] },
  });
  process.env.COSIGN_PASSWORD = 'test password';
  for (const prefix of ['cosign', 'other']) expect((await runCli('generate-key-pair', '--dir', tmp.dir, '--output-key-prefix', prefix)).code).toBe(0);
});
afterAll(async () => {
  if (savedPassword === undefined) delete process.env.COSIGN_PASSWORD;
  else process.env.COSIGN_PASSWORD = savedPassword;
  await registry.stop();
});

describe('churn sign / churn verify against a real registry', () => {
  it('signs the digest as cosign does and verifies it, naming every check', async () => {
    const ref = await push('team/app');
    const digest = await digestOf('team/app');
    const signed = await runCli('sign', ref, '--key', key('cosign.key'), '--json');
    expect(signed.code).toBe(0);
    expect(signed.stdout + signed.stderr).not.toContain('test password');
    expect(JSON.parse(signed.stdout)).toMatchObject({ digest, repository: `${host}/team/app`, tag: sigTag(digest), signatures: 1 });

    // The signature manifest, as cosign lays it out.
    const sig = await getManifest('team/app', sigTag(digest));
    const manifest = JSON.parse(sig.text) as { mediaType: string; config: { mediaType: string; digest: string }; layers: { mediaType: string; digest: string; annotations: Record<string, string> }[] };
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = await getBlob('team/app', manifest.layers[0].digest);
    expect(payload.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"${host}/team/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
    const config = JSON.parse((await getBlob('team/app', manifest.config.digest)).toString()) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).toEqual([manifest.layers[0].digest]);
    // base64 of an ASN.1 DER ECDSA signature: SEQUENCE { r INTEGER, s INTEGER }.
    const der = Buffer.from(manifest.layers[0].annotations['dev.cosignproject.cosign/signature'], 'base64');
    expect([der[0], der[1] + 2, der[2]]).toEqual([0x30, der.length, 0x02]);

    const verified = await runCli('verify', ref, '--key', key('cosign.pub'));
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/result\s+VERIFIED/);
    for (const check of ['signature-present', 'signature', 'payload', 'digest', 'repository']) expect(verified.stdout).toMatch(new RegExp(`^${check}\\s+pass`, 'm'));
    const json = JSON.parse((await runCli('verify', `${host}/team/app@${digest}`, '--key', key('cosign.pub'), '--json')).stdout) as { verified: boolean; digest: string; signer: { keyPath: string } };
    expect(json).toMatchObject({ verified: true, digest, signer: { keyPath: key('cosign.pub') } });
  });

  it('annotations: signed with -a, required with -a; a missing or different value is ANNOTATION_MISMATCH', async () => {
    const ref = await push('team/annotated');
    expect((await runCli('sign', ref, '--key', key('cosign.key'), '-a', 'env=prod', '-a', 'team=data')).code).toBe(0);
    expect((await runCli('verify', ref, '--key', key('cosign.pub'), '-a', 'env=prod')).code).toBe(0);
    const wrong = await runCli('verify', ref, '--key', key('cosign.pub'), '-a', 'env=dev', '-a', 'ticket=42', '--json');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ verified: false, code: 'ANNOTATION_MISMATCH', reason: 'required annotations not signed: env=dev (found prod), ticket=42 (found nothing)' });
    expect(wrong.stderr).toContain('ANNOTATION_MISMATCH');
  });

  it('another key: UNTRUSTED_KEY; a second signature is appended and either key then verifies', async () => {
    const ref = await push('team/rekeyed');
    expect((await runCli('sign', ref, '--key', key('other.key'))).code).toBe(0);
    const untrusted = await runCli('verify', ref, '--key', key('cosign.pub'), '--json');
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.stdout)).toMatchObject({ code: 'UNTRUSTED_KEY', reason: expect.stringContaining('not among the trusted keys') });
    expect((await runCli('verify', ref, '--key', key('cosign.pub'), '--key', key('other.pub'))).code).toBe(0);

    const second = await runCli('sign', ref, '--key', key('cosign.key'), '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ signatures: 2 });
    for (const pub of ['cosign.pub', 'other.pub']) {
      const r = await runCli('verify', ref, '--key', key(pub), '--json');
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, signatures: 2 });
    }
  });

  it('a tampered payload (new blob, signature annotation kept) is SIGNATURE_INVALID', async () => {
    const ref = await push('team/tampered');
    const digest = await digestOf('team/tampered');
    expect((await runCli('sign', ref, '--key', key('cosign.key'), '-a', 'env=staging')).code).toBe(0);
    const sig = await getManifest('team/tampered', sigTag(digest));
    const manifest = JSON.parse(sig.text) as { layers: { digest: string; size: number }[] };
    const payload = (await getBlob('team/tampered', manifest.layers[0].digest)).toString().replace('"env":"staging"', '"env":"prod"');
    manifest.layers[0].digest = await putBlob('team/tampered', Buffer.from(payload));
    manifest.layers[0].size = Buffer.byteLength(payload);
    await putManifest('team/tampered', sigTag(digest), JSON.stringify(manifest));

    const r = await runCli('verify', ref, '--key', key('cosign.pub'), '-a', 'env=prod', '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { code: string; checks: { name: string; status: string }[] };
    expect(result.code).toBe('SIGNATURE_INVALID');
    expect(result.checks.find((c) => c.name === 'signature')?.status).toBe('fail');
    expect(result.checks.find((c) => c.name === 'annotations')?.status).toBe('skip');
  });

  it('an unsigned image is SIGNATURE_MISSING', async () => {
    const ref = await push('team/unsigned');
    const r = await runCli('verify', ref, '--key', key('cosign.pub'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/result\s+FAILED SIGNATURE_MISSING/);
    expect(r.stdout).toContain(sigTag(await digestOf('team/unsigned')));
  });

  it('new content pushed under the signed tag is unsigned; the old signature moved to its digest is DIGEST_MISMATCH', async () => {
    const ref = await push('team/moved');
    const signedDigest = await digestOf('team/moved');
    expect((await runCli('sign', ref, '--key', key('cosign.key'))).code).toBe(0);
    await push('team/moved', 'app2');
    const newDigest = await digestOf('team/moved');
    expect(newDigest).not.toBe(signedDigest);
    const missing = await runCli('verify', ref, '--key', key('cosign.pub'), '--json');
    expect(JSON.parse(missing.stdout)).toMatchObject({ code: 'SIGNATURE_MISSING', digest: newDigest });

    await putManifest('team/moved', sigTag(newDigest), (await getManifest('team/moved', sigTag(signedDigest))).text);
    const moved = await runCli('verify', ref, '--key', key('cosign.pub'), '--json');
    expect(moved.code).toBe(1);
    expect(JSON.parse(moved.stdout)).toMatchObject({ code: 'DIGEST_MISMATCH', reason: `signature is for ${signedDigest}, the image is ${newDigest}` });
  });

  it('a signature copied from another repository (same digest) is REPOSITORY_MISMATCH', async () => {
    const source = await push('vendor/app');
    const target = await push('team/copied');
    const digest = await digestOf('vendor/app');
    expect(await digestOf('team/copied')).toBe(digest);
    expect((await runCli('sign', source, '--key', key('cosign.key'))).code).toBe(0);
    await skopeoCopy(`docker://${host}/vendor/app:${sigTag(digest)}`, `docker://${host}/team/copied:${sigTag(digest)}`);
    const r = await runCli('verify', target, '--key', key('cosign.pub'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 'REPOSITORY_MISMATCH', reason: `signature was made for ${host}/vendor/app, not ${host}/team/copied` });
    expect((await runCli('verify', source, '--key', key('cosign.pub'))).code).toBe(0);
  });

  it('bad input is exit 2 with the file named: a missing key, a private key given to verify, a wrong password', async () => {
    const ref = await push('team/inputs');
    const missing = await runCli('verify', ref, '--key', key('nope.pub'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining(`--key: cannot read ${key('nope.pub')}`) });
    expect((await runCli('verify', ref, '--key', key('cosign.key'))).code).toBe(2);
    process.env.COSIGN_PASSWORD = 'not the password';
    try {
      const wrong = await runCli('sign', ref, '--key', key('cosign.key'));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('cannot decrypt: wrong password');
      expect(wrong.stderr).not.toContain('not the password');
    } finally {
      process.env.COSIGN_PASSWORD = 'test password';
    }
    expect((await runCli('verify', ref)).stderr).toContain('nothing to verify against');
  });
});
