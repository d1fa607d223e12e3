import { checkLayerCount, resolveLimits } from '../target/limits.js';
import { parseManifest } from '../target/manifest.js';
import { openSignatureStore, signatureTag, type StoreOptions } from './store.js';

/** Layer annotations of a cosign signature. */
export const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  /** Ours: the id of the key that signed, so a failure can say "another key" rather than "altered". */
  keyId: 'dev.churn.signature/key-id',
} as const;

/** One signature layer as stored: the payload (base64) and the layer's annotations. */
export interface SignatureLayer {
  digest: string;
  mediaType: string;
  payload: string;
  annotations: Record<string, string>;
}

/** Everything verification needs about an image's signatures, fetched beforehand. Plain data. */
export interface ImageSignatures {
  target: string;
  kind: 'registry' | 'oci' | 'oci-archive';
  /** The repository as cosign names it, or null for layouts and archives. */
  repository: string | null;
  /** The image manifest (or index) digest that must be signed. */
  digest: string;
  signatureTag: string;
  /** Digest of the signature manifest, null when the image has none. */
  manifestDigest: string | null;
  layers: SignatureLayer[];
}

/**
 * The fetch stage: resolves the target's digest and reads its `sha256-<hex>.sig` manifest and every
 * payload blob (each verified against its digest). No verification happens here.
 */
export async function fetchImageSignatures(target: string, options: StoreOptions = {}): Promise<ImageSignatures> {
  const limits = resolveLimits(options.limits);
  const store = await openSignatureStore(target, options);
  const digest = await store.imageDigest();
  const tag = signatureTag(digest);
  const found = await store.manifest(tag);
  const base = { target, kind: store.kind, repository: store.repository, digest, signatureTag: tag };
  if (found === null) return { ...base, manifestDigest: null, layers: [] };
  const what = `signature manifest ${tag}`;
  let raw: unknown;
  try {
    raw = JSON.parse(found.data.toString('utf8'));
  } catch {
    raw = null;
  }
  const manifest = parseManifest(raw, what);
  if (manifest.kind !== 'image') return { ...base, manifestDigest: found.digest, layers: [] };
  checkLayerCount(manifest.layers.length, limits);
  const layers: SignatureLayer[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const payload = await store.blob(layer.digest, `${what} layer ${i}`);
    layers.push({ digest: layer.digest, mediaType: layer.mediaType, payload: payload.toString('base64'), annotations: layer.annotations ?? {} });
  }
  return { ...base, manifestDigest: found.digest, layers };
}
