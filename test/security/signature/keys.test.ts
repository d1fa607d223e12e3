import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COSIGN_KEY_LABEL, SIGSTORE_KEY_LABEL, decryptPrivateKey, encryptPrivateKey } from '../../../src/security/signature/encrypted-key.js';
import { generateKeyPair, keyId, loadPrivateKey, needsPassword, parsePublicKey } from '../../../src/security/signature/keys.js';
import { decodePem, encodePem } from '../../../src/security/signature/pem.js';
import { codeOf, codeOfAsync } from '../../support/errors.js';

/** Cheap scrypt parameters where the test is about the format, not the cost. */
const FAST = { N: 1024, r: 8, p: 1 };
const bodyOf = (pem: string): Record<string, Record<string, unknown> | string> => JSON.parse(decodePem(pem, 'key').der.toString('utf8')) as Record<string, Record<string, unknown> | string>;

describe('cosign encrypted private keys', () => {
  it('generate-key-pair output: the SIGSTORE label, scrypt N=65536 r=8 p=1, a 32-byte salt and 24-byte nonce, tag-first secretbox over PKCS#8', async () => {
    const pair = await generateKeyPair('correct horse');
    expect(pair.privateKey.startsWith(`-----BEGIN ${SIGSTORE_KEY_LABEL}-----\n`)).toBe(true);
    // Go's encoding/pem: 64-character lines.
    expect(pair.privateKey.split('\n').slice(1, -3).every((l) => l.length === 64)).toBe(true);
    const body = bodyOf(pair.privateKey);
    expect(Object.keys(body)).toEqual(['kdf', 'cipher', 'ciphertext']);
    expect(body.kdf).toMatchObject({ name: 'scrypt', params: { N: 65536, r: 8, p: 1 } });
    expect(Buffer.from((body.kdf as Record<string, string>).salt, 'base64')).toHaveLength(32);
    expect(body.cipher).toMatchObject({ name: 'nacl/secretbox' });
    expect(Buffer.from((body.cipher as Record<string, string>).nonce, 'base64')).toHaveLength(24);
    const der = await decryptPrivateKey(pair.privateKey, 'correct horse');
    // The ciphertext is the 16-byte Poly1305 tag plus the PKCS#8 bytes.
    expect(Buffer.from(body.ciphertext as string, 'base64')).toHaveLength(der.length + 16);
    expect(pair.publicKey.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);

    const key = await loadPrivateKey(pair.privateKey, 'correct horse', 'cosign.key');
    expect(keyId(createPublicKey(key))).toBe(pair.keyId);
    const sig = sign('sha256', Buffer.from('payload'), key);
    expect(verify('sha256', Buffer.from('payload'), parsePublicKey(pair.publicKey, 'cosign.pub'), sig)).toBe(true);
  });

  it('a wrong password is BAD_PASSWORD with a message that says so, and no key material in it', async () => {
    const pem = await encryptPrivateKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'der', type: 'pkcs8' }), 's3cret', FAST);
    const err = await loadPrivateKey(pem, 'S3cret', 'cosign.key').catch((e: Error & { code: string }) => e);
    expect(err).toMatchObject({ code: 'BAD_PASSWORD', kind: 'input', message: 'cosign.key: cannot decrypt: wrong password, or the key file is damaged' });
    expect(await codeOfAsync(loadPrivateKey(pem, undefined, 'cosign.key'))).toBe('NO_PASSWORD');
    // A flipped ciphertext byte is caught by the authenticator, not turned into a garbage key.
    const body = bodyOf(pem);
    const ct = Buffer.from(body.ciphertext as string, 'base64');
    ct[20] ^= 1;
    const damaged = encodePem(SIGSTORE_KEY_LABEL, Buffer.from(JSON.stringify({ ...body, ciphertext: ct.toString('base64') })));
    expect(await codeOfAsync(loadPrivateKey(damaged, 's3cret', 'cosign.key'))).toBe('BAD_PASSWORD');
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label and an empty password, as cosign does', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = await encryptPrivateKey(privateKey.export({ format: 'der', type: 'pkcs8' }), '', FAST, COSIGN_KEY_LABEL);
    expect(pem.startsWith('-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----')).toBe(true);
    expect(needsPassword(pem, 'old.key')).toBe(true);
    const key = await loadPrivateKey(pem, '', 'old.key');
    expect(keyId(createPublicKey(key))).toBe(keyId(publicKey));
  });

  it('accepts unencrypted PKCS#8 and SEC 1 keys and encrypted PKCS#8; refuses other curves and algorithms', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sec1 = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const enc = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(needsPassword(pkcs8, 'k')).toBe(false);
    expect(needsPassword(enc, 'k')).toBe(true);
    for (const [pem, pw] of [[pkcs8, undefined], [sec1, undefined], [enc, 'pw']] as const) {
      expect(keyId(createPublicKey(await loadPrivateKey(pem, pw, 'k')))).toBe(keyId(publicKey));
    }
    expect(await codeOfAsync(loadPrivateKey(enc, 'nope', 'k'))).toBe('BAD_PASSWORD');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await expect(loadPrivateKey(p384, undefined, 'p384.key')).rejects.toMatchObject({ code: 'BAD_KEY', message: expect.stringContaining('only ECDSA P-256') });
    expect(await codeOfAsync(loadPrivateKey(ed, undefined, 'ed.key'))).toBe('BAD_KEY');
    expect(await codeOfAsync(loadPrivateKey(publicKey.export({ format: 'pem', type: 'spki' }).toString(), undefined, 'pub'))).toBe('BAD_KEY');
  });

  it('names every bad field of a damaged key body in one BAD_KEY error, and refuses scrypt costs that would exhaust memory', async () => {
    const bad = encodePem(SIGSTORE_KEY_LABEL, Buffer.from(JSON.stringify({ kdf: { name: 'pbkdf2', params: { N: 1000, r: 0, p: 1 }, salt: '***' }, cipher: { name: 'aes', nonce: 'AAAA' }, ciphertext: '' })));
    const err = await decryptPrivateKey(bad, 'x').then(
      () => null,
      (e: Error & { details?: { problems: string[] } }) => e,
    );
    expect(err?.details?.problems).toEqual([
      'kdf.name: "pbkdf2" is not scrypt',
      'cipher.name: "aes" is not nacl/secretbox',
      'kdf.params.N: not a power of two',
      'kdf.params.r: not a positive integer',
      'kdf.salt: not base64',
      'cipher.nonce: 3 bytes, expected 24',
      'ciphertext: too short',
    ]);
    const huge = encodePem(SIGSTORE_KEY_LABEL, Buffer.from(JSON.stringify({ kdf: { name: 'scrypt', params: { N: 2 ** 24, r: 8, p: 1 }, salt: 'AAAA' }, cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }, ciphertext: Buffer.alloc(40).toString('base64') })));
    await expect(decryptPrivateKey(huge, 'x')).rejects.toMatchObject({ code: 'BAD_KEY', message: expect.stringContaining('needs more than 512 MiB') });
    expect(await codeOfAsync(decryptPrivateKey('not a pem', 'x'))).toBe('BAD_KEY');
    expect(await codeOfAsync(decryptPrivateKey(encodePem(SIGSTORE_KEY_LABEL, Buffer.from('{')), 'x'))).toBe('BAD_KEY');
  });

  it('public keys: PEM SPKI for ECDSA or RSA; anything else is BAD_KEY naming the file', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(parsePublicKey(rsa, 'rsa.pub').asymmetricKeyType).toBe('rsa');
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => parsePublicKey(ed, 'ed.pub')).toThrow(/ed\.pub: ed25519 keys are not supported/);
    expect(codeOf(() => parsePublicKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'x.pub'))).toBe('BAD_KEY');
    expect(codeOf(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'x.pub'))).toBe('BAD_KEY');
  });
});
