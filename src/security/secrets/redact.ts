import { createHash } from 'node:crypto';

/**
 * The secret with a short prefix kept (at most 4 characters and at most a quarter of it) and the
 * rest masked, so a finding can be recognised without being usable.
 *
 * @example
 * redact('ghp_abcdefghijkl') // 'ghp_************'
 */
export function redact(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return secret.slice(0, keep) + '*'.repeat(Math.min(secret.length - keep, 32));
}

/** What a baseline file lists for a finding: sha256 hex of rule id, path and secret. */
export function fingerprint(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${secret}`).digest('hex');
}
