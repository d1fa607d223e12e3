import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { digestMismatch, readLimited, sha256 } from '../target/blob.js';
import { TargetError } from '../target/errors.js';
import { resolveLimits, type TargetLimits } from '../target/limits.js';
import { ATTACHMENT_TAG, REF_NAME } from '../target/oci-layout.js';
import { parseTarget, type ImageReference } from '../target/reference.js';
import type { Credentials } from '../target/registry-auth.js';
import { RegistryWriter } from '../target/registry-push.js';
import { findEntry, indexTar, streamEntry, type TarIndexEntry } from '../target/tar-index.js';
import { SignatureError } from './errors.js';

/**
 * Where an image and its cosign signatures live: a registry repository, an OCI layout folder, or
 * (read only) an OCI archive. Signatures sit beside the image under the tag `sha256-<hex>.sig`.
 */
export interface SignatureStore {
  kind: 'registry' | 'oci' | 'oci-archive';
  /** The repository as cosign writes it in payloads ("127.0.0.1:5000/app"), or null for layouts. */
  repository: string | null;
  /** The digest the target names: for a multi-platform image the index, which is what cosign signs. */
  imageDigest(): Promise<string>;
  manifest(tag: string): Promise<{ data: Buffer; digest: string } | null>;
  blob(digest: string, what: string): Promise<Buffer>;
  putBlob(data: Buffer, what: string): Promise<string>;
  putManifest(tag: string, data: Buffer, mediaType: string): Promise<string>;
}

export interface StoreOptions {
  insecure?: boolean;
  credentials?: Credentials;
  limits?: Partial<TargetLimits>;
}

/** The name cosign writes as `docker-reference`: go-containerregistry calls Docker Hub index.docker.io. */
export function cosignRepository(ref: ImageReference): string {
  return `${ref.domain === 'docker.io' ? 'index.docker.io' : ref.domain}/${ref.path}`;
}

/** The tag cosign stores the signatures of `digest` under. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

export async function openSignatureStore(target: string, options: StoreOptions = {}): Promise<SignatureStore> {
  const limits = resolveLimits(options.limits);
  const spec = parseTarget(target);
  switch (spec.kind) {
    case 'registry':
    case 'image':
      return registryStore(spec.ref, new RegistryWriter(spec.ref, { insecure: options.insecure, credentials: options.credentials, limits }));
    case 'oci':
      return layoutStore(spec.path, spec.tag, target, limits);
    case 'oci-archive':
      return archiveStore(spec.path, spec.tag, target, limits);
    default:
      throw new SignatureError(
        'UNSUPPORTED_TARGET',
        `${target}: a ${spec.kind} target cannot carry cosign signatures; use a registry image or an OCI layout (oci:DIR[:tag])`,
        { kind: spec.kind },
      );
  }
}

function registryStore(ref: ImageReference, client: RegistryWriter): SignatureStore {
  return {
    kind: 'registry',
    repository: cosignRepository(ref),
    async imageDigest() {
      if (ref.digest !== null) return ref.digest;
      const found = await client.manifest(ref.tag ?? 'latest');
      if (found === null) throw new TargetError('NOT_FOUND', `${ref.repository}:${ref.tag ?? 'latest'} not found`, { reference: ref.repository });
      return found.digest;
    },
    manifest: (tag) => client.manifest(tag),
    blob: (digest, what) => client.blob(digest, what),
    putBlob: (data, what) => client.putBlob(data, what),
    putManifest: (tag, data, mediaType) => client.putManifest(tag, data, mediaType),
  };
}

interface IndexDescriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}
interface LayoutIndex {
  manifests: IndexDescriptor[];
  [k: string]: unknown;
}

function parseIndex(data: Buffer, what: string): LayoutIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new TargetError('BAD_ARCHIVE', `${what}: index.json is not JSON`, undefined, e);
  }
  const manifests = (raw as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests) || !manifests.every((m) => typeof (m as IndexDescriptor | null)?.digest === 'string')) {
    throw new TargetError('BAD_ARCHIVE', `${what}: index.json has no valid manifests list`);
  }
  return raw as LayoutIndex;
}

/** The image a layout tag names; without a tag the only image that is not a cosign artifact. */
function pickImage(index: LayoutIndex, tag: string | null, what: string): IndexDescriptor {
  const tags = index.manifests.map((m) => m.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined);
  if (tag !== null) {
    const found = index.manifests.find((m) => m.annotations?.[REF_NAME] === tag);
    if (found === undefined) throw new TargetError('NOT_FOUND', `${what} has no image tagged "${tag}" (tags: ${tags.join(', ') || 'none'})`, { tag, tags });
    return found;
  }
  const images = index.manifests.filter((m) => !ATTACHMENT_TAG.test(m.annotations?.[REF_NAME] ?? ''));
  if (images.length === 1) return images[0];
  throw new TargetError('BAD_REFERENCE', `${what} holds ${images.length} images; name one with :tag (tags: ${tags.join(', ') || 'none'})`, { tags });
}

