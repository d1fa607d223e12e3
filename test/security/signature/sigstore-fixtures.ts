import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { Signer, Witness } from '@sigstore/sign';

/**
 * A private Sigstore made for tests, with nothing on the network: a certificate authority that
 * issues Fulcio-style certificates (SAN, OIDC-issuer extension, an embedded SCT from a test CT
 * log), a transparency log that returns entries with a signed entry timestamp and an inclusion
 * proof under a signed checkpoint, and the trusted_root.json that trusts all three.
 */

// --- DER, just enough for X.509 ---
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octet = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const ctx = (n: number, body: Buffer, constructed = true): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, body);
function int(n: number | Buffer): Buffer {
  let b = typeof n === 'number' ? Buffer.from(n.toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'), 'hex') : n;
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${s.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${s}Z`));
}
const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.10'), utf8('churn-test'))), set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, value: Buffer, critical = false): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octet(value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export const OID = {
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
  sct: '1.3.6.1.4.1.11129.2.4.2',
};

const spki = (key: KeyObject): Buffer => (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
const keyIdOf = (key: KeyObject): Buffer => createHash('sha256').update(spki(key)).digest();
const b64 = (b: Buffer): string => b.toString('base64');

export interface CertSpec {
  subject: string;
  serial: number;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  issuer: { name: string; key: KeyObject; keyId: Buffer };
  ca?: boolean;
  email?: string;
  oidcIssuer?: string;
  /** Adds an embedded SCT from this CT log, signed over the certificate without it. */
  ct?: { key: KeyObject; issuerSpki: Buffer; at: Date };
}

function tbs(spec: CertSpec, extensions: Buffer[]): Buffer {
  return seq(ctx(0, int(2)), int(spec.serial), ECDSA_SHA256, name(spec.issuer.name), seq(time(spec.notBefore), time(spec.notAfter)), name(spec.subject), spki(spec.publicKey), ctx(3, seq(...extensions)));
}

/** An SCT list extension value (RFC 6962 3.3): one SCT over the precertificate's TBS and issuer key hash. */
function sctExtension(ct: NonNullable<CertSpec['ct']>, precertTbs: Buffer): Buffer {
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(ct.at.getTime()));
  const tbsLen = Buffer.alloc(3);
  tbsLen.writeUIntBE(precertTbs.length, 0, 3);
  const signed = Buffer.concat([Buffer.from([0, 0]), timestamp, Buffer.from([0, 1]), createHash('sha256').update(ct.issuerSpki).digest(), tbsLen, precertTbs, Buffer.from([0, 0])]);
  const signature = sign('sha256', signed, ct.key);
  const sigLen = Buffer.alloc(2);
  sigLen.writeUInt16BE(signature.length);
  const sct = Buffer.concat([Buffer.from([0]), keyIdOf(ct.key), timestamp, Buffer.from([0, 0]), Buffer.from([4, 3]), sigLen, signature]);
  const item = Buffer.concat([Buffer.from([sct.length >> 8, sct.length & 0xff]), sct]);
  const list = Buffer.concat([Buffer.from([item.length >> 8, item.length & 0xff]), item]);
  return octet(list);
}

/** A DER X.509 v3 certificate signed with ECDSA P-256 / SHA-256. */
export function makeCertificate(spec: CertSpec): Buffer {
  const extensions: Buffer[] = [];
  if (spec.ca) {
    extensions.push(ext('2.5.29.19', seq(bool(true)), true), ext('2.5.29.15', bits(Buffer.from([0x06]), 1), true), ext('2.5.29.14', octet(keyIdOf(spec.publicKey).subarray(0, 20))));
  } else {
    extensions.push(ext('2.5.29.15', bits(Buffer.from([0x80]), 7), true), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.3'))));
    extensions.push(ext('2.5.29.35', seq(ctx(0, spec.issuer.keyId.subarray(0, 20), false))));
    if (spec.email !== undefined) extensions.push(ext('2.5.29.17', seq(tlv(0x81, Buffer.from(spec.email))), true));
    if (spec.oidcIssuer !== undefined) extensions.push(ext(OID.fulcioIssuerV2, utf8(spec.oidcIssuer)));
  }
  if (spec.ct !== undefined) extensions.push(ext(OID.sct, sctExtension(spec.ct, tbs(spec, extensions))));
  const body = tbs(spec, extensions);
  return seq(body, ECDSA_SHA256, bits(sign('sha256', body, spec.issuer.key)));
}

export const toPem = (der: Buffer, label = 'CERTIFICATE'): string => `-----BEGIN ${label}-----\n${b64(der).match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

export interface TestSigstore {
  ca: { cert: Buffer; key: KeyObject; name: string };
  ctKey: KeyObject;
  rekorKey: KeyObject;
  /** trusted_root.json trusting the CA, the CT log and the transparency log. */
  trustedRoot: Record<string, unknown>;
  /** A Fulcio-style certificate for a fresh key. */
  issue(options: { email: string; oidcIssuer: string; notBefore?: Date; notAfter?: Date; sct?: boolean }): { key: KeyObject; cert: Buffer; pem: string };
}

const REKOR_URL = 'https://rekor.churn-test.local';
export const OIDC_ISSUER = 'https://oidc.churn-test.local';

export function createTestSigstore(now = new Date()): TestSigstore {
  const caPair = ecKey();
  const ctPair = ecKey();
  const rekorPair = ecKey();
  const caName = 'churn test fulcio';
  const start = new Date(now.getTime() - 3600_000);
  const caCert = makeCertificate({
    subject: caName,
    serial: 1,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    publicKey: caPair.publicKey,
    issuer: { name: caName, key: caPair.privateKey, keyId: keyIdOf(caPair.publicKey) },
    ca: true,
  });
  const log = (key: KeyObject, baseUrl: string) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(spki(key)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: new Date(now.getTime() - 86_400_000).toISOString() } },
    logId: { keyId: b64(keyIdOf(key)) },
  });
  let serial = 100;
  return {
    ca: { cert: caCert, key: caPair.privateKey, name: caName },
    ctKey: ctPair.privateKey,
    rekorKey: rekorPair.privateKey,
    trustedRoot: {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [log(rekorPair.publicKey, REKOR_URL)],
      certificateAuthorities: [
        { subject: { organization: 'churn-test', commonName: caName }, uri: 'https://fulcio.churn-test.local', certChain: { certificates: [{ rawBytes: b64(caCert) }] }, validFor: { start: start.toISOString() } },
      ],
      ctlogs: [log(ctPair.publicKey, 'https://ctfe.churn-test.local')],
      timestampAuthorities: [],
    },
    issue({ email, oidcIssuer, notBefore = new Date(now.getTime() - 60_000), notAfter = new Date(now.getTime() + 600_000), sct = true }) {
      const pair = ecKey();
      const cert = makeCertificate({
        subject: '',
        serial: ++serial,
        notBefore,
        notAfter,
        publicKey: pair.publicKey,
        issuer: { name: caName, key: caPair.privateKey, keyId: keyIdOf(caPair.publicKey) },
        email,
        oidcIssuer,
        ...(sct ? { ct: { key: ctPair.privateKey, issuerSpki: spki(caPair.publicKey), at: notBefore } } : {}),
      });
      return { key: pair.privateKey, cert, pem: toPem(cert) };
    },
  };
}

// --- transparency log ---
const leafHash = (b: Buffer): Buffer => createHash('sha256').update(Buffer.concat([Buffer.from([0]), b])).digest();
const nodeHash = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.concat([Buffer.from([1]), l, r])).digest();

