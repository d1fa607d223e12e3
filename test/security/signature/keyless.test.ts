import { X509Certificate, createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { MessageSignatureBundleBuilder, type Witness } from '@sigstore/sign';
import { describe, expect, it } from 'vitest';
import { buildPayload, openSignatureStore, signatureTag } from '../../../src/security/signature/index.js';
import { runCli } from '../../support/cli.js';
import { tarLayer, writeOciLayout } from '../../support/images.js';
import { tempDir } from '../../support/tmp.js';
import { OIDC_ISSUER, createTestSigstore, localRekor, localSigner, toPem } from './sigstore-fixtures.js';

/**
 * Keyless signatures against a trusted root made here: a CA issuing Fulcio-style certificates
 * (subject e-mail, OIDC issuer extension, embedded SCT), a transparency log with signed entry
 * timestamps and inclusion proofs under signed checkpoints. Every check a Sigstore client makes
 * runs for real, and each is broken once to see its code.
 */
const tmp = tempDir('churn-sig-keyless-');
const now = new Date();
const sigstore = createTestSigstore(now);
const rootFile = tmp.file('trusted_root.json', JSON.stringify(sigstore.trustedRoot));
const artifact = Buffer.from('release.tar contents\n');
const artifactFile = tmp.file('release.tar', artifact);
const EMAIL = 'release-bot@example.com';
const identity = ['--certificate-identity', EMAIL, '--certificate-oidc-issuer', OIDC_ISSUER, '--trusted-root', rootFile];

type Issued = ReturnType<typeof sigstore.issue>;
async function keylessBundle(cert: Issued, witnesses: Witness[]): Promise<SerializedBundle> {
  const builder = new MessageSignatureBundleBuilder({ signer: localSigner(cert.key, { certificatePem: cert.pem }), witnesses });
  return bundleToJSON(await builder.create({ data: artifact }));
}
const write = (name: string, v: unknown): string => tmp.file(name, JSON.stringify(v));
async function verifyBlob(bundle: unknown, ...flags: string[]) {
  const r = await runCli('verify-blob', artifactFile, '--bundle', write(`b-${Math.random().toString(36).slice(2)}.json`, bundle), '--json', ...flags);
  return { code: r.code, stderr: r.stderr, result: JSON.parse(r.stdout || 'null') as { code: string | null; reason: string | null; signer: unknown; checks: { name: string; status: string; detail: string }[] } | null };
}
const rekor = (): Witness => localRekor(sigstore.rekorKey, now);
const publicPem = (k: KeyObject): string => k.export({ format: 'pem', type: 'spki' }).toString();
const certificateKey = (b: SerializedBundle): KeyObject => {
  const m = b.verificationMaterial as { x509CertificateChain: { certificates: { rawBytes: string }[] } };
  return new X509Certificate(Buffer.from(m.x509CertificateChain.certificates[0].rawBytes, 'base64')).publicKey;
};

describe('keyless bundles', () => {
  it('verifies chain, SCT, transparency log (promise, inclusion proof, checkpoint), signature and identity; v0.1, v0.2 and v0.3 forms', async () => {
    const cert = sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER });
    const v02 = await keylessBundle(cert, [rekor()]);
    expect(v02.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    const r = await verifyBlob(v02, ...identity);
    expect(r.code).toBe(0);
    expect(r.result?.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['artifact:pass', 'timestamps:pass', 'certificate:pass', 'sct:pass', 'tlog:pass', 'signature:pass', 'identity:pass']);
    expect(r.result?.signer).toEqual({ subject: EMAIL, issuer: OIDC_ISSUER });

    const { x509CertificateChain: _chain, ...material } = v02.verificationMaterial as Record<string, unknown>;
    const v03 = { ...v02, mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { ...material, certificate: { rawBytes: cert.cert.toString('base64') } } };
    expect((await verifyBlob(v03, ...identity)).code).toBe(0);
    expect((await verifyBlob({ ...v02, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' }, ...identity)).code).toBe(0);
    expect((await verifyBlob(v02, '--certificate-identity-regexp', '^release-bot@example\\.com$', '--certificate-oidc-issuer', OIDC_ISSUER, '--trusted-root', rootFile)).code).toBe(0);
  });

  it('IDENTITY_MISMATCH for another subject, pattern or issuer', async () => {
    const bundle = await keylessBundle(sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER }), [rekor()]);
    const cases = [
      ['--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', OIDC_ISSUER],
      ['--certificate-identity-regexp', '@other\\.org$', '--certificate-oidc-issuer', OIDC_ISSUER],
      ['--certificate-identity', EMAIL, '--certificate-oidc-issuer', 'https://accounts.google.com'],
    ];
    for (const flags of cases) {
      const r = await verifyBlob(bundle, ...flags, '--trusted-root', rootFile);
      expect(r.code).toBe(1);
      expect(r.result).toMatchObject({ code: 'IDENTITY_MISMATCH', reason: expect.stringContaining(`certificate identity ${EMAIL} from ${OIDC_ISSUER} is not`) });
    }
    // Keyless verification without an issuer or a trusted root is refused before anything is checked.
    expect((await verifyBlob(bundle, '--certificate-identity', EMAIL, '--trusted-root', rootFile)).code).toBe(2);
    expect((await verifyBlob(bundle, '--certificate-identity', EMAIL, '--certificate-oidc-issuer', OIDC_ISSUER)).stderr).toContain('needs --trusted-root');
    // A public key alone does not verify a certificate signature, not even the certificate's own key.
    const keyOnly = await verifyBlob(bundle, '--key', tmp.file('cert-key.pub', publicPem(certificateKey(bundle))));
    expect(keyOnly).toMatchObject({ code: 1, result: { code: 'UNTRUSTED_KEY', reason: expect.stringContaining('signed with a certificate (keyless)') } });
  });

  it('TLOG_MISSING without a transparency-log entry; --insecure-ignore-tlog checks the certificate at the current time instead', async () => {
    const bundle = await keylessBundle(sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER }), []);
    const r = await verifyBlob(bundle, ...identity);
    expect(r).toMatchObject({ code: 1, result: { code: 'TLOG_MISSING' } });
    const ignored = await verifyBlob(bundle, ...identity, '--insecure-ignore-tlog');
    expect(ignored.code).toBe(0);
    expect(ignored.result?.checks.find((c) => c.name === 'timestamps')?.detail).toMatch(/^none; certificate checked at /);
  });

  it('CERTIFICATE_EXPIRED: signed after the certificate ran out, or (no log) checked after it ran out', async () => {
    const expired = sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER, notBefore: new Date(now.getTime() - 7200_000), notAfter: new Date(now.getTime() - 3600_000) });
    const logged = await verifyBlob(await keylessBundle(expired, [rekor()]), ...identity);
    expect(logged).toMatchObject({ code: 1, result: { code: 'CERTIFICATE_EXPIRED', reason: expect.stringContaining(`not at ${new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString()}`) } });
    const unlogged = await verifyBlob(await keylessBundle(expired, []), ...identity, '--insecure-ignore-tlog');
    expect(unlogged).toMatchObject({ code: 1, result: { code: 'CERTIFICATE_EXPIRED' } });
  });

  it('CERTIFICATE_UNTRUSTED for a certificate from another CA; SCT_INVALID without an SCT unless --insecure-ignore-sct', async () => {
    const otherCa = createTestSigstore(now);
    const foreign = await verifyBlob(await keylessBundle(otherCa.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER }), [rekor()]), ...identity);
    expect(foreign).toMatchObject({ code: 1, result: { code: 'CERTIFICATE_UNTRUSTED' } });

    const noSct = await keylessBundle(sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER, sct: false }), [rekor()]);
    expect(await verifyBlob(noSct, ...identity)).toMatchObject({ code: 1, result: { code: 'SCT_INVALID' } });
    const relaxed = await verifyBlob(noSct, ...identity, '--insecure-ignore-sct');
    expect(relaxed.code).toBe(0);
    expect(relaxed.result?.checks.find((c) => c.name === 'sct')).toMatchObject({ status: 'skip' });
  });

  it('TLOG_INVALID for a forged checkpoint or an entry body that is not this signature', async () => {
    const bundle = await keylessBundle(sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER }), [rekor()]);
    const entry = (bundle.verificationMaterial.tlogEntries as unknown as Record<string, Record<string, unknown>>[])[0];
    const proof = entry.inclusionProof as { checkpoint: { envelope: string } };
    const forged = proof.checkpoint.envelope.replace(/\n2\n/, '\n3\n');
    const withEntry = (e: unknown) => ({ ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [e] } });
    expect(await verifyBlob(withEntry({ ...entry, inclusionProof: { ...proof, checkpoint: { envelope: forged } } }), ...identity)).toMatchObject({ code: 1, result: { code: 'TLOG_INVALID' } });
    const other = await keylessBundle(sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER }), [rekor()]);
    const otherEntry = (other.verificationMaterial.tlogEntries as unknown[])[0];
    expect(await verifyBlob(withEntry(otherEntry), ...identity)).toMatchObject({ code: 1, result: { code: 'TLOG_INVALID' } });
  });
});

