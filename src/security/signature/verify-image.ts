import { createHash } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE, type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { parseImageReference } from '../target/reference.js';
import type { SignatureFailureCode } from './errors.js';
import { verifyEntity, type EntityPolicy } from './entity.js';
import { ANNOTATION, type ImageSignatures, type SignatureLayer } from './fetch.js';
import { parsePayload } from './payload.js';
import type { Check, CheckName, SignerInfo, VerificationResult } from './types.js';

export interface ImageCheckOptions {
  /** Annotations the payload's `optional` section must carry with these values. */
  annotations?: Record<string, string>;
  /** The repository the payload must name when the store has none (layouts); registries use their own. */
  repository?: string;
}

const PAYLOAD_STEPS: CheckName[] = ['payload', 'digest', 'repository', 'annotations'];
const KIND_NAME: Record<ImageSignatures['kind'], string> = { registry: 'a registry', oci: 'an OCI layout', 'oci-archive': 'an OCI archive' };

interface LayerOutcome {
  ok: boolean;
  checks: Check[];
  code: SignatureFailureCode | null;
  reason: string | null;
  signer: SignerInfo | null;
}

/** "docker.io/library/nginx" for any spelling of a repository; the text itself when it does not parse. */
function normalizeRepository(name: string): string {
  try {
    return parseImageReference(name).repository;
  } catch {
    return name;
  }
}

function pemBlocks(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** cosign's Rekor bundle annotation (`{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`) as a log entry. */
function rekorEntry(text: string): TransparencyLogEntry {
  const raw = JSON.parse(text) as { SignedEntryTimestamp?: string; Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string } };
  const p = raw.Payload ?? {};
  const body = Buffer.from(p.body ?? '', 'base64');
  const kind = JSON.parse(body.toString('utf8')) as { kind?: string; apiVersion?: string };
  return {
    logIndex: String(p.logIndex ?? 0),
    logId: { keyId: Buffer.from(p.logID ?? '', 'hex') },
    kindVersion: { kind: kind.kind ?? '', version: kind.apiVersion ?? '' },
    integratedTime: String(p.integratedTime ?? 0),
    inclusionPromise: { signedEntryTimestamp: Buffer.from(raw.SignedEntryTimestamp ?? '', 'base64') },
    inclusionProof: undefined,
    canonicalizedBody: body,
  };
}

/** A cosign signature layer in the shape @sigstore/verify checks: a v0.1 message-signature bundle over the payload. */
function layerEntity(layer: SignatureLayer, payload: Buffer, signature: Buffer): SignedEntity {
  const cert = layer.annotations[ANNOTATION.certificate];
  const rekor = layer.annotations[ANNOTATION.bundle];
  const content: Bundle['verificationMaterial']['content'] =
    cert !== undefined && cert !== ''
      ? { $case: 'x509CertificateChain', x509CertificateChain: { certificates: [...pemBlocks(cert), ...pemBlocks(layer.annotations[ANNOTATION.chain] ?? '')].map((rawBytes) => ({ rawBytes })) } }
      : { $case: 'publicKey', publicKey: { hint: layer.annotations[ANNOTATION.keyId] ?? '' } };
  const bundle: Bundle = {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    content: {
      $case: 'messageSignature',
      messageSignature: { messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(payload).digest() }, signature },
    },
    verificationMaterial: { content, tlogEntries: rekor !== undefined && rekor !== '' ? [rekorEntry(rekor)] : [], timestampVerificationData: undefined },
  };
  return toSignedEntity(bundle, payload);
}

const notReached = (names: CheckName[]): Check[] => names.map((name) => ({ name, status: 'skip', detail: 'not reached' }));

/** The outcome of a layer that failed `step` of the payload checks; `checks` holds those before it. */
function fail(checks: Check[], step: CheckName, code: SignatureFailureCode, reason: string): LayerOutcome {
  const after = notReached(PAYLOAD_STEPS.slice(PAYLOAD_STEPS.indexOf(step) + 1));
  return { ok: false, checks: [...checks, { name: step, status: 'fail', detail: reason }, ...after], code, reason, signer: null };
}

