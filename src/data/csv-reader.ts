import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { DataError } from '../errors.js';
import { CsvScanner, type CsvBatch } from './csv-scanner.js';

export { CsvBatch } from './csv-scanner.js';

/**
 * A streaming CSV reader (RFC 4180 plus what real exports contain: a UTF-8 BOM, CRLF or LF,
 * quoted fields holding commas, quotes and newlines, blank lines).
 *
 * Written by hand rather than with csv-parse because scoring has to read several hundred
 * thousand rows per second; csv-parse manages about a hundred thousand on these machines.
 * Text is decoded once per chunk and records come out as field offsets into it (CsvBatch).
 */
export interface CsvReadOptions {
  /** Called with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** A record longer than this (a runaway quote, usually) is an error rather than unbounded memory. */
  maxRecordBytes?: number;
  /** Read size; small values exercise records that straddle chunks. */
  chunkBytes?: number;
}

export interface CsvReader {
  header: string[];
  /** Batches of complete records, about one read chunk each. */
  batches: AsyncGenerator<CsvBatch>;
}

/** Opens a CSV file: reads its header, then yields batches of records. */
export async function openCsv(path: string, options: CsvReadOptions = {}): Promise<CsvReader> {
  let totalBytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new DataError('FILE_NOT_FOUND', `${path}: not a regular file`, { file: path });
    totalBytes = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('FILE_NOT_FOUND', `${path}: file not found or not readable`, { file: path });
  }
  return readCsv(createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 }), path, totalBytes, options);
}

/**
 * Reads CSV from a byte stream (an HTTP upload, a pipe) the same way `openCsv` reads a file;
 * `name` stands for the file in error messages. The stream is destroyed when reading stops,
 * so hand in a stream of your own (not a socket) if the connection must outlive an error.
 */
export function openCsvStream(stream: Readable, name: string, options: Omit<CsvReadOptions, 'chunkBytes' | 'onProgress'> = {}): Promise<CsvReader> {
  return readCsv(stream, name, 0, options);
}

async function readCsv(stream: Readable, path: string, totalBytes: number, options: CsvReadOptions): Promise<CsvReader> {
  const maxRecordBytes = options.maxRecordBytes ?? 16 * 1024 * 1024;
  const scanner = new CsvScanner(path);
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Unscanned bytes: the tail of the last chunk (an unfinished record) joined to the next one.
  let tail: Uint8Array = new Uint8Array(0);
  let bytesRead = 0;
  let eof = false;
  let first = true;

  async function fill(): Promise<void> {
    const next = await chunks.next();
    if (next.done) {
      eof = true;
      return;
    }
    let chunk: Uint8Array = next.value;
    bytesRead += chunk.length;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    tail = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    options.onProgress?.(bytesRead, totalBytes);
  }

  function checkLength(): void {
    if (tail.length > maxRecordBytes) {
      throw new DataError('BAD_QUOTE', `${path} line ${scanner.line}: a record is longer than ${maxRecordBytes} bytes (an unbalanced quote?)`, { file: path, line: scanner.line });
    }
  }

  try {
    let header: string[] | null = null;
    while (header === null) {
      await fill();
      const { batch, consumed } = scanner.scan(tail, 0, eof);
      if (batch.length === 1) {
        header = batch.record(0).map((h) => h.trim());
        tail = tail.subarray(consumed);
      } else if (eof) {
        throw new DataError('EMPTY_FILE', `${path}: the file is empty (no header row)`, { file: path });
      } else checkLength();
    }
    checkHeader(path, header);
    const width = header.length;
    async function* batches(): AsyncGenerator<CsvBatch> {
      try {
        for (;;) {
          if (tail.length > 0) {
            const { batch, consumed } = scanner.scan(tail, width, eof);
            tail = tail.subarray(consumed);
            if (batch.length > 0) yield batch;
          }
          if (eof) return;
          checkLength();
          await fill();
        }
      } finally {
        stream.destroy();
      }
    }
    return { header, batches: batches() };
  } catch (e) {
    stream.destroy();
    throw e;
  }
}

function checkHeader(path: string, header: string[]): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new DataError('DUPLICATE_COLUMN', `${path} line 1: column ${i + 1} has an empty name`, { file: path, column: i + 1 });
    if (seen.has(name)) throw new DataError('DUPLICATE_COLUMN', `${path} line 1: column "${name}" appears twice`, { file: path, column: name });
    seen.add(name);
  });
}