describe('keyless cosign image signatures (certificate, chain and Rekor bundle annotations)', () => {
  it('verifies an image signed keylessly in an OCI layout, and refuses another identity', async () => {
    const dir = join(tmp.dir, 'layout');
    writeOciLayout(dir, { v1: { layers: [await tarLayer([{ path: 'etc/app', content: 'keyless' }])] } });
    const store = await openSignatureStore(`oci:${dir}:v1`);
    const digest = await store.imageDigest();
    const cert = sigstore.issue({ email: EMAIL, oidcIssuer: OIDC_ISSUER });
    const payload = buildPayload('registry.example.com/team/app', digest);
    const signature = sign('sha256', payload, cert.key);
    const { tlogEntries } = await rekor().testify(
      { $case: 'messageSignature', messageSignature: { messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(payload).digest() }, signature } },
      cert.pem,
    );
    const e = tlogEntries?.[0];
    if (e === undefined) throw new Error('no log entry');
    const rekorBundle = {
      SignedEntryTimestamp: e.inclusionPromise?.signedEntryTimestamp.toString('base64'),
      Payload: { body: e.canonicalizedBody.toString('base64'), integratedTime: Number(e.integratedTime), logIndex: Number(e.logIndex), logID: e.logId.keyId.toString('hex') },
    };
    const layer = await store.putBlob(payload, 'payload');
    const config = Buffer.from(JSON.stringify({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [layer] }, config: {} }));
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: await store.putBlob(config, 'config') },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          size: payload.length,
          digest: layer,
          annotations: {
            'dev.cosignproject.cosign/signature': signature.toString('base64'),
            'dev.sigstore.cosign/certificate': cert.pem,
            'dev.sigstore.cosign/chain': toPem(sigstore.ca.cert),
            'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle),
          },
        },
      ],
    };
    await store.putManifest(signatureTag(digest), Buffer.from(JSON.stringify(manifest)), manifest.mediaType);

    const ok = await runCli('verify', `oci:${dir}:v1`, ...identity, '--repository', 'registry.example.com/team/app');
    expect(ok.code).toBe(0);
    for (const check of ['timestamps', 'certificate', 'sct', 'tlog', 'signature', 'identity', 'payload', 'digest', 'repository']) expect(ok.stdout).toMatch(new RegExp(`^${check}\\s+pass`, 'm'));
    const other = await runCli('verify', `oci:${dir}:v1`, '--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', OIDC_ISSUER, '--trusted-root', rootFile, '--json');
    expect(JSON.parse(other.stdout)).toMatchObject({ code: 'IDENTITY_MISMATCH' });
    const keyOnly = await runCli('verify', `oci:${dir}:v1`, '--key', tmp.file('k.pub', publicPem(createPublicKey(cert.key))), '--json');
    expect(JSON.parse(keyOnly.stdout)).toMatchObject({ code: 'UNTRUSTED_KEY' });
  });
});
