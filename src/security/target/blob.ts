import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TargetError } from './errors.js';
import { limitError, type Budget, type TargetLimits } from './limits.js';

export type BlobFormat = 'gzip' | 'zstd' | 'tar' | 'other';

/** What a blob is, from its first bytes (media types lie often enough not to trust them). */
export function sniffFormat(head: Buffer): BlobFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  // An empty tar is only zero blocks; an old v7 header has an octal checksum at 148.
  if (head.length >= 512 && (head.subarray(0, 512).every((b) => b === 0) || /^[0-7 ]{6}\0/.test(head.toString('latin1', 148, 155)))) return 'tar';
  return 'other';
}

/** Reads the first `n` bytes of a stream without losing them: returns them and the whole stream again. */
export async function peek(stream: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    let finished = done;
    try {
      if (head.length > 0) yield head;
      for (let r = finished ? null : await it.next(); r !== null && r.done !== true; r = await it.next()) yield r.value;
      finished = true;
    } finally {
      // Stopped early: release the source (a socket, a file) instead of leaving it paused.
      if (!finished) await it.return?.();
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

/**
 * Counts uncompressed layer bytes against the budget. At the end it adds the final padding and
 * end-of-archive blocks: some writers (umoci 0.4) leave them out, and Go's archive/tar, which
 * Docker reads layers with, accepts such layers too.
 */
class LayerBytes extends Transform {
  private total = 0;
  constructor(private readonly budget: Budget) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.budget.addBytes(chunk.length);
      this.total += chunk.length;
      cb(null, chunk);
    } catch (e) {
      cb(e as Error);
    }
  }
  override _flush(cb: TransformCallback): void {
    cb(null, Buffer.alloc(((512 - (this.total % 512)) % 512) + 1024));
  }
}

/** Forwards an error of `from` to `to`, so the end of a chain sees every failure. */
export function forwardErrors(from: NodeJS.EventEmitter, to: { destroy(e?: Error): void }): void {
  from.on('error', (e: Error) => to.destroy(e));
}

/**
 * A layer blob as an uncompressed tar stream, gzip detected by its magic bytes, every byte
 * counted against `maxTotalBytes`. zstd is refused: Node 20's zlib cannot read it.
 */
export async function layerTarStream(blob: Readable, budget: Budget): Promise<Readable> {
  const { head, stream } = await peek(blob, 512);
  const format = sniffFormat(head);
  if (format === 'zstd') {
    blob.destroy();
    throw new TargetError('UNSUPPORTED_MEDIA_TYPE', 'zstd-compressed layers are not supported (no zstd in this Node.js zlib)', { format });
  }
  if (format === 'other' && head.length > 0) {
    blob.destroy();
    throw new TargetError('BAD_ARCHIVE', 'layer is neither a tar archive nor gzip-compressed');
  }
  const counter = new LayerBytes(budget);
  // pipeline destroys every stage on any failure, so a limit hit mid-layer releases the source too.
  const noop = (): void => {};
  if (format === 'gzip') pipeline(stream, createGunzip(), counter, noop);
  else pipeline(stream, counter, noop);
  return counter;
}

/** Passes bytes through and fails at the end if their SHA-256 is not `expected` ("sha256:…"). */
export class DigestVerifier extends Transform {
  private readonly hash = createHash('sha256');
  constructor(private readonly expected: string, private readonly what: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    cb(actual === this.expected ? null : digestMismatch(this.what, this.expected, actual));
  }
}

/** `stream` passed through a DigestVerifier, every stage torn down on failure. */
export function verified(stream: Readable, digest: string, what: string): Readable {
  const verifier = new DigestVerifier(digest, what);
  pipeline(stream, verifier, () => {});
  return verifier;
}

export function digestMismatch(what: string, expected: string, actual: string): TargetError {
  return new TargetError('DIGEST_MISMATCH', `${what}: content digest ${actual} does not match ${expected}`, { expected, actual });
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Reads a whole (small) stream, failing past `maxMetadataBytes`. */
export async function readLimited(stream: Readable, limits: TargetLimits, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxMetadataBytes) {
      stream.destroy();
      throw limitError('maxMetadataBytes', limits, `${what} (over ${size} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON that came from an image, as a BAD_ARCHIVE error when it is not. */
export function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch (e) {
    throw new TargetError('BAD_ARCHIVE', `${what} is not valid JSON`, undefined, e);
  }
}
