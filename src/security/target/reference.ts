import { TargetError } from './errors.js';

/** An image reference normalized by Docker's rules. */
export interface ImageReference {
  /** Registry host as named ("docker.io", "127.0.0.1:5000"). */
  domain: string;
  /** Repository path inside the registry ("library/nginx"). */
  path: string;
  tag: string | null;
  digest: string | null;
  /** `domain/path`, the fully qualified repository. */
  repository: string;
  /** The repository as Docker shows it ("nginx", "user/app", "127.0.0.1:5000/app"). */
  familiar: string;
}

export const DOCKER_HUB = 'docker.io';
// eslint-disable-next-line security/detect-unsafe-regex -- anchored, input capped at 512 characters; the separators cannot match the [a-z0-9]+ runs between them
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
// eslint-disable-next-line security/detect-unsafe-regex -- anchored, input capped at 512 characters; labels are split by a '.' they cannot match, and each label has one end
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;

function bad(input: string, why: string): TargetError {
  return new TargetError('BAD_REFERENCE', `invalid image reference "${input}": ${why}`, { reference: input });
}

/**
 * Parses an image reference as `docker pull` does: no host means Docker Hub, a single name on
 * Docker Hub gets `library/`, no tag and no digest means `latest`.
 *
 * @example
 * parseImageReference('nginx') // { domain: 'docker.io', path: 'library/nginx', tag: 'latest', ... }
 * parseImageReference('127.0.0.1:5000/app@sha256:…') // tag null, digest 'sha256:…'
 */
export function parseImageReference(input: string): ImageReference {
  if (input.length === 0 || input.length > 512 || /\s/.test(input)) throw bad(input, 'empty, too long or contains whitespace');
  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(input, 'digest must be sha256: followed by 64 lowercase hex digits');
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `invalid tag "${tag}"`);
  }
  let domain = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  // Docker's rule: the first component is a host when it has a dot, a port or is localhost
  // (or has upper case, which a repository never may).
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw bad(input, `invalid registry host "${domain}"`);
    }
  }
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = DOCKER_HUB;
  if (path.length === 0) throw bad(input, 'missing repository name');
  if (path !== path.toLowerCase()) throw bad(input, 'repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) throw bad(input, `invalid repository component "${component}"`);
  }
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (domain.length + 1 + path.length > 255) throw bad(input, 'repository name longer than 255 characters');
  if (tag === null && digest === null) tag = 'latest';
  const familiar = domain !== DOCKER_HUB ? `${domain}/${path}` : path.startsWith('library/') && path.split('/').length === 2 ? path.slice(8) : path;
  return { domain, path, tag, digest, repository: `${domain}/${path}`, familiar };
}

/** The reference written back out, fully qualified ("docker.io/library/nginx:latest"). */
export function formatReference(ref: ImageReference): string {
  return `${ref.repository}${ref.tag !== null ? `:${ref.tag}` : ''}${ref.digest !== null ? `@${ref.digest}` : ''}`;
}

export type TargetSpec =
  | { kind: 'docker-archive'; path: string }
  | { kind: 'oci'; path: string; tag: string | null }
  | { kind: 'oci-archive'; path: string; tag: string | null }
  | { kind: 'fs'; path: string }
  /** `docker://ref`: the registry only. */
  | { kind: 'registry'; ref: ImageReference }
  /** A bare name: the local engine first, then the registry. */
  | { kind: 'image'; ref: ImageReference };

function pathWithTag(value: string): { path: string; tag: string | null } {
  // As skopeo does: the path ends at the first colon, what follows is the tag.
  const colon = value.indexOf(':');
  return colon < 0 ? { path: value, tag: null } : { path: value.slice(0, colon), tag: value.slice(colon + 1) || null };
}

/**
 * Parses a scan target as a user writes it: `docker-archive:PATH`, `oci:DIR[:tag]`,
 * `oci-archive:PATH[:tag]`, `fs:PATH`, `docker://REF`, a path (starting with `/`, `.` or `~`),
 * or a bare image reference. Pure: nothing is looked up.
 */
export function parseTarget(input: string): TargetSpec {
  const need = (value: string, what: string): string => {
    if (value.length === 0) throw new TargetError('BAD_REFERENCE', `target "${input}" has no ${what}`, { reference: input });
    return value;
  };
  if (input.startsWith('docker-archive:')) return { kind: 'docker-archive', path: need(input.slice(15), 'path') };
  if (input.startsWith('oci-archive:')) return { kind: 'oci-archive', ...pathWithTag(need(input.slice(12), 'path')) };
  if (input.startsWith('oci:')) return { kind: 'oci', ...pathWithTag(need(input.slice(4), 'path')) };
  if (input.startsWith('fs:')) return { kind: 'fs', path: need(input.slice(3), 'path') };
  if (input.startsWith('docker://')) return { kind: 'registry', ref: parseImageReference(input.slice(9)) };
  if (/^(?:\/|\.{1,2}(?:\/|$)|~(?:\/|$))/.test(input)) return { kind: 'fs', path: input };
  return { kind: 'image', ref: parseImageReference(input) };
}
