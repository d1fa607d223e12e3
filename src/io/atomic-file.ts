import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Files are replaced, never rewritten in place: content goes to a temporary file beside the
 * target, is flushed to disk, then renamed over it. A crash or an error leaves either the old
 * file or the new one, never half of one.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * @param options.mode permissions the file has from its creation (default 0644): a private
 *   key is never, even briefly, readable by others.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'wx', options.mode ?? 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface AtomicWriteStream {
  stream: WriteStream;
  /** Flushes, closes and moves the file into place. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file; the target is left as it was. */
  abort(): Promise<void>;
}

export async function createAtomicWriteStream(path: string): Promise<AtomicWriteStream> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const stream = createWriteStream(tmp, { mode: 0o644 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (stream.closed) return resolve();
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  return {
    stream,
    async commit() {
      await close();
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    },
    async abort() {
      try {
        stream.destroy();
      } finally {
        await rm(tmp, { force: true });
      }
    },
  };
}