/** Canonical JSON (RFC 8785 for these simple values: sorted keys, no spaces). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A transparency log as a @sigstore/sign witness: each signature becomes a hashedrekord (or dsse)
 * entry at index 1 of a two-leaf tree, with a signed entry timestamp and an inclusion proof under
 * a checkpoint signed by the log key.
 */
export function localRekor(key: KeyObject, integratedTime: Date): Witness {
  const logId = keyIdOf(createPublicKey(key));
  return {
    async testify(content, signerPem) {
      const verifier = Buffer.from(signerPem).toString('base64');
      let body: Record<string, unknown>;
      if (content.$case === 'messageSignature') {
        const m = content.messageSignature;
        body = {
          apiVersion: '0.0.1',
          kind: 'hashedrekord',
          spec: { data: { hash: { algorithm: 'sha256', value: Buffer.from(m.messageDigest?.digest ?? []).toString('hex') } }, signature: { content: b64(m.signature), publicKey: { content: verifier } } },
        };
      } else {
        const env = content.dsseEnvelope;
        body = {
          apiVersion: '0.0.1',
          kind: 'dsse',
          spec: {
            payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(env.payload).digest('hex') },
            signatures: [{ signature: b64(env.signatures[0].sig), verifier }],
          },
        };
      }
      const canonicalizedBody = Buffer.from(canonical(body));
      const seconds = Math.floor(integratedTime.getTime() / 1000);
      const promise = canonical({ body: b64(canonicalizedBody), integratedTime: seconds, logIndex: 1, logID: logId.toString('hex') });
      const other = leafHash(Buffer.from('another entry'));
      const root = nodeHash(other, leafHash(canonicalizedBody));
      const origin = 'rekor.churn-test.local - 1';
      const note = `${origin}\n2\n${b64(root)}\n`;
      const noteSig = Buffer.concat([logId.subarray(0, 4), sign('sha256', Buffer.from(note), key)]);
      const entry = {
        logIndex: '1',
        logId: { keyId: logId },
        kindVersion: { kind: body.kind as string, version: '0.0.1' },
        integratedTime: String(seconds),
        inclusionPromise: { signedEntryTimestamp: sign('sha256', Buffer.from(promise), key) },
        inclusionProof: { logIndex: '1', rootHash: root, treeSize: '2', hashes: [other], checkpoint: { envelope: `${note}\n\u2014 rekor.churn-test.local ${b64(noteSig)}\n` } },
        canonicalizedBody,
      } as TransparencyLogEntry;
      return { tlogEntries: [entry] };
    },
  };
}

/** A @sigstore/sign signer for a local key: key-based (public key and hint) or keyless (certificate). */
export function localSigner(privateKey: KeyObject, material: { publicKeyPem: string; hint?: string } | { certificatePem: string }): Signer {
  return {
    async sign(data) {
      const signature = sign('sha256', data, privateKey);
      return 'certificatePem' in material
        ? { signature, key: { $case: 'x509Certificate', certificate: material.certificatePem } }
        : { signature, key: { $case: 'publicKey', publicKey: material.publicKeyPem, hint: material.hint } };
    },
  };
}
