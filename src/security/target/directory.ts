import { constants } from 'node:fs';
import { lstat, open, opendir, readlink, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { TargetError } from './errors.js';
import type { ImageSource } from './source.js';
import type { RawEntry } from './tar-entries.js';

async function readNoFollow(path: string, size: number): Promise<Buffer> {
  // O_NOFOLLOW: a file swapped for a symlink after the walk is refused, not followed out of the root.
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function* once(data: Promise<Buffer>): AsyncGenerator<Buffer> {
  yield await data;
}

/** Walks `root` without following symlinks; their targets are resolved later inside the tree. */
async function* walk(root: string, rel = ''): AsyncGenerator<RawEntry> {
  const dir = await opendir(join(root, rel));
  const names: string[] = [];
  for await (const d of dir) names.push(d.name);
  for (const name of names.sort()) {
    const path = `${rel}/${name}`;
    const abs = join(root, path);
    const st = await lstat(abs).catch(() => null);
    if (st === null) continue;
    const base = { name: path, size: st.size, mode: st.mode & 0o7777, linkname: null, read: () => readNoFollow(abs, st.size), open: () => once(readNoFollow(abs, st.size)) };
    if (st.isDirectory()) {
      yield { ...base, type: 'dir', size: 0 };
      yield* walk(root, path);
    } else if (st.isSymbolicLink()) yield { ...base, type: 'symlink', size: 0, linkname: await readlink(abs) };
    else if (st.isFile()) yield { ...base, type: 'file' };
    else yield { ...base, type: 'other' };
  }
}

/**
 * A plain directory as a one-layer image (layer 0). Nothing outside it is read: symlinks are
 * resolved inside the tree like an image's, and special files are ignored.
 */
export async function openDirectory(path: string, name: string): Promise<ImageSource> {
  const root = resolve(path.startsWith('~') ? homedir() + path.slice(1) : path);
  const st = await stat(root).catch(() => null);
  if (st === null) throw new TargetError('NOT_FOUND', `directory ${path} does not exist`, { path });
  if (!st.isDirectory()) throw new TargetError('BAD_REFERENCE', `${path} is not a directory`, { path });
  return {
    info: { name, kind: 'fs', digest: null, imageId: null, repoTags: [], repoDigests: [], config: null, layers: [] },
    readLayers: async (visit, only) => (only === undefined || only.has(0) ? [await visit({ entries: walk(root), index: 0 })] : [undefined]),
    close: async () => {},
  };
}
