import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { sha256 } from '../target/blob.js';
import { SignatureError } from './errors.js';
import { DEFAULT_SCRYPT, ENCRYPTED_LABELS, decryptPrivateKey, encryptPrivateKey, type ScryptParams } from './encrypted-key.js';
import { decodePem } from './pem.js';

/** `sha256:<hex>` of a public key's SubjectPublicKeyInfo DER: how results and hints name a key. */
export function keyId(key: KeyObject): string {
  const spki = key.export({ format: 'der', type: 'spki' });
  return sha256(spki);
}

/** A PEM public key (SPKI) to verify with; ECDSA and RSA keys are accepted. */
export function parsePublicKey(pem: string, what: string): KeyObject {
  const { label } = decodePem(pem, what);
  if (label !== 'PUBLIC KEY') throw new SignatureError('BAD_KEY', `${what}: expected a PUBLIC KEY PEM block, found ${label}`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new SignatureError('BAD_KEY', `${what}: not a readable public key (${(e as Error).message})`, undefined, e);
  }
  if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa') {
    throw new SignatureError('BAD_KEY', `${what}: ${String(key.asymmetricKeyType)} keys are not supported (use ECDSA or RSA)`);
  }
  return key;
}

/** Labels of key files that need no password. */
const PLAIN_LABELS = ['PRIVATE KEY', 'EC PRIVATE KEY'];

/** Whether a private key file needs a password (cosign's encrypted format, or encrypted PKCS#8). */
export function needsPassword(pem: string, what: string): boolean {
  const { label } = decodePem(pem, what);
  return ENCRYPTED_LABELS.includes(label) || label === 'ENCRYPTED PRIVATE KEY';
}

/**
 * The signing key in a PEM file: cosign's encrypted format (either label), encrypted PKCS#8, or a
 * plain PKCS#8 / SEC 1 key. Only ECDSA P-256 is accepted: signatures are ECDSA P-256 with SHA-256,
 * which is what cosign verifies by default.
 */
export async function loadPrivateKey(pem: string, password: string | undefined, what: string): Promise<KeyObject> {
  const { label } = decodePem(pem, what);
  let key: KeyObject;
  try {
    if (ENCRYPTED_LABELS.includes(label)) {
      if (password === undefined) throw new SignatureError('NO_PASSWORD', `${what} is encrypted and no password was given`);
      const der = await decryptPrivateKey(pem, password, what);
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } else if (label === 'ENCRYPTED PRIVATE KEY') {
      if (password === undefined) throw new SignatureError('NO_PASSWORD', `${what} is encrypted and no password was given`);
      key = createPrivateKey({ key: pem, passphrase: password });
    } else if (PLAIN_LABELS.includes(label)) {
      key = createPrivateKey(pem);
    } else {
      throw new SignatureError('BAD_KEY', `${what}: a ${label} block is not a private key`);
    }
  } catch (e) {
    if (e instanceof SignatureError) throw e;
    const bad = label === 'ENCRYPTED PRIVATE KEY' ? 'BAD_PASSWORD' : 'BAD_KEY';
    throw new SignatureError(bad, `${what}: cannot read the private key${bad === 'BAD_PASSWORD' ? ' (wrong password?)' : ''}`, undefined, e);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new SignatureError('BAD_KEY', `${what}: only ECDSA P-256 keys can sign (found ${String(key.asymmetricKeyType)} ${key.asymmetricKeyDetails?.namedCurve ?? ''})`.trim());
  }
  return key;
}

export interface GeneratedKeyPair {
  /** cosign's encrypted PEM (`ENCRYPTED SIGSTORE PRIVATE KEY`). */
  privateKey: string;
  /** SPKI PEM. */
  publicKey: string;
  keyId: string;
}

/** A fresh ECDSA P-256 key pair, the private half encrypted as cosign does. */
export async function generateKeyPair(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return {
      privateKey: await encryptPrivateKey(pkcs8, password, params),
      publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      keyId: keyId(publicKey),
    };
  } finally {
    pkcs8.fill(0);
  }
}
