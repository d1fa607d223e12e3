import { SignatureError } from './errors.js';

/** `critical.type` of every cosign image signature. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** The simple-signing document a cosign image signature signs. */
export interface SimpleSigningPayload {
  dockerReference: string;
  digest: string;
  /** The `optional` object: annotations given at signing time (`-a key=value`). */
  optional: Record<string, unknown>;
}

const DIGEST = /^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The payload bytes cosign writes: keys in the order Go marshals them, `optional` with sorted
 * keys, or null when there are no annotations.
 */
export function buildPayload(dockerReference: string, digest: string, annotations: Record<string, string> = {}): Buffer {
  const keys = Object.keys(annotations).sort();
  const optional = keys.length === 0 ? null : Object.fromEntries(keys.map((k) => [k, annotations[k]]));
  const doc = {
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: COSIGN_SIGNATURE_TYPE },
    optional,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** Validates a payload, listing every bad field in one PAYLOAD_INVALID error. */
export function parsePayload(data: Buffer): SimpleSigningPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    throw new SignatureError('PAYLOAD_INVALID', 'signature payload is not JSON');
  }
  if (!isObj(raw)) throw new SignatureError('PAYLOAD_INVALID', 'signature payload is not a JSON object');
  const problems: string[] = [];
  const critical = isObj(raw.critical) ? raw.critical : (problems.push('critical: missing'), {});
  const identity = isObj(critical.identity) ? critical.identity : {};
  const image = isObj(critical.image) ? critical.image : {};
  const ref = identity['docker-reference'];
  const digest = image['docker-manifest-digest'];
  if (typeof ref !== 'string' || ref === '') problems.push('critical.identity.docker-reference: missing');
  if (typeof digest !== 'string' || !DIGEST.test(digest)) problems.push('critical.image.docker-manifest-digest: not a digest');
  if (critical.type !== COSIGN_SIGNATURE_TYPE) problems.push(`critical.type: "${String(critical.type)}" is not "${COSIGN_SIGNATURE_TYPE}"`);
  if (raw.optional !== undefined && raw.optional !== null && !isObj(raw.optional)) problems.push('optional: not an object');
  if (problems.length > 0) throw new SignatureError('PAYLOAD_INVALID', `signature payload is invalid: ${problems.join('; ')}`, { problems });
  return { dockerReference: ref as string, digest: digest as string, optional: isObj(raw.optional) ? raw.optional : {} };
}
