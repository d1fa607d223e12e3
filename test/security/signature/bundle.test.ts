import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, type Witness } from '@sigstore/sign';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../../src/security/signature/keys.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/tmp.js';
import { createTestSigstore, localRekor, localSigner } from './sigstore-fixtures.js';

/**
 * Key-based Sigstore bundles made with the sigstore libraries (no network: a local key as the
 * signer, a local transparency log as the witness), verified with `churn verify-blob`, and
 * tampered copies refused with the code of what was changed.
 */
const tmp = tempDir('churn-sig-bundle-');
const now = new Date();
const sigstore = createTestSigstore(now);
const rootFile = tmp.file('trusted_root.json', JSON.stringify(sigstore.trustedRoot));
const artifact = Buffer.from('model artifact v1\n');
const artifactFile = tmp.file('model.json', artifact);

interface Key {
  priv: KeyObject;
  pem: string;
  file: string;
  id: string;
}
function makeKey(name: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { priv: privateKey, pem, file: tmp.file(`${name}.pub`, pem), id: keyId(publicKey) };
}
const signer = makeKey('signer');
const stranger = makeKey('stranger');

async function messageBundle(key: Key, witnesses: Witness[] = [], data = artifact): Promise<SerializedBundle> {
  const builder = new MessageSignatureBundleBuilder({ signer: localSigner(key.priv, { publicKeyPem: key.pem, hint: key.id }), witnesses });
  return bundleToJSON(await builder.create({ data }));
}

const write = (name: string, bundle: unknown): string => tmp.file(name, JSON.stringify(bundle));
const verifyBlob = async (bundleFile: string, ...flags: string[]) => {
  const r = await runCli('verify-blob', artifactFile, '--bundle', bundleFile, '--json', ...flags);
  return { code: r.code, stderr: r.stderr, result: r.stdout ? (JSON.parse(r.stdout) as { verified: boolean; code: string | null; reason: string | null; checks: { name: string; status: string; detail: string }[] }) : null };
};

let plain: SerializedBundle;
beforeAll(async () => {
  plain = await messageBundle(signer);
});

