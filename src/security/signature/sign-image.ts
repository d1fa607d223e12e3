import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { MEDIA, parseManifest, type Descriptor } from '../target/manifest.js';
import { parseImageReference, parseTarget } from '../target/reference.js';
import { SignatureError } from './errors.js';
import { ANNOTATION } from './fetch.js';
import { keyId } from './keys.js';
import { SIMPLE_SIGNING_MEDIA_TYPE, buildPayload } from './payload.js';
import { cosignRepository, openSignatureStore, signatureTag, type StoreOptions } from './store.js';

export interface SignOptions extends StoreOptions {
  /** Signed into the payload's `optional` section (`-a key=value`). */
  annotations?: Record<string, string>;
  /** The repository to name in the payload; default the registry's, or `localhost/<folder>` for a layout. */
  repository?: string;
  now?: Date;
}

export interface SignResult {
  target: string;
  digest: string;
  /** The docker-reference signed into the payload. */
  repository: string;
  tag: string;
  /** Digest of the signature manifest written. */
  manifestDigest: string;
  keyId: string;
  /** Signatures in the manifest now, the new one included. */
  signatures: number;
}

const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
/** Go's zero time: what go-containerregistry writes for history entries it does not date. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The name podman gives an unqualified local image: `localhost/<folder name>`. */
function layoutRepository(target: string): string {
  const spec = parseTarget(target);
  const dir = 'path' in spec ? spec.path : target;
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'image';
  return `localhost/${name}`;
}

function configFor(layers: Descriptor[], now: Date): Buffer {
  const config = {
    architecture: '',
    created: now.toISOString(),
    history: layers.map(() => ({ created: ZERO_TIME })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  return Buffer.from(JSON.stringify(config));
}

/**
 * Signs the image a target names as `cosign sign --key` does: the simple-signing payload for its
 * digest becomes a layer of the `sha256-<hex>.sig` manifest, the base64 ASN.1 ECDSA signature in
 * the layer's `dev.cosignproject.cosign/signature` annotation. Signatures already there are kept
 * and the new one appended. No transparency-log entry is made (verify with cosign's
 * `--insecure-ignore-tlog`).
 */
export async function signImage(target: string, key: KeyObject, options: SignOptions = {}): Promise<SignResult> {
  const store = await openSignatureStore(target, options);
  let repository: string;
  if (options.repository !== undefined) {
    try {
      repository = cosignRepository(parseImageReference(options.repository));
    } catch (e) {
      throw new SignatureError('BAD_POLICY', `--repository: ${(e as Error).message}`, undefined, e);
    }
  } else repository = store.repository ?? layoutRepository(target);
  const digest = await store.imageDigest();
  const payload = buildPayload(repository, digest, options.annotations);
  const signature = sign('sha256', payload, key);
  const id = keyId(createPublicKey(key));
  const tag = signatureTag(digest);

  const existing = await store.manifest(tag);
  let layers: Descriptor[] = [];
  if (existing !== null) {
    let raw: unknown = null;
    try {
      raw = JSON.parse(existing.data.toString('utf8'));
    } catch {
      // parseManifest below names the problem.
    }
    const parsed = parseManifest(raw, `existing signature manifest ${tag}`);
    if (parsed.kind === 'image') layers = parsed.layers;
  }
  const payloadDigest = await store.putBlob(payload, 'signature payload');
  layers = [
    ...layers,
    { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: payloadDigest, size: payload.length, annotations: { [ANNOTATION.signature]: signature.toString('base64'), [ANNOTATION.keyId]: id } },
  ];
  const config = configFor(layers, options.now ?? new Date());
  const configDigest = await store.putBlob(config, 'signature config');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: CONFIG_MEDIA_TYPE, size: config.length, digest: configDigest },
      layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest, ...(l.annotations ? { annotations: l.annotations } : {}) })),
    }),
  );
  const manifestDigest = await store.putManifest(tag, manifest, MEDIA.ociManifest);
  return { target, digest, repository, tag, manifestDigest, keyId: id, signatures: layers.length };
}
