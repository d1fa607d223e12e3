import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

/*
 * Zip entries read one at a time, never extracted to disk. yauzl parses and checks the central
 * directory and local headers; its reads are served here synchronously from 1 MiB read-ahead
 * windows, and small entries are inflated synchronously. yauzl's default (an async file read and
 * an inflate stream per entry, each a thread-pool round trip) spends ~0.2 ms per entry, which
 * dominates an OSV archive of tens of thousands of 1-2 KiB records.
 */

const WINDOW = 1024 * 1024;

class WindowedFileReader extends yauzl.RandomAccessReader {
  readonly size: number;
  private readonly fd: number;
  // Two windows: reading walks the central directory (at the end) and the entries (from the start)
  // in alternation, and one window would be refilled on every switch.
  private windows: { start: number; buf: Buffer }[] = [];
  private closed = false;

  constructor(path: string) {
    super();
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** `length` bytes at `position`, copied into `target` at `offset`. */
  readInto(target: Buffer, offset: number, length: number, position: number): void {
    const end = position + length;
    if (length > WINDOW) {
      if (readSync(this.fd, target, offset, length, position) !== length) throw new Error(`unexpected end of file at ${position}`);
      return;
    }
    let w = this.windows.find((x) => position >= x.start && end <= x.start + x.buf.length);
    if (w === undefined) {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(WINDOW, this.size - position)));
      const n = readSync(this.fd, buf, 0, buf.length, position);
      if (n < length) throw new Error(`unexpected end of file at ${position}`);
      w = { start: position, buf: buf.subarray(0, n) };
      this.windows = [w, ...this.windows.slice(0, 1)];
    } else if (this.windows[0] !== w) {
      this.windows = [w, this.windows[0]];
    }
    w.buf.copy(target, offset, position - w.start, end - w.start);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    let error: Error | null = null;
    try {
      this.readInto(buffer, offset, length, position);
    } catch (e) {
      error = e as Error;
    }
    process.nextTick(callback, error);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const buf = Buffer.allocUnsafe(end - start);
    this.readInto(buf, 0, buf.length, start);
    return Readable.from([buf]);
  }

  override close(callback: (err: Error | null) => void): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    setImmediate(callback, null);
  }
}

export interface ZipArchive {
  entries(): AsyncIterableIterator<yauzl.Entry>;
  /** The entry's content, checked against its size and CRC; throws for a damaged entry. */
  read(entry: yauzl.Entry): Promise<Buffer>;
  close(): void;
}

/** Opens a zip for entry-by-entry reading; yauzl validates the structure as it goes. */
export async function openZip(path: string): Promise<ZipArchive> {
  const reader = new WindowedFileReader(path);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, reader.size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    reader.close(() => undefined);
    throw e;
  }
  return {
    entries: () => zip.eachEntry(),
    async read(entry) {
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      const raw = Buffer.allocUnsafe(entry.compressedSize);
      reader.readInto(raw, 0, raw.length, fileDataStart);
      let data: Buffer;
      if (entry.compressionMethod === 0) data = raw;
      else if (entry.compressionMethod === 8) {
        try {
          data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
        } catch (e) {
          const past = e instanceof RangeError ? `inflates past the ${entry.uncompressedSize} bytes declared` : `does not inflate: ${(e as Error).message}`;
          throw new Error(`entry ${entry.fileName} ${past}`);
        }
      }
      else throw new Error(`entry ${entry.fileName} uses compression method ${entry.compressionMethod}`);
      if (data.length !== entry.uncompressedSize) throw new Error(`entry ${entry.fileName} inflates to ${data.length} bytes, not the ${entry.uncompressedSize} declared`);
      if ((crc32(data) >>> 0) !== entry.crc32 >>> 0) throw new Error(`entry ${entry.fileName} fails its CRC check`);
      return data;
    },
    close() {
      zip.close();
    },
  };
}