function verifyLayer(material: ImageSignatures, layer: SignatureLayer, policy: EntityPolicy, options: ImageCheckOptions): LayerOutcome {
  const present: Check = { name: 'signature-present', status: 'pass', detail: `${material.signatureTag} (${material.layers.length} signature${material.layers.length === 1 ? '' : 's'})` };
  const payload = Buffer.from(layer.payload, 'base64');
  const sig = layer.annotations[ANNOTATION.signature];
  const stop = (reason: string): LayerOutcome => ({
    ok: false,
    checks: [present, { name: 'signature', status: 'fail', detail: reason }, ...notReached(PAYLOAD_STEPS)],
    code: 'SIGNATURE_INVALID',
    reason,
    signer: null,
  });
  if (sig === undefined || sig === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(sig)) return stop(`layer ${layer.digest} has no valid ${ANNOTATION.signature} annotation`);
  let entity: SignedEntity;
  try {
    entity = layerEntity(layer, payload, Buffer.from(sig, 'base64'));
  } catch (e) {
    return stop(`layer ${layer.digest}: unreadable certificate or transparency-log annotation (${(e as Error).message})`);
  }
  const outcome = verifyEntity(entity, policy, layer.annotations[ANNOTATION.keyId]);
  const checks = [present, ...outcome.checks];
  if (!outcome.ok) return { ok: false, checks: [...checks, ...notReached(PAYLOAD_STEPS)], code: outcome.code, reason: outcome.reason, signer: null };

  let parsed;
  try {
    parsed = parsePayload(payload);
  } catch (e) {
    return fail(checks, 'payload', 'PAYLOAD_INVALID', (e as Error).message);
  }
  checks.push({ name: 'payload', status: 'pass', detail: 'cosign container image signature' });
  if (parsed.digest !== material.digest) {
    return fail(checks, 'digest', 'DIGEST_MISMATCH', `signature is for ${parsed.digest}, the image is ${material.digest}`);
  }
  checks.push({ name: 'digest', status: 'pass', detail: material.digest });
  const expected = options.repository ?? material.repository;
  if (expected === null) {
    checks.push({ name: 'repository', status: 'skip', detail: `payload names ${parsed.dockerReference}; ${KIND_NAME[material.kind]} has no repository to compare (give --repository)` });
  } else if (normalizeRepository(parsed.dockerReference) !== normalizeRepository(expected)) {
    return fail(checks, 'repository', 'REPOSITORY_MISMATCH', `signature was made for ${parsed.dockerReference}, not ${expected}`);
  } else {
    checks.push({ name: 'repository', status: 'pass', detail: parsed.dockerReference });
  }
  const wanted = Object.entries(options.annotations ?? {});
  const wrong = wanted.filter(([k, v]) => parsed.optional[k] === undefined || String(parsed.optional[k]) !== v);
  if (wrong.length > 0) {
    const got = wrong.map(([k, v]) => `${k}=${v} (found ${parsed.optional[k] === undefined ? 'nothing' : String(parsed.optional[k])})`);
    return fail(checks, 'annotations', 'ANNOTATION_MISMATCH', `required annotation${wrong.length === 1 ? '' : 's'} not signed: ${got.join(', ')}`);
  }
  checks.push({ name: 'annotations', status: wanted.length === 0 ? 'skip' : 'pass', detail: wanted.length === 0 ? 'none required' : wanted.map(([k, v]) => `${k}=${v}`).join(', ') });
  return { ok: true, checks, code: null, reason: null, signer: outcome.signer };
}

const passed = (o: LayerOutcome): number => o.checks.filter((c) => c.status === 'pass').length;

/**
 * The verify stage for cosign image signatures: a pure function of the fetched signatures and the
 * policy. The image is verified when one signature passes every check; otherwise the result
 * reports the signature that got furthest, with the code of the check it failed.
 *
 * @example
 * const material = await fetchImageSignatures('127.0.0.1:5000/app:1');
 * const result = verifyImageSignatures(material, buildEntityPolicy({ keys: [{ pem, source: 'cosign.pub' }], now: new Date() }));
 */
export function verifyImageSignatures(material: ImageSignatures, policy: EntityPolicy, options: ImageCheckOptions = {}): VerificationResult {
  const base = { subject: material.target, digest: material.digest, signatures: material.layers.length };
  if (material.layers.length === 0) {
    const reason = `${material.target} (${material.digest}) is not signed: no ${material.signatureTag} signature manifest${material.manifestDigest !== null ? ' layers' : ''}`;
    return { ...base, verified: false, code: 'SIGNATURE_MISSING', reason, checks: [{ name: 'signature-present', status: 'fail', detail: reason }], signer: null };
  }
  const outcomes = material.layers.map((layer) => verifyLayer(material, layer, policy, options));
  const good = outcomes.find((o) => o.ok);
  if (good !== undefined) return { ...base, verified: true, code: null, reason: null, checks: good.checks, signer: good.signer };
  const best = outcomes.reduce((a, b) => (passed(b) > passed(a) ? b : a));
  return { ...base, verified: false, code: best.code, reason: best.reason, checks: best.checks, signer: null };
}
