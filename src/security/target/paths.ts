/**
 * Normalizes a path found in an image to "/a/b": leading "/" and "./" dropped, "." and empty
 * segments removed, ".." applied. Returns null when ".." would climb above the root: such a name
 * is a path traversal attempt.
 */
export function normalizeEntryPath(name: string): string | null {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}