describe('verify-blob with key-based bundles', () => {
  it('verifies the message-signature bundle @sigstore/sign makes (v0.2), and the same content labelled v0.1 and v0.3', async () => {
    expect(plain.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    for (const mediaType of [plain.mediaType, 'application/vnd.dev.sigstore.bundle+json;version=0.1', 'application/vnd.dev.sigstore.bundle.v0.3+json']) {
      const r = await verifyBlob(write('plain.json', { ...plain, mediaType }), '--key', signer.file);
      expect(r.code).toBe(0);
      expect(r.result?.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['artifact:pass', 'timestamps:skip', 'tlog:skip', 'signature:pass']);
    }
    const human = await runCli('verify-blob', artifactFile, '--bundle', write('plain.json', plain), '--key', signer.file);
    expect(human.stdout).toMatch(/result\s+VERIFIED/);
    expect(human.stdout).toContain(`key ${signer.id}`);
  });

  it('verifies a DSSE bundle over an in-toto statement whose subject is the file', async () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'model.json', digest: { sha256: createHash('sha256').update(artifact).digest('hex') } }],
      predicateType: 'https://churn.example/model/v1',
      predicate: { auc: 0.91 },
    };
    const builder = new DSSEBundleBuilder({ signer: localSigner(signer.priv, { publicKeyPem: signer.pem, hint: signer.id }), witnesses: [] });
    const bundle = bundleToJSON(await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' }));
    const file = write('dsse.json', bundle);
    const ok = await verifyBlob(file, '--key', signer.file);
    expect(ok.code).toBe(0);
    expect(ok.result?.checks[0].detail).toContain('in-toto subject model.json');
    const other = await runCli('verify-blob', tmp.file('other.bin', 'something else'), '--bundle', file, '--key', signer.file);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/FAILED ARTIFACT_MISMATCH: no in-toto subject has sha256:/);
  });

  it('tampered copies are refused: another file, a flipped signature bit, a digest rewritten to match a swapped file', async () => {
    const file = write('plain.json', plain);
    const changed = await runCli('verify-blob', tmp.file('changed.json', 'model artifact v2\n'), '--bundle', file, '--key', signer.file, '--json');
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout)).toMatchObject({ code: 'ARTIFACT_MISMATCH' });

    const sig = Buffer.from((plain.messageSignature as { signature: string }).signature, 'base64');
    sig[sig.length - 3] ^= 0x01;
    const flipped = await verifyBlob(write('flipped.json', { ...plain, messageSignature: { ...plain.messageSignature, signature: sig.toString('base64') } }), '--key', signer.file);
    expect(flipped).toMatchObject({ code: 1, result: { code: 'SIGNATURE_INVALID' } });

    const swapped = Buffer.from('model artifact v1 (swapped)\n');
    const swappedFile = tmp.file('swapped.json', swapped);
    const rewritten = { ...plain, messageSignature: { ...plain.messageSignature, messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(swapped).digest('base64') } } };
    const r = await runCli('verify-blob', swappedFile, '--bundle', write('rewritten.json', rewritten), '--key', signer.file, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { code: string; checks: { name: string; status: string }[] };
    expect(result.code).toBe('SIGNATURE_INVALID');
    expect(result.checks.find((c) => c.name === 'artifact')?.status).toBe('pass');
  });

  it('a bundle signed by another key is UNTRUSTED_KEY (its key hint names a key we do not trust)', async () => {
    const r = await verifyBlob(write('stranger.json', await messageBundle(stranger)), '--key', signer.file);
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ code: 'UNTRUSTED_KEY', reason: expect.stringContaining(stranger.id) });
  });

  it('transparency log: TLOG_MISSING when required and absent; a real entry verifies against the trusted root; a tampered one is TLOG_INVALID', async () => {
    const required = await verifyBlob(write('plain.json', plain), '--key', signer.file, '--require-tlog');
    expect(required).toMatchObject({ code: 1, result: { code: 'TLOG_MISSING' } });

    const logged = await messageBundle(signer, [localRekor(sigstore.rekorKey, now)]);
    const file = write('logged.json', logged);
    const ok = await verifyBlob(file, '--key', signer.file, '--trusted-root', rootFile, '--require-tlog');
    expect(ok.code).toBe(0);
    expect(ok.result?.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['artifact:pass', 'timestamps:pass', 'tlog:pass', 'signature:pass']);
    // Without a root the entry cannot be checked; it is not required for a key-based bundle, so it is set aside and said so.
    const unchecked = await verifyBlob(file, '--key', signer.file);
    expect(unchecked.code).toBe(0);
    expect(unchecked.result?.checks.find((c) => c.name === 'tlog')?.detail).toBe('entries not verified (no --trusted-root)');

    const entry = (logged.verificationMaterial.tlogEntries as Record<string, unknown>[])[0];
    const proof = entry.inclusionProof as { hashes: string[] };
    const badProof = { ...logged, verificationMaterial: { ...logged.verificationMaterial, tlogEntries: [{ ...entry, inclusionProof: { ...proof, hashes: [Buffer.alloc(32, 7).toString('base64')] } }] } };
    expect(await verifyBlob(write('bad-proof.json', badProof), '--key', signer.file, '--trusted-root', rootFile)).toMatchObject({ code: 1, result: { code: 'TLOG_INVALID' } });
    const otherLog = createTestSigstore(now);
    const foreign = await messageBundle(signer, [localRekor(otherLog.rekorKey, now)]);
    expect(await verifyBlob(write('foreign.json', foreign), '--key', signer.file, '--trusted-root', rootFile)).toMatchObject({ code: 1, result: { code: 'TLOG_INVALID' } });
  });

  it('unusable input is exit 2 naming what is wrong: a bundle missing fields, a bad trusted root, contradicting flags', async () => {
    const broken = await runCli('verify-blob', artifactFile, '--bundle', write('broken.json', { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', messageSignature: { signature: '' } }), '--key', signer.file);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/is not a valid Sigstore bundle: .*content\.messageSignature\.messageDigest.*verificationMaterial/);
    const badRoot = await runCli('verify-blob', artifactFile, '--bundle', write('plain.json', plain), '--key', signer.file, '--trusted-root', write('root.json', { mediaType: 'nope', tlogs: [{ baseUrl: 1 }] }));
    expect(badRoot.code).toBe(2);
    expect(badRoot.stderr).toContain('mediaType: not a Sigstore trusted root media type; tlogs[0].baseUrl: missing; tlogs[0].publicKey: missing; tlogs[0].logId: missing');
    expect((await runCli('verify-blob', artifactFile, '--bundle', write('plain.json', plain), '--key', signer.file, '--require-tlog', '--insecure-ignore-tlog')).code).toBe(2);
    expect((await runCli('verify-blob', artifactFile, '--bundle', tmp.path('absent.json'), '--key', signer.file)).stderr).toContain('--bundle: cannot read');
  });
});
