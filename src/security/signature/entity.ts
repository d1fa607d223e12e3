import type { KeyObject } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { PolicyError, VerificationError, Verifier, toTrustMaterial, type SignedEntity, type Signer } from '@sigstore/verify';
import type { SignatureFailureCode } from './errors.js';
import { SignatureError } from './errors.js';
import { identityMismatch } from './identity.js';
import type { TrustedRoot } from './trusted-root.js';
import type { Check, CheckName, IdentityPolicy, SignerInfo } from './types.js';

/** How a transparency-log entry is treated: cosign's default, `--require-tlog`, `--insecure-ignore-tlog`. */
export type TlogPolicy = 'required' | 'optional' | 'ignore';

export interface VerifyKey {
  key: KeyObject;
  /** `sha256:<hex>` of the SPKI. */
  id: string;
  source: string;
}

/** Everything a signed entity is checked against; built once per verification, reused per signature. */
export interface EntityPolicy {
  root: TrustedRoot;
  /** Whether `root` came from the user (an empty root verifies no log and no certificate). */
  rootGiven: boolean;
  keys: VerifyKey[];
  identities: IdentityPolicy[];
  /** Default: required for keyless signatures, optional for key-based ones. */
  tlog?: TlogPolicy;
  /** Require an SCT in keyless certificates (cosign's default; `--insecure-ignore-sct` turns it off). */
  sct: boolean;
  /** The time a certificate is checked at when nothing in the entity timestamps the signature. */
  now: Date;
}

export type EntityOutcome =
  | { ok: true; checks: Check[]; signer: SignerInfo }
  | { ok: false; checks: Check[]; code: SignatureFailureCode; reason: string; step: CheckName };

interface Failure {
  step: CheckName;
  code: SignatureFailureCode;
  reason: string;
}

const KEY_STEPS: CheckName[] = ['timestamps', 'tlog', 'signature'];
const CERT_STEPS: CheckName[] = ['timestamps', 'certificate', 'sct', 'tlog', 'signature', 'identity'];

function timestampsOf(entity: SignedEntity): Date[] {
  return entity.timestamps.map((t) => (t.$case === 'transparency-log' ? new Date(Number(t.tlogEntry.integratedTime) * 1000) : t.timestamp.signingTime));
}

/** What a @sigstore/verify error means for us: the step it stopped at and our code for it. */
function classify(e: unknown, entity: SignedEntity, at: Date[]): Failure {
  if (e instanceof PolicyError) return { step: 'identity', code: 'IDENTITY_MISMATCH', reason: e.message };
  if (!(e instanceof VerificationError)) return { step: 'signature', code: 'SIGNATURE_INVALID', reason: `signature could not be verified: ${(e as Error).message}` };
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  switch (e.code) {
    case 'TIMESTAMP_ERROR':
      return e.message.startsWith('expected')
        ? { step: 'timestamps', code: 'TLOG_MISSING', reason: `no verified timestamp (transparency-log inclusion promise or RFC 3161 timestamp): ${e.message}` }
        : { step: 'timestamps', code: 'TIMESTAMP_INVALID', reason: `signed timestamp does not verify: ${e.message}${cause}` };
    case 'CERTIFICATE_ERROR': {
      if (/SCT/.test(e.message)) return { step: 'sct', code: 'SCT_INVALID', reason: `certificate transparency: ${e.message}` };
      const leaf = entity.key.$case === 'certificate' ? entity.key.certificate : null;
      const outside = leaf === null ? undefined : at.find((t) => !leaf.validForDate(t));
      if (leaf !== null && outside !== undefined) {
        return {
          step: 'certificate',
          code: 'CERTIFICATE_EXPIRED',
          reason: `certificate was valid from ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}, not at ${outside.toISOString()}`,
        };
      }
      return { step: 'certificate', code: 'CERTIFICATE_UNTRUSTED', reason: `certificate does not chain to the trusted root: ${e.message}${cause}` };
    }
    case 'PUBLIC_KEY_ERROR':
      return { step: 'signature', code: 'UNTRUSTED_KEY', reason: e.message };
    case 'TLOG_ERROR':
      return { step: 'tlog', code: 'TLOG_MISSING', reason: `transparency log: ${e.message}` };
    case 'TLOG_BODY_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return { step: 'tlog', code: 'TLOG_INVALID', reason: `transparency-log entry does not verify: ${e.message}` };
    default:
      return { step: 'signature', code: 'SIGNATURE_INVALID', reason: e.message };
  }
}

