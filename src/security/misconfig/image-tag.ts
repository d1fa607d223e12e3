/** The tag of an image reference (`repo:tag`, `host:5000/repo:tag@sha256:…`); null when it has none. */
export function imageTag(image: string): string | null {
  const nameTag = image.split('@')[0];
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  return colon > slash ? nameTag.slice(colon + 1) : null;
}
