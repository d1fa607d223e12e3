import { SignatureError } from './errors.js';
import type { IdentityPolicy } from './types.js';

/** Rejects an identity policy cosign would reject: an issuer and a subject (exact or pattern) are both needed. */
export function checkIdentityPolicy(p: IdentityPolicy, what: string): void {
  if (p.issuer === undefined || p.issuer === '') throw new SignatureError('BAD_POLICY', `${what}: keyless verification needs an OIDC issuer (--certificate-oidc-issuer)`);
  if ((p.subject ?? '') === '' && (p.subjectRegExp ?? '') === '') {
    throw new SignatureError('BAD_POLICY', `${what}: keyless verification needs --certificate-identity or --certificate-identity-regexp`);
  }
  if (p.subjectRegExp !== undefined) {
    try {
      new RegExp(p.subjectRegExp);
    } catch (e) {
      throw new SignatureError('BAD_POLICY', `${what}: --certificate-identity-regexp is not a valid regular expression: ${(e as Error).message}`);
    }
  }
}

/**
 * Null when one of the identities accepts the certificate's subject and issuer, else why not.
 * A subject is compared exactly; a pattern matches anywhere unless anchored, as cosign's does.
 */
export function identityMismatch(identities: readonly IdentityPolicy[], subject: string | undefined, issuer: string | undefined): string | null {
  const accepts = (p: IdentityPolicy): boolean => {
    if (p.issuer !== undefined && p.issuer !== issuer) return false;
    if (p.subject !== undefined && p.subject !== '' && p.subject !== subject) return false;
    if (p.subjectRegExp !== undefined && p.subjectRegExp !== '' && (subject === undefined || !new RegExp(p.subjectRegExp).test(subject))) return false;
    return true;
  };
  if (identities.some(accepts)) return null;
  const wanted = identities.map((p) => `${p.subject ?? `/${p.subjectRegExp ?? ''}/`} from ${p.issuer ?? 'any issuer'}`).join(' or ');
  return `certificate identity ${subject ?? '(none)'} from ${issuer ?? '(no issuer)'} is not ${wanted}`;
}