/** The checks of one run: passed up to the failed step, skipped after it. */
function checklist(steps: CheckName[], details: Partial<Record<CheckName, Check>>, failure: Failure | null): Check[] {
  const at = failure === null ? steps.length : steps.indexOf(failure.step);
  return steps.map((name, i) => {
    if (i < at) return details[name] ?? { name, status: 'pass', detail: 'ok' };
    if (i === at && failure !== null) return { name, status: 'fail', detail: failure.reason };
    return { name, status: 'skip', detail: 'not reached' };
  });
}

/**
 * @sigstore/verify checks a certificate only at the entity's timestamps; with none (transparency
 * log ignored, no TSA) it would skip the chain. The verification time stands in, as cosign does.
 */
function atVerificationTime(now: Date): SignedEntity['timestamps'][number] {
  const entry = { integratedTime: String(Math.floor(now.getTime() / 1000)), inclusionPromise: { signedEntryTimestamp: Buffer.alloc(0) }, logId: { keyId: Buffer.from('verification-time') } };
  return { $case: 'transparency-log', tlogEntry: entry as unknown as TransparencyLogEntry };
}

function run(entity: SignedEntity, policy: EntityPolicy, key: VerifyKey | null, mode: TlogPolicy): { signer: Signer } | { failure: Failure } {
  const keyFinder = () => {
    if (key === null) throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: 'no trusted key given' });
    return { publicKey: key.key, validFor: () => true };
  };
  let trust;
  try {
    trust = toTrustMaterial(policy.root, keyFinder);
  } catch (e) {
    throw new SignatureError('BAD_TRUSTED_ROOT', `trusted root cannot be used: ${(e as Error).message}`, undefined, e);
  }
  const cert = entity.key.$case === 'certificate';
  const verifier = new Verifier(trust, {
    tlogThreshold: mode === 'required' ? 1 : 0,
    timestampThreshold: cert && mode === 'required' ? 1 : 0,
    ctlogThreshold: cert && policy.sct ? 1 : 0,
  });
  try {
    return { signer: verifier.verify(entity) };
  } catch (e) {
    return { failure: classify(e, entity, timestampsOf(entity)) };
  }
}

/** A key hint names a trusted key when it is its id in any of the usual spellings. */
function hintMatches(hint: string, key: VerifyKey): boolean {
  const hex = key.id.slice(7);
  return hint === key.id || hint === hex || hint === Buffer.from(hex, 'hex').toString('base64');
}

/**
 * Verifies one signed entity (a bundle, or a cosign signature layer turned into one) with
 * @sigstore/verify and the policy: timestamps, certificate chain and SCT (keyless), transparency
 * log, signature, identity. Pure: everything it needs is in its arguments.
 */
