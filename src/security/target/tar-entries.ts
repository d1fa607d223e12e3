import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { forwardErrors } from './blob.js';
import { TargetError } from './errors.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

/** One entry of a layer, from a tar stream or a directory walk; `read()` only while it is current. */
export interface RawEntry {
  name: string;
  type: EntryType;
  size: number;
  mode: number;
  linkname: string | null;
  read(): Promise<Buffer>;
  /** The content as a stream, to be consumed to its end before the next entry. */
  open(): AsyncIterable<Buffer>;
}

function entryType(type: tar.Header['type']): EntryType {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** The entries of an uncompressed tar stream, in order; unread contents are skipped. */
export async function* tarEntries(stream: Readable): AsyncGenerator<RawEntry> {
  const extract = tar.extract();
  forwardErrors(stream, extract);
  stream.pipe(extract);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      yield {
        name: h.name,
        type: entryType(h.type),
        size: h.size ?? 0,
        mode: h.mode ?? 0,
        linkname: h.linkname ?? null,
        read: async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
          return Buffer.concat(chunks);
        },
        open: () => entry as AsyncIterable<Buffer>,
      };
      // Whatever the consumer left unread is skipped, so the archive moves on either way.
      entry.resume();
    }
  } catch (e) {
    if (e instanceof TargetError) throw e;
    throw new TargetError('BAD_ARCHIVE', `unreadable tar: ${e instanceof Error ? e.message : String(e)}`, undefined, e);
  } finally {
    stream.destroy();
  }
}
