import { createHash } from 'node:crypto';
import { ValidationError, bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { sha256 } from '../target/blob.js';
import { SignatureError } from './errors.js';
import { verifyEntity, type EntityPolicy } from './entity.js';
import type { Check, VerificationResult } from './types.js';

const IN_TOTO = 'application/vnd.in-toto+json';
const HASHES: Partial<Record<HashAlgorithm, string>> = { [HashAlgorithm.SHA2_256]: 'sha256', [HashAlgorithm.SHA2_384]: 'sha384', [HashAlgorithm.SHA2_512]: 'sha512' };

/**
 * A Sigstore bundle (v0.1, v0.2, v0.3 JSON) validated by @sigstore/bundle; every missing field
 * is named in one BAD_BUNDLE error.
 */
export function parseBundle(raw: unknown, what: string): Bundle {
  try {
    return bundleFromJSON(raw);
  } catch (e) {
    if (e instanceof ValidationError) throw new SignatureError('BAD_BUNDLE', `${what} is not a valid Sigstore bundle: ${e.fields.join(', ')}`, { fields: e.fields });
    throw new SignatureError('BAD_BUNDLE', `${what} is not a valid Sigstore bundle: ${(e as Error).message}`, undefined, e);
  }
}

/** Whether the bundle is about this artifact: its message digest, or the DSSE statement's subjects. */
function artifactCheck(bundle: Bundle, artifact: Buffer, sha256Hex: string): Check {
  if (bundle.content.$case === 'messageSignature') {
    const { algorithm, digest } = bundle.content.messageSignature.messageDigest;
    const name = HASHES[algorithm] ?? 'sha256';
    const actual = createHash(name).update(artifact).digest();
    return actual.equals(digest)
      ? { name: 'artifact', status: 'pass', detail: `${name}:${actual.toString('hex')}` }
      : { name: 'artifact', status: 'fail', detail: `bundle signs ${name}:${Buffer.from(digest).toString('hex')}, the file is ${name}:${actual.toString('hex')}` };
  }
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType === IN_TOTO) {
    let subjects: { name?: string; digest?: Record<string, string> }[] = [];
    try {
      subjects = (JSON.parse(env.payload.toString('utf8')) as { subject?: typeof subjects }).subject ?? [];
    } catch {
      return { name: 'artifact', status: 'fail', detail: 'the envelope payload is not an in-toto statement' };
    }
    const hit = subjects.find((s) => s.digest?.sha256?.toLowerCase() === sha256Hex);
    return hit !== undefined
      ? { name: 'artifact', status: 'pass', detail: `in-toto subject ${hit.name ?? ''} sha256:${sha256Hex}`.replace('  ', ' ') }
      : { name: 'artifact', status: 'fail', detail: `no in-toto subject has sha256:${sha256Hex}` };
  }
  return env.payload.equals(artifact)
    ? { name: 'artifact', status: 'pass', detail: `envelope payload (${env.payloadType}) is the file` }
    : { name: 'artifact', status: 'fail', detail: `envelope payload (${env.payloadType}) is not the file` };
}

/**
 * Verifies a file against a Sigstore bundle (what `cosign verify-blob --bundle` does): the bundle
 * is about this file, then @sigstore/verify's checks and the identity policy. Pure.
 */
export function verifyBundle(bundle: Bundle, artifact: Buffer, policy: EntityPolicy, subject: string): VerificationResult {
  const digest = sha256(artifact);
  const base = { subject, digest, signatures: 1 };
  const about = artifactCheck(bundle, artifact, digest.slice('sha256:'.length));
  if (about.status === 'fail') return { ...base, verified: false, code: 'ARTIFACT_MISMATCH', reason: about.detail, checks: [about], signer: null };
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (e) {
    throw new SignatureError('BAD_BUNDLE', `bundle cannot be read: ${(e as Error).message}`, undefined, e);
  }
  const material = bundle.verificationMaterial.content;
  const hint = material.$case === 'publicKey' ? material.publicKey.hint : undefined;
  const outcome = verifyEntity(entity, policy, hint);
  const checks = [about, ...outcome.checks];
  return outcome.ok
    ? { ...base, verified: true, code: null, reason: null, checks, signer: outcome.signer }
    : { ...base, verified: false, code: outcome.code, reason: outcome.reason, checks, signer: null };
}