export function verifyEntity(entity0: SignedEntity, policy: EntityPolicy, hint?: string): EntityOutcome {
  const cert = entity0.key.$case === 'certificate';
  const mode: TlogPolicy = policy.tlog ?? (cert ? 'required' : 'optional');
  const dropTlog = mode === 'ignore' || (mode === 'optional' && !policy.rootGiven);
  let entity = dropTlog ? { ...entity0, tlogEntries: [], timestamps: entity0.timestamps.filter((t) => t.$case !== 'transparency-log') } : entity0;
  const details: Partial<Record<CheckName, Check>> = {};
  const tlogCount = entity.tlogEntries.length;
  details.tlog =
    tlogCount > 0
      ? { name: 'tlog', status: 'pass', detail: `${tlogCount} transparency-log entr${tlogCount === 1 ? 'y' : 'ies'} verified against the trusted root` }
      : { name: 'tlog', status: 'skip', detail: entity0.tlogEntries.length > 0 ? `entries not verified (${mode === 'ignore' ? '--insecure-ignore-tlog' : 'no --trusted-root'})` : 'no transparency-log entry (not required)' };
  const verifiedAt = timestampsOf(entity);
  details.timestamps =
    entity.timestamps.length > 0
      ? { name: 'timestamps', status: 'pass', detail: `signed at ${verifiedAt.map((t) => t.toISOString()).join(', ')}` }
      : { name: 'timestamps', status: 'skip', detail: cert ? `none; certificate checked at ${policy.now.toISOString()}` : 'none (not required for key-based signatures)' };
  if (cert && entity.timestamps.length === 0 && mode !== 'required') entity = { ...entity, timestamps: [atVerificationTime(policy.now)] };

  if (cert) {
    if (policy.identities.length === 0) {
      const failure: Failure = { step: 'certificate', code: 'UNTRUSTED_KEY', reason: 'signed with a certificate (keyless); verifying it needs --certificate-identity, --certificate-oidc-issuer and --trusted-root' };
      return { ok: false, checks: checklist(CERT_STEPS, details, failure), ...failure };
    }
    const leaf: X509Certificate | null = entity.key.$case === 'certificate' ? entity.key.certificate : null;
    details.certificate = { name: 'certificate', status: 'pass', detail: `chains to the trusted root; valid ${leaf?.notBefore.toISOString()} to ${leaf?.notAfter.toISOString()}` };
    details.sct = policy.sct ? { name: 'sct', status: 'pass', detail: 'certificate-transparency timestamp verified' } : { name: 'sct', status: 'skip', detail: 'not required (--insecure-ignore-sct)' };
    const result = run(entity, policy, null, mode);
    if ('failure' in result) return { ok: false, checks: checklist(CERT_STEPS, details, result.failure), ...result.failure };
    const subject = result.signer.identity?.subjectAlternativeName;
    const issuer = result.signer.identity?.extensions?.issuer;
    details.signature = { name: 'signature', status: 'pass', detail: 'verifies with the certificate key' };
    const mismatch = identityMismatch(policy.identities, subject, issuer);
    if (mismatch !== null) {
      const failure: Failure = { step: 'identity', code: 'IDENTITY_MISMATCH', reason: mismatch };
      return { ok: false, checks: checklist(CERT_STEPS, details, failure), ...failure };
    }
    details.identity = { name: 'identity', status: 'pass', detail: `${subject ?? '?'} issued by ${issuer ?? '?'}` };
    return { ok: true, checks: checklist(CERT_STEPS, details, null), signer: { subject, issuer } };
  }

  if (policy.keys.length === 0) {
    const failure: Failure = { step: 'signature', code: 'UNTRUSTED_KEY', reason: 'signed with a public key; verifying it needs --key' };
    return { ok: false, checks: checklist(KEY_STEPS, details, failure), ...failure };
  }
  let last: Failure | null = null;
  for (const key of policy.keys) {
    const result = run(entity, policy, key, mode);
    if ('signer' in result) {
      details.signature = { name: 'signature', status: 'pass', detail: `verifies with ${key.source} (${key.id})` };
      return { ok: true, checks: checklist(KEY_STEPS, details, null), signer: { keyId: key.id, keyPath: key.source } };
    }
    last = result.failure;
    if (last.step !== 'signature') break;
  }
  let failure = last as Failure;
  if (failure.step === 'signature' && failure.code === 'SIGNATURE_INVALID') {
    const names = policy.keys.map((k) => k.source).join(', ');
    failure =
      hint !== undefined && hint !== '' && !policy.keys.some((k) => hintMatches(hint, k))
        ? { step: 'signature', code: 'UNTRUSTED_KEY', reason: `signed by key ${hint}, which is not among the trusted keys (${names})` }
        : { step: 'signature', code: 'SIGNATURE_INVALID', reason: `signature does not verify with ${names}: the payload or the signature was altered, or another key signed it` };
  }
  return { ok: false, checks: checklist(KEY_STEPS, details, failure), ...failure };
}
