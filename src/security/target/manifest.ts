import { TargetError } from './errors.js';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;
export const MANIFEST_ACCEPT = Object.values(MEDIA).join(', ');

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}
export type ParsedManifest = { kind: 'index'; manifests: Descriptor[] } | { kind: 'image'; config: Descriptor; layers: Descriptor[] };

const DIGEST = /^sha256:[a-f0-9]{64}$/;
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function descriptor(v: unknown, at: string, problems: string[]): Descriptor {
  if (!isObj(v)) {
    problems.push(`${at}: not an object`);
    return { mediaType: '', digest: '', size: 0 };
  }
  if (typeof v.digest !== 'string' || !DIGEST.test(v.digest)) problems.push(`${at}.digest: not a sha256 digest`);
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) problems.push(`${at}.size: not a size`);
  const d: Descriptor = { mediaType: typeof v.mediaType === 'string' ? v.mediaType : '', digest: String(v.digest), size: Number(v.size) };
  if (isObj(v.platform)) d.platform = { os: String(v.platform.os ?? ''), architecture: String(v.platform.architecture ?? ''), ...(typeof v.platform.variant === 'string' ? { variant: v.platform.variant } : {}) };
  if (isObj(v.annotations)) d.annotations = Object.fromEntries(Object.entries(v.annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return d;
}

/**
 * Validates an image manifest or index (Docker schema 2 or OCI), listing every bad field in one
 * error. Schema 1 and unknown kinds are UNSUPPORTED_MEDIA_TYPE.
 */
export function parseManifest(raw: unknown, what: string): ParsedManifest {
  if (!isObj(raw)) throw new TargetError('BAD_ARCHIVE', `${what} is not a JSON object`);
  if (raw.schemaVersion === 1) throw new TargetError('UNSUPPORTED_MEDIA_TYPE', `${what} is a Docker schema 1 manifest, which is not supported`);
  const problems: string[] = [];
  let parsed: ParsedManifest;
  if (Array.isArray(raw.manifests)) {
    parsed = { kind: 'index', manifests: raw.manifests.map((m, i) => descriptor(m, `manifests[${i}]`, problems)) };
  } else if (isObj(raw.config) && Array.isArray(raw.layers)) {
    parsed = { kind: 'image', config: descriptor(raw.config, 'config', problems), layers: raw.layers.map((l, i) => descriptor(l, `layers[${i}]`, problems)) };
  } else {
    throw new TargetError('UNSUPPORTED_MEDIA_TYPE', `${what} is neither an image manifest nor an index (mediaType ${String(raw.mediaType ?? 'none')})`);
  }
  if (problems.length > 0) throw new TargetError('BAD_ARCHIVE', `${what} is invalid: ${problems.join('; ')}`, { problems });
  if (parsed.kind === 'image') for (const layer of parsed.layers) checkLayerMediaType(layer);
  return parsed;
}

export function checkLayerMediaType(d: Descriptor): void {
  if (d.mediaType.includes('zstd')) throw new TargetError('UNSUPPORTED_MEDIA_TYPE', `layer ${d.digest} is zstd-compressed (${d.mediaType}), which this Node.js cannot read`, { mediaType: d.mediaType });
}

/** "linux/arm64/v8" as a platform; the default is linux/amd64. */
export function parsePlatform(text = 'linux/amd64'): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new TargetError('BAD_REFERENCE', `platform "${text}" is not os/architecture[/variant]`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The index entry for a platform, as Docker picks it. */
export function selectPlatform(manifests: Descriptor[], want: Platform, what: string): Descriptor {
  const match = manifests.find(
    (m) => m.platform?.os === want.os && m.platform.architecture === want.architecture && (want.variant === undefined || m.platform.variant === want.variant),
  );
  if (match !== undefined) return match;
  const available = manifests.map((m) => (m.platform ? [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/') : 'unknown'));
  const name = [want.os, want.architecture, want.variant].filter(Boolean).join('/');
  throw new TargetError('NOT_FOUND', `${what} has no image for platform ${name} (available: ${available.join(', ') || 'none'})`, { platform: name, available });
}

/**
 * Follows indexes down to one image manifest. `fetch` returns the bytes of a manifest by digest,
 * already verified against it.
 */
export async function resolveImageManifest(
  top: ParsedManifest,
  fetch: (d: Descriptor) => Promise<ParsedManifest>,
  platform: Platform,
  what: string,
): Promise<{ manifest: Extract<ParsedManifest, { kind: 'image' }>; digest: string | null }> {
  let current = top;
  let digest: string | null = null;
  for (let depth = 0; current.kind === 'index'; depth++) {
    if (depth >= 4) throw new TargetError('BAD_ARCHIVE', `${what}: indexes nested too deeply`);
    const chosen = selectPlatform(current.manifests, platform, what);
    digest = chosen.digest;
    current = await fetch(chosen);
  }
  return { manifest: current, digest };
}
