import { readFile } from 'node:fs/promises';
import { TargetError } from '../target/errors.js';
import { parseTarget, type ImageReference } from '../target/reference.js';
import { SignatureError } from './errors.js';
import { fetchImageSignatures, type ImageSignatures } from './fetch.js';
import { compareSignatureFindings, signatureFinding } from './findings.js';
import { buildEntityPolicy } from './policy.js';
import type { StoreOptions } from './store.js';
import type { IdentityPolicy, SignatureFinding, SignatureRequirement, SignatureScanOptions, TrustedKey } from './types.js';
import { verifyImageSignatures } from './verify-image.js';

/** `*` matches any run of characters, slashes included; the rest is literal; the whole name must match. */
export function imagePatternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** The names a policy pattern may use for an image: "127.0.0.1:5000/team/app", "docker.io/library/nginx", "nginx". */
function namesOf(ref: ImageReference): string[] {
  return [...new Set([ref.repository, ref.familiar, `${ref.domain === 'docker.io' ? 'index.docker.io' : ref.domain}/${ref.path}`])];
}

/** Whether an image's registry (or registry/namespace prefix) is on the allow-list. */
export function registryTrusted(ref: ImageReference, trusted: readonly string[]): boolean {
  const repo = ref.repository;
  return trusted.some((entry) => {
    const e = entry.replace(/\/+$/, '').replace(/^(index|registry-1)\.docker\.io(?=\/|$)/, 'docker.io');
    return repo === e || repo.startsWith(`${e}/`);
  });
}

async function readKey(path: string): Promise<TrustedKey> {
  try {
    return { pem: await readFile(path, 'utf8'), source: path };
  } catch (e) {
    throw new SignatureError('BAD_KEY', `cannot read public key ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path }, e);
  }
}

async function readRoot(path: string | undefined): Promise<{ json: unknown; source: string } | null> {
  if (path === undefined) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SignatureError('BAD_TRUSTED_ROOT', `cannot read trusted root ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path }, e);
  }
  try {
    return { json: JSON.parse(text) as unknown, source: path };
  } catch (e) {
    throw new SignatureError('BAD_TRUSTED_ROOT', `trusted root ${path} is not JSON`, { path }, e);
  }
}

interface Requirement {
  label: string[] | null;
  keys: string[];
  identities: IdentityPolicy[];
  trustedRoot?: string;
  annotations: Record<string, string>;
}

function applicable(options: SignatureScanOptions, names: string[]): Requirement[] {
  const out: Requirement[] = [];
  const identity = options.identity && (options.identity.subject || options.identity.subjectRegExp || options.identity.issuer) ? [options.identity] : [];
  if ((options.keys?.length ?? 0) > 0 || identity.length > 0) {
    out.push({ label: null, keys: options.keys ?? [], identities: identity, trustedRoot: options.trustedRoot, annotations: options.annotations ?? {} });
  }
  for (const r of options.requirements ?? ([] as SignatureRequirement[])) {
    if (!r.images.some((p) => names.some((n) => imagePatternMatches(p, n)))) continue;
    out.push({ label: r.images, keys: r.keys ?? [], identities: r.identities ?? [], trustedRoot: r.trustedRoot ?? options.trustedRoot, annotations: { ...options.annotations, ...r.annotations } });
  }
  return out;
}

/**
 * The `signature` scanner of security-scan: for a registry image or OCI layout, whether it comes
 * from a trusted registry and carries the signatures the policy requires (explicit --key flags,
 * and the requirements whose image patterns match). A requirement that is not met is a HIGH or
 * CRITICAL finding; with none, the signature status is reported as an UNKNOWN-severity note that
 * never fails the gate. Folders and docker-archive tars carry no signatures and get no finding
 * unless a key was asked for explicitly.
 */
export async function scanSignatures(target: string, options: SignatureScanOptions, store: StoreOptions = {}, now = new Date()): Promise<SignatureFinding[]> {
  const spec = parseTarget(target);
  const findings: SignatureFinding[] = [];
  const ref = spec.kind === 'registry' || spec.kind === 'image' ? spec.ref : null;
  if (ref !== null && options.trustedRegistries !== undefined && options.trustedRegistries !== null && !registryTrusted(ref, options.trustedRegistries)) {
    findings.push(
      signatureFinding('UNTRUSTED_REGISTRY', {
        message: `${ref.domain} is not a trusted registry for ${ref.repository} (trusted: ${options.trustedRegistries.join(', ') || 'none'})`,
        target,
        digest: null,
        requirement: null,
        checks: [{ name: 'registry', status: 'fail', detail: `${ref.repository} is outside ${options.trustedRegistries.join(', ') || 'the (empty) list'}` }],
      }),
    );
  }
  const names = ref !== null ? namesOf(ref) : [target];
  const requirements = applicable(options, names);
  if (spec.kind !== 'registry' && spec.kind !== 'image' && spec.kind !== 'oci' && spec.kind !== 'oci-archive') {
    if (requirements.length > 0) {
      const message = `${target}: a ${spec.kind} target cannot carry cosign signatures; sign and scan the image in a registry or an OCI layout`;
      findings.push(signatureFinding('SIGNATURE_MISSING', { message, target, digest: null, requirement: requirements[0].label, checks: [{ name: 'signature-present', status: 'fail', detail: message }] }));
    }
    return findings.sort(compareSignatureFindings);
  }
  let material: ImageSignatures;
  try {
    material = await fetchImageSignatures(target, store);
  } catch (e) {
    // A registry that cannot be read fails closed when a signature is required, and is only noted otherwise.
    if (!(e instanceof TargetError) || !['NOT_FOUND', 'UNAUTHORIZED', 'REGISTRY_ERROR'].includes(e.code)) throw e;
    const message = `signatures of ${target} could not be read: ${e.message}`;
    const checks = [{ name: 'signature-present' as const, status: 'fail' as const, detail: message }];
    if (requirements.length === 0) findings.push(signatureFinding('UNSIGNED', { message, target, digest: null, requirement: null, checks }));
    for (const r of requirements) findings.push(signatureFinding('SIGNATURE_MISSING', { message, target, digest: null, requirement: r.label, checks }));
    return findings.sort(compareSignatureFindings);
  }
  for (const r of requirements) {
    const policy = buildEntityPolicy({
      keys: await Promise.all(r.keys.map(readKey)),
      identities: r.identities,
      trustedRoot: await readRoot(r.trustedRoot),
      now,
    });
    const result = verifyImageSignatures(material, policy, { annotations: r.annotations });
    if (!result.verified && result.code !== null) {
      findings.push(signatureFinding(result.code, { message: result.reason ?? result.code, target, digest: material.digest, requirement: r.label, checks: result.checks }));
    }
  }
  if (!findings.some((f) => f.code !== 'UNTRUSTED_REGISTRY')) {
    const n = material.layers.length;
    const verified = requirements.length > 0;
    const message = verified
      ? `signature verified (${requirements.length} requirement${requirements.length === 1 ? '' : 's'} met)`
      : n > 0
        ? `${n} signature${n === 1 ? '' : 's'} at ${material.signatureTag} (not verified: no key or identity required for this image)`
        : `no signature at ${material.signatureTag}`;
    findings.push(signatureFinding(n > 0 ? 'SIGNED' : 'UNSIGNED', { message, target, digest: material.digest, requirement: null, checks: [] }));
  }
  return findings.sort(compareSignatureFindings);
}
