import { TrustedRoot } from '@sigstore/protobuf-specs';
import { SignatureError } from './errors.js';

export type { TrustedRoot } from '@sigstore/protobuf-specs';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const B64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function checkB64(v: unknown, path: string, problems: string[]): void {
  if (typeof v !== 'string' || v === '' || !B64.test(v)) problems.push(`${path}: not base64`);
}

function checkTime(v: unknown, path: string, problems: string[], required: boolean): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) problems.push(`${path}: not an RFC 3339 time`);
}

function checkLog(log: unknown, path: string, problems: string[]): void {
  if (!isObj(log)) return void problems.push(`${path}: not an object`);
  if (typeof log.baseUrl !== 'string') problems.push(`${path}.baseUrl: missing`);
  const key = isObj(log.publicKey) ? log.publicKey : null;
  if (key === null) problems.push(`${path}.publicKey: missing`);
  else {
    checkB64(key.rawBytes, `${path}.publicKey.rawBytes`, problems);
    if (typeof key.keyDetails !== 'string') problems.push(`${path}.publicKey.keyDetails: missing`);
    if (isObj(key.validFor)) {
      checkTime(key.validFor.start, `${path}.publicKey.validFor.start`, problems, false);
      checkTime(key.validFor.end, `${path}.publicKey.validFor.end`, problems, false);
    }
  }
  if (!isObj(log.logId)) problems.push(`${path}.logId: missing`);
  else checkB64(log.logId.keyId, `${path}.logId.keyId`, problems);
}

function checkAuthority(ca: unknown, path: string, problems: string[]): void {
  if (!isObj(ca)) return void problems.push(`${path}: not an object`);
  const certs = isObj(ca.certChain) ? ca.certChain.certificates : undefined;
  if (!Array.isArray(certs) || certs.length === 0) problems.push(`${path}.certChain.certificates: missing or empty`);
  else certs.forEach((c, i) => checkB64(isObj(c) ? c.rawBytes : undefined, `${path}.certChain.certificates[${i}].rawBytes`, problems));
  if (isObj(ca.validFor)) {
    checkTime(ca.validFor.start, `${path}.validFor.start`, problems, true);
    checkTime(ca.validFor.end, `${path}.validFor.end`, problems, false);
  } else problems.push(`${path}.validFor: missing`);
}

/**
 * A Sigstore trusted root (the `trusted_root.json` TUF target, or one made for a private
 * deployment): certificate authorities, transparency logs, CT logs and timestamp authorities.
 * Every missing or malformed field is listed in one BAD_TRUSTED_ROOT error.
 */
export function parseTrustedRoot(raw: unknown, what: string): TrustedRoot {
  if (!isObj(raw)) throw new SignatureError('BAD_TRUSTED_ROOT', `${what} is not a JSON object`);
  const problems: string[] = [];
  if (typeof raw.mediaType !== 'string' || !raw.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) problems.push('mediaType: not a Sigstore trusted root media type');
  const list = (name: string, check: (v: unknown, path: string, problems: string[]) => void): void => {
    const v = raw[name];
    if (v === undefined) return;
    if (!Array.isArray(v)) return void problems.push(`${name}: not a list`);
    v.forEach((item, i) => check(item, `${name}[${i}]`, problems));
  };
  list('tlogs', checkLog);
  list('ctlogs', checkLog);
  list('certificateAuthorities', checkAuthority);
  list('timestampAuthorities', checkAuthority);
  if (problems.length > 0) throw new SignatureError('BAD_TRUSTED_ROOT', `${what} is not a valid trusted root: ${problems.join('; ')}`, { problems });
  try {
    return TrustedRoot.fromJSON(raw);
  } catch (e) {
    throw new SignatureError('BAD_TRUSTED_ROOT', `${what} is not a valid trusted root: ${(e as Error).message}`, undefined, e);
  }
}

/** A root that trusts nothing: key-based verification without a transparency log needs no more. */
export function emptyTrustedRoot(): TrustedRoot {
  return { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
}
