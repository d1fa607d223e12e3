import { randomBytes, scrypt } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { SignatureError } from './errors.js';
import { decodePem, encodePem } from './pem.js';

/**
 * cosign's encrypted private key: a PEM block whose body is JSON
 * `{kdf: {name: "scrypt", params: {N, r, p}, salt}, cipher: {name: "nacl/secretbox", nonce}, ciphertext}`
 * over the PKCS#8 DER key. The secretbox key is scrypt(password, salt) (32 bytes); the ciphertext
 * is NaCl's layout, the 16-byte Poly1305 tag first. cosign 2 writes the SIGSTORE label and still
 * reads the older COSIGN one.
 */
export const SIGSTORE_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
export const ENCRYPTED_LABELS: readonly string[] = [SIGSTORE_KEY_LABEL, COSIGN_KEY_LABEL];

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** What cosign generate-key-pair uses today. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 65536, r: 8, p: 1 };
/** A hostile key file must not make us allocate gigabytes: scrypt needs 128·N·r bytes. */
const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * params.p + 16 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(Buffer.from(password, 'utf8'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Encrypts a PKCS#8 DER private key into cosign's PEM format. */
export async function encryptPrivateKey(pkcs8: Buffer, password: string, params: ScryptParams = DEFAULT_SCRYPT, label = SIGSTORE_KEY_LABEL): Promise<string> {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await deriveKey(password, salt, params);
  const sealed = Buffer.from(xsalsa20poly1305(key, nonce).encrypt(pkcs8));
  key.fill(0);
  const body = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: sealed.toString('base64'),
  };
  return encodePem(label, Buffer.from(JSON.stringify(body), 'utf8'));
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function b64(v: unknown, path: string, problems: string[], length?: number): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    problems.push(`${path}: not base64`);
    return Buffer.alloc(0);
  }
  const out = Buffer.from(v, 'base64');
  if (length !== undefined && out.length !== length) problems.push(`${path}: ${out.length} bytes, expected ${length}`);
  return out;
}

/** The parts of the JSON body, validated (every bad field listed in one error). */
function parseBody(der: Buffer, what: string): { params: ScryptParams; salt: Buffer; nonce: Buffer; ciphertext: Buffer } {
  let raw: unknown;
  try {
    raw = JSON.parse(der.toString('utf8'));
  } catch {
    throw new SignatureError('BAD_KEY', `${what}: the encrypted key body is not JSON`);
  }
  if (!isObj(raw)) throw new SignatureError('BAD_KEY', `${what}: the encrypted key body is not a JSON object`);
  const problems: string[] = [];
  const kdf = isObj(raw.kdf) ? raw.kdf : {};
  const cipher = isObj(raw.cipher) ? raw.cipher : {};
  const p = isObj(kdf.params) ? kdf.params : {};
  if (kdf.name !== 'scrypt') problems.push(`kdf.name: "${String(kdf.name)}" is not scrypt`);
  if (cipher.name !== 'nacl/secretbox') problems.push(`cipher.name: "${String(cipher.name)}" is not nacl/secretbox`);
  const params = { N: Number(p.N), r: Number(p.r), p: Number(p.p) };
  const pow2 = Number.isSafeInteger(params.N) && params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (!pow2) problems.push('kdf.params.N: not a power of two');
  if (!Number.isSafeInteger(params.r) || params.r < 1) problems.push('kdf.params.r: not a positive integer');
  if (!Number.isSafeInteger(params.p) || params.p < 1) problems.push('kdf.params.p: not a positive integer');
  if (problems.length === 0 && 128 * params.N * params.r * params.p > MAX_SCRYPT_MEMORY) problems.push(`kdf.params: N=${params.N} r=${params.r} p=${params.p} needs more than ${MAX_SCRYPT_MEMORY / 1024 / 1024} MiB`);
  const salt = b64(kdf.salt, 'kdf.salt', problems);
  const nonce = b64(cipher.nonce, 'cipher.nonce', problems, 24);
  const ciphertext = b64(raw.ciphertext, 'ciphertext', problems);
  if (ciphertext.length < 17) problems.push('ciphertext: too short');
  if (problems.length > 0) throw new SignatureError('BAD_KEY', `${what}: invalid encrypted key: ${problems.join('; ')}`, { problems });
  return { params, salt, nonce, ciphertext };
}

/**
 * Decrypts a cosign encrypted key (either label) to its PKCS#8 DER bytes. A wrong password and a
 * damaged file look the same to the cipher: both are BAD_PASSWORD.
 */
export async function decryptPrivateKey(pemText: string, password: string, what = 'private key'): Promise<Buffer> {
  const { label, der } = decodePem(pemText, what);
  if (!ENCRYPTED_LABELS.includes(label)) throw new SignatureError('BAD_KEY', `${what}: a ${label} block is not a cosign encrypted key`);
  const { params, salt, nonce, ciphertext } = parseBody(der, what);
  const key = await deriveKey(password, salt, params);
  try {
    return Buffer.from(xsalsa20poly1305(key, nonce).decrypt(ciphertext));
  } catch (e) {
    throw new SignatureError('BAD_PASSWORD', `${what}: cannot decrypt: wrong password, or the key file is damaged`, undefined, e);
  } finally {
    key.fill(0);
  }
}
