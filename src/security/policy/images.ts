import { parseImageReference, type ImageReference } from '../target/reference.js';

/** Parses an image reference; null when it is not a valid one. */
export function parseRef(image: string): ImageReference | null {
  try {
    return parseImageReference(image);
  } catch {
    return null;
  }
}

/**
 * True when `image` is the project's own image. A bare `projectImage` ("churn-predictor") matches
 * that repository name in any registry; a qualified one must match the whole repository.
 */
export function isProjectImage(image: string, projectImage: string): boolean {
  const ref = parseRef(image);
  if (!ref) return false;
  if (!projectImage.includes('/')) return ref.path.split('/').at(-1) === projectImage;
  return ref.repository === parseRef(projectImage)?.repository;
}

/** True when the image's repository is an entry of the allow-list or lies below one (`docker.io/library`). */
export function fromTrustedRegistry(ref: ImageReference, allowList: readonly string[]): boolean {
  return allowList.some((entry) => {
    const e = entry.toLowerCase().replace(/\/+$/, '');
    return ref.repository === e || ref.repository.startsWith(`${e}/`)
  });
}

/**
 * True when an image matches a signature requirement's pattern: `*` matches any run of
 * characters; the pattern is tried against the fully qualified and the familiar repository
 * (`docker.io/library/app`, `app`) and the reference as written.
 */
export function imageMatches(image: string, pattern: string): boolean {
  const ref = parseRef(image);
  const candidates = [image, ...(ref ? [ref.repository, ref.familiar, `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`] : [])];
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return candidates.some((c) => re.test(c));
}