interface LayoutFiles {
  /** A file of the layout, refused past `maxMetadataBytes` before it is read. */
  read(name: string): Promise<Buffer>;
}

function tooBig(name: string, size: number, limits: TargetLimits): TargetError {
  return new TargetError('IMAGE_LIMIT', `${name} (${size} bytes) exceeds maxMetadataBytes (${limits.maxMetadataBytes})`, { limit: 'maxMetadataBytes' });
}

function layoutReader(files: LayoutFiles, tag: string | null, what: string) {
  const index = async (): Promise<LayoutIndex> => parseIndex(await files.read('index.json'), what);
  const blob = async (digest: string, label: string): Promise<Buffer> => {
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new TargetError('BAD_ARCHIVE', `${label}: invalid digest ${digest}`);
    const data = await files.read(`blobs/sha256/${digest.slice(7)}`);
    if (sha256(data) !== digest) throw digestMismatch(label, digest, sha256(data));
    return data;
  };
  return {
    index,
    blob,
    imageDigest: async () => pickImage(await index(), tag, what).digest,
    manifest: async (name: string) => {
      const found = (await index()).manifests.find((m) => m.annotations?.[REF_NAME] === name);
      return found === undefined ? null : { data: await blob(found.digest, `manifest ${name}`), digest: found.digest };
    },
  };
}

function notFound(what: string, name: string): (e: NodeJS.ErrnoException) => never {
  return (e) => {
    if (e.code === 'ENOENT') throw new TargetError('NOT_FOUND', `${what} has no ${name}`, { entry: name }, e);
    throw e;
  };
}

function layoutStore(dir: string, tag: string | null, what: string, limits: TargetLimits): SignatureStore {
  const files: LayoutFiles = {
    read: async (name) => {
      const path = join(dir, name);
      const { size } = await stat(path).catch(notFound(what, name));
      if (size > limits.maxMetadataBytes) throw tooBig(name, size, limits);
      return readFile(path);
    },
  };
  const reader = layoutReader(files, tag, what);
  const putBlob = async (data: Buffer): Promise<string> => {
    const digest = sha256(data);
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    const exists = await stat(path).then((s) => s.size === data.length, () => false);
    if (!exists) await writeFileAtomic(path, data);
    return digest;
  };
  return {
    kind: 'oci',
    repository: null,
    imageDigest: reader.imageDigest,
    manifest: reader.manifest,
    blob: reader.blob,
    putBlob,
    async putManifest(name, data, mediaType) {
      const digest = await putBlob(data);
      const index = await reader.index();
      const entry: IndexDescriptor = { mediaType, digest, size: data.length, annotations: { [REF_NAME]: name } };
      // The tag moves to the new manifest; any other tags stay as they were.
      index.manifests = [...index.manifests.filter((m) => m.annotations?.[REF_NAME] !== name), entry];
      await writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index));
      return digest;
    },
  };
}

async function archiveStore(path: string, tag: string | null, what: string, limits: TargetLimits): Promise<SignatureStore> {
  const entries: Map<string, TarIndexEntry> = await indexTar(path, limits);
  const files: LayoutFiles = {
    async read(name) {
      let entry: TarIndexEntry;
      try {
        entry = findEntry(entries, name);
      } catch (e) {
        throw new TargetError('NOT_FOUND', `${what} has no ${name}`, { entry: name }, e);
      }
      if (entry.size > limits.maxMetadataBytes) throw tooBig(name, entry.size, limits);
      return readLimited(streamEntry(path, entry), limits, name);
    },
  };
  const reader = layoutReader(files, tag, what);
  const readOnly = (): Promise<never> =>
    Promise.reject(new SignatureError('UNSUPPORTED_TARGET', `${what}: signing writes into an OCI layout folder or a registry, not into an oci-archive tar`));
  return { kind: 'oci-archive', repository: null, imageDigest: reader.imageDigest, manifest: reader.manifest, blob: reader.blob, putBlob: readOnly, putManifest: readOnly };
}
