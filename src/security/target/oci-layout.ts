import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseJson, readLimited, sha256, digestMismatch, verified } from './blob.js';
import { TargetError } from './errors.js';
import { diffIds, layerInfos, parseImageConfig } from './image-config.js';
import { checkLayerCount, type TargetLimits } from './limits.js';
import { parseManifest, parsePlatform, resolveImageManifest, selectPlatform, type Descriptor, type ParsedManifest } from './manifest.js';
import { readLayersInOrder, type ImageSource } from './source.js';
import { findEntry, indexTar, streamEntry } from './tar-index.js';

/** Read access to the files of an OCI layout: a folder, or a tar of one. */
interface LayoutStore {
  stream(name: string): Readable;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';
const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

function dirStore(dir: string): LayoutStore {
  return { stream: (name) => createReadStream(join(dir, name)) };
}

async function archiveStore(path: string, limits: TargetLimits): Promise<LayoutStore> {
  const index = await indexTar(path, limits);
  return { stream: (name) => streamEntry(path, findEntry(index, name)) };
}

async function readFile(store: LayoutStore, name: string, limits: TargetLimits): Promise<Buffer> {
  return Promise.resolve()
    .then(() => readLimited(store.stream(name), limits, name))
    .catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || (e instanceof TargetError && e.code === 'BAD_ARCHIVE')) throw new TargetError('NOT_FOUND', `OCI layout has no ${name}`, { entry: name }, e);
    throw e;
  });
}

/** Tags cosign gives signatures, attestations and SBOMs: never "the image" of a layout. */
export const ATTACHMENT_TAG = /^sha256-[a-f0-9]{64}\.(sig|att|sbom)$/;

function pickByTag(index: ParsedManifest, tag: string | null, what: string, platform: string | undefined): Descriptor {
  if (index.kind !== 'index') throw new TargetError('BAD_ARCHIVE', `${what}: index.json is not an image index`);
  const tags = index.manifests.map((m) => m.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined);
  if (tag !== null) {
    const found = index.manifests.find((m) => m.annotations?.[REF_NAME] === tag);
    if (found === undefined) throw new TargetError('NOT_FOUND', `${what} has no image tagged "${tag}" (tags: ${tags.join(', ') || 'none'})`, { tag, tags });
    return found;
  }
  // Signatures, attestations and SBOMs stored beside an image (cosign's sha256-<digest>.sig
  // tags) are not images to pick from.
  const images = index.manifests.filter((m) => !ATTACHMENT_TAG.test(m.annotations?.[REF_NAME] ?? ''));
  if (images.length === 1) return images[0];
  if (images.length > 1 && images.every((m) => m.platform !== undefined)) return selectPlatform(images, parsePlatform(platform), what);
  throw new TargetError('BAD_REFERENCE', `${what} holds ${images.length} images; name one with :tag (tags: ${tags.join(', ') || 'none'})`, { tags });
}

async function openLayout(store: LayoutStore, name: string, tag: string | null, platform: string | undefined, limits: TargetLimits): Promise<ImageSource> {
  const readBlob = async (d: Descriptor): Promise<Buffer> => {
    const data = await readFile(store, blobPath(d.digest), limits);
    if (sha256(data) !== d.digest) throw digestMismatch(blobPath(d.digest), d.digest, sha256(data));
    return data;
  };
  const fetch = async (d: Descriptor): Promise<ParsedManifest> => parseManifest(parseJson(await readBlob(d), d.digest), `manifest ${d.digest}`);
  const chosen = pickByTag(parseManifest(parseJson(await readFile(store, 'index.json', limits), 'index.json'), 'index.json'), tag, name, platform);
  const { manifest, digest } = await resolveImageManifest(await fetch(chosen), fetch, parsePlatform(platform), name);
  checkLayerCount(manifest.layers.length, limits);
  const raw = parseJson(await readBlob(manifest.config), 'image config');
  const config = parseImageConfig(raw);
  const refName = chosen.annotations?.[REF_NAME];
  return {
    info: {
      name,
      kind: 'oci',
      digest: digest ?? chosen.digest,
      imageId: manifest.config.digest,
      repoTags: refName !== undefined ? [refName] : [],
      repoDigests: [],
      config,
      layers: layerInfos(config, diffIds(raw), manifest.layers),
    },
    readLayers: (visit, only) =>
      readLayersInOrder(manifest.layers.length, async (i) => ({ blob: verified(store.stream(blobPath(manifest.layers[i].digest)), manifest.layers[i].digest, `layer ${i}`) }), visit, only),
    close: async () => {},
  };
}

/**
 * An OCI image layout folder (`oci:DIR[:tag]`): index.json, blobs/sha256; the tag is the
 * `org.opencontainers.image.ref.name` annotation. Every blob is checked against its digest.
 */
export function openOciLayout(dir: string, tag: string | null, name: string, platform: string | undefined, limits: TargetLimits): Promise<ImageSource> {
  return openLayout(dirStore(dir), name, tag, platform, limits);
}

/** A tar of an OCI layout (`oci-archive:PATH[:tag]`), read in place from an index of its headers. */
export async function openOciArchive(path: string, tag: string | null, name: string, platform: string | undefined, limits: TargetLimits): Promise<ImageSource> {
  return openLayout(await archiveStore(path, limits), name, tag, platform, limits);
}
