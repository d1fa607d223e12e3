import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { TargetError } from './errors.js';
import { limitError, type TargetLimits } from './limits.js';
import { normalizeEntryPath, dirname } from './paths.js';

export interface TarIndexEntry {
  name: string;
  /** Byte offset of the entry's data in the file. */
  offset: number;
  size: number;
  type: 'file' | 'symlink' | 'hardlink' | 'other';
  linkname: string;
}

const cstr = (b: Buffer, start: number, len: number): string => {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.toString('utf8', 0, nul < 0 ? len : nul);
};

function numeric(b: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit set in the first byte.
  if ((b[start] & 0x80) !== 0) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + b[i];
    return n;
  }
  const text = cstr(b, start, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (m !== null) out.set(m[1], m[2]);
  }
  return out;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead < length) throw new TargetError('BAD_ARCHIVE', 'tar archive is truncated');
  return buf;
}

/**
 * Indexes a tar file by reading only its headers, so any entry can later be streamed from its
 * offset without extracting the archive. Handles ustar prefixes, pax and GNU long names.
 */
export async function indexTar(path: string, limits: TargetLimits): Promise<Map<string, TarIndexEntry>> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new TargetError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_ARCHIVE', `cannot open archive ${path}: ${e.message}`, { path }, e);
  });
  const index = new Map<string, TarIndexEntry>();
  try {
    const { size: fileSize } = await fh.stat();
    let pos = 0;
    let longName: string | null = null;
    let longLink: string | null = null;
    let pax = new Map<string, string>();
    while (pos + 512 <= fileSize) {
      const h = await readAt(fh, pos, 512);
      if (h.every((b) => b === 0)) break;
      if (index.size >= limits.maxEntries) throw limitError('maxEntries', limits, `archive entry count over ${index.size}`);
      const flag = String.fromCharCode(h[156] || 0x30);
      let size = numeric(h, 124, 12);
      const data = pos + 512;
      const next = data + Math.ceil(size / 512) * 512;
      if (next > fileSize) throw new TargetError('BAD_ARCHIVE', 'tar archive is truncated');
      if (flag === 'L' || flag === 'K' || flag === 'x') {
        if (size > limits.maxMetadataBytes) throw limitError('maxMetadataBytes', limits, 'tar extended header');
        const body = await readAt(fh, data, size);
        if (flag === 'L') longName = cstr(body, 0, size);
        else if (flag === 'K') longLink = cstr(body, 0, size);
        else pax = paxRecords(body);
        pos = next;
        continue;
      }
      const prefix = h.toString('latin1', 257, 262) === 'ustar' ? cstr(h, 345, 155) : '';
      const name = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
      const linkname = pax.get('linkpath') ?? longLink ?? cstr(h, 157, 100);
      if (pax.has('size')) size = Number(pax.get('size'));
      const type = flag === '0' || flag === '7' ? 'file' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : 'other';
      const key = normalizeEntryPath(name);
      if (key !== null && flag !== 'g') index.set(key, { name, offset: data, size, type, linkname });
      pos = pax.has('size') ? data + Math.ceil(size / 512) * 512 : next;
      longName = longLink = null;
      pax = new Map();
    }
  } finally {
    await fh.close();
  }
  return index;
}

/** The file entry that `name` is, or links to, inside the archive. */
export function findEntry(index: Map<string, TarIndexEntry>, name: string): TarIndexEntry {
  let key = normalizeEntryPath(name);
  for (let hops = 0; key !== null && hops < 16; hops++) {
    const entry = index.get(key);
    if (entry === undefined) break;
    if (entry.type === 'file') return entry;
    if (entry.type === 'symlink') key = normalizeEntryPath(entry.linkname.startsWith('/') ? entry.linkname : `${dirname(key)}/${entry.linkname}`);
    else if (entry.type === 'hardlink') key = normalizeEntryPath(entry.linkname);
    else break;
  }
  throw new TargetError('BAD_ARCHIVE', `archive has no file ${name}`, { entry: name });
}

export function streamEntry(path: string, entry: TarIndexEntry): Readable {
  if (entry.size === 0) return Readable.from([]);
  return createReadStream(path, { start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: 1024 * 1024 });
}
